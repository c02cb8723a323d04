package dev.docqa.reading;

import dev.docqa.DocqaException;

/** The reader model ran but returned something unusable: wrong outputs or shapes, NaN or infinite logits. */
public class ModelOutputException extends DocqaException {
  public ModelOutputException(String message) {
    super(message);
  }

  public ModelOutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
