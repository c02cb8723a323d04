/**
 * The passage index on an OpenSearch cluster (self-managed, Amazon OpenSearch Service or Serverless): an {@link
 * dev.docqa.index.IndexBackend} that keeps one head document and the passages of each docqa document in one index, and
 * orders concurrent writers by optimistic concurrency on the head.
 */
package dev.docqa.opensearch;
