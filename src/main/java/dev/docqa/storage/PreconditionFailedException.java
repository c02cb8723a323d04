package dev.docqa.storage;

import dev.docqa.DocqaException;

/** A conditional put lost: the object changed (S3 412) or a concurrent write conflicted (S3 409). */
public class PreconditionFailedException extends DocqaException {
  public PreconditionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
