package dev.docqa.index;

import dev.docqa.DocqaException;

/** Nothing has been indexed yet, so there is nothing to search; adapters map it to HTTP 404. */
public class EmptyIndexException extends DocqaException {
  public EmptyIndexException(String message) {
    super(message);
  }
}
