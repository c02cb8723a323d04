/**
 * What the core needs from wherever passages live, whatever the engine: an {@link dev.docqa.index.IndexBackend} takes
 * whole-document changes in S3 event order and hands out point-in-time {@link dev.docqa.index.IndexView}s that rank
 * passages by each signal (lexical terms, a question vector) and look documents up. Fusion, validation and reading stay
 * in the core, so the embedded Lucene index and OpenSearch answer the same questions the same way.
 */
package dev.docqa.index;
