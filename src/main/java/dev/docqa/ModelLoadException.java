package dev.docqa;

/** A model (reader or embedder) could not be found, fetched or loaded; the message names the location and what is wrong. */
public class ModelLoadException extends DocqaException {
  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
