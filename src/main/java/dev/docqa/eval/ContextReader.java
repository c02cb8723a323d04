package dev.docqa.eval;

import dev.docqa.document.Passage;
import dev.docqa.service.AskResult;

/**
 * Reads one given context with the reader, no retrieval: SQuAD's gold-paragraph setting and {@code ask --context}. The
 * context may be of any length; the reader covers it in stride windows.
 *
 * <p>Implementations are used from one thread; {@link #close()} releases the model.
 */
public interface ContextReader extends AutoCloseable {

  /**
   * Answers the question from {@code context} alone.
   *
   * @param alternatives how many answers beyond the best to return
   * @return the best span (offsets relative to {@code context}'s document text) or a {@code null} answer when the model
   *     says there is none
   */
  AskResult read(String question, Passage context, int alternatives);

  @Override
  void close();
}
