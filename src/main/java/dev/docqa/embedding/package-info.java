/** Sentence embeddings for dense retrieval: the {@link dev.docqa.embedding.Embedder} interface and its DJL-backed models. */
package dev.docqa.embedding;
