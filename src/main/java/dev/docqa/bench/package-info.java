/**
 * {@code docqa bench}: measures the reader, retrieval, ingestion, questions end to end and cold start against their
 * ceilings (the bare model forward, bare Lucene searches, bare embedding) and a peer (DJL's own QA translator).
 */
package dev.docqa.bench;
