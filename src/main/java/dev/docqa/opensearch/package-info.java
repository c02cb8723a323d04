/**
 * The passage index on an OpenSearch cluster (self-managed, Amazon OpenSearch Service or Serverless): an {@link
 * dev.docqa.index.IndexBackend} that appends each version of a docqa document (a head and its passages) to one index,
 * lets readers see only the newest version by S3 event order, and so needs no single writer.
 */
package dev.docqa.opensearch;
