package dev.docqa;

/**
 * Base of docqa's failures. Unchecked, so functional call chains stay readable; each subclass names a boundary
 * and the adapters map it (e.g. {@link InvalidInputException} to HTTP 400). Always carries the cause when there is one.
 */
public class DocqaException extends RuntimeException {
  public DocqaException(String message) {
    super(message);
  }

  public DocqaException(String message, Throwable cause) {
    super(message, cause);
  }
}
