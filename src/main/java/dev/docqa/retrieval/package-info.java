/**
 * Finds the passages worth reading for a question: BM25 over analysed text, dense kNN over passage embeddings, or both
 * fused by reciprocal rank, always from one point-in-time searcher.
 */
package dev.docqa.retrieval;
