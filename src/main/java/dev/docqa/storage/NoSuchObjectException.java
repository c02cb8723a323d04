package dev.docqa.storage;

import dev.docqa.DocqaException;

/** The object asked for does not exist (S3 404 / missing file). */
public class NoSuchObjectException extends DocqaException {
  public NoSuchObjectException(String key, String store) {
    super("no object " + key + " in " + store);
  }
}
