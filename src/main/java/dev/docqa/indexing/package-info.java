/**
 * The Lucene passage index: one Lucene document per passage (BM25 text + HNSW vector), written a whole source document
 * at a time in single commits, and searched through refreshed, reference-counted searchers.
 */
package dev.docqa.indexing;
