/**
 * {@code docqa bench}: measures the reader, retrieval, ingestion, questions end to end and cold start against their
 * ceilings (the bare model forward, bare Lucene searches, bare embedding) and a peer (DJL's own QA translator); with
 * {@code --opensearch}, the OpenSearch backend side by side with the embedded index on the same data.
 */
package dev.docqa.bench;
