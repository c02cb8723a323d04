package dev.docqa.index;

import dev.docqa.DocqaException;

/**
 * The index engine cannot be reached or did not answer in time. Nothing was changed that the caller was not told of;
 * retrying later may succeed. Adapters map it to HTTP 503 and to a retried message for ingestion.
 */
public class IndexUnavailableException extends DocqaException {

  public IndexUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
