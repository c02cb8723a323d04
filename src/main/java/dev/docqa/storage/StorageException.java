package dev.docqa.storage;

import dev.docqa.DocqaException;

/** The store could not be reached or failed an operation (I/O error, S3 error other than a missing object). */
public class StorageException extends DocqaException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
