package dev.docqa.embedding;

import java.util.List;

/**
 * Turns texts into L2-normalised vectors whose dot product is their cosine similarity.
 *
 * <p>Implementations are thread-safe and batch internally; {@link #close()} frees native resources.
 */
public interface Embedder extends AutoCloseable {

  /** Vector length, fixed for the model. */
  int dimension();

  /** Embeds passages for indexing, in order; one vector per text. */
  List<float[]> embedPassages(List<String> texts);

  /** Embeds a question for searching. */
  float[] embedQuery(String question);

  @Override
  void close();
}
