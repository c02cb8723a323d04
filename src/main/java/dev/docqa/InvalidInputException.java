package dev.docqa;

/** The caller's input breaks a documented rule; the message names the rule and the bad value. Maps to HTTP 400. */
public class InvalidInputException extends DocqaException {
  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
