package dev.docqa.opensearch;

import dev.docqa.DocqaException;
import dev.docqa.index.IndexUnavailableException;
import java.io.IOException;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * Runs client calls and turns what goes wrong into docqa's exceptions, naming the endpoint in one line: an engine that
 * cannot be reached, times out, is overloaded ({@code 429}) or fails ({@code 5xx}) is {@link
 * IndexUnavailableException}; a request it rejects ({@code 4xx}) is a {@link Rejected}; anything else the client
 * throws is a {@link DocqaException}. No client exception leaves this class unwrapped. Immutable.
 */
final class Calls {

  /** One client call. */
  interface Call<T> {
    T call() throws IOException;
  }

  /** OpenSearch rejected a request ({@code 4xx} other than {@code 429}): {@code type} is its error type. */
  static final class Rejected extends DocqaException {
    private final int status;
    private final String type;

    Rejected(String message, int status, String type, Throwable cause) {
      super(message, cause);
      this.status = status;
      this.type = type;
    }

    int status() {
      return status;
    }

    String type() {
      return type;
    }

    /** The index does not exist (deleted since it was opened). */
    boolean missingIndex() {
      return "index_not_found_exception".equals(type);
    }
  }

  private final String endpoint;

  Calls(String endpoint) {
    this.endpoint = endpoint;
  }

  <T> T run(String what, Call<T> call) {
    try {
      return call.call();
    } catch (OpenSearchException e) {
      throw failure(what, e.status(), e.error(), e);
    } catch (IOException e) {
      int status = httpStatus(e);
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        // An error answer without an OpenSearch error body (e.g. 413 from the HTTP layer): still a rejection.
        throw new Rejected("OpenSearch at " + endpoint + " rejected the request (" + what + "): HTTP " + status,
            status, null, e);
      }
      throw new IndexUnavailableException(
          "OpenSearch at " + endpoint + " is unavailable (" + what + "): " + describe(e), e);
    } catch (DocqaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DocqaException("OpenSearch request to " + endpoint + " failed (" + what + "): " + describe(e), e);
    }
  }

  /** The exception for an error OpenSearch answered with, for one request or one item of a bulk or multi-search. */
  DocqaException failure(String what, int status, ErrorCause error, Throwable cause) {
    String type = error == null ? null : error.type();
    String detail = "HTTP " + status + (type == null ? "" : " " + type)
        + (error == null || error.reason() == null ? "" : ": " + oneLine(error.reason()));
    if (status == 429 || status >= 500) {
      return new IndexUnavailableException(
          "OpenSearch at " + endpoint + " could not serve the request (" + what + "): " + detail, cause);
    }
    return new Rejected("OpenSearch at " + endpoint + " rejected the request (" + what + "): " + detail, status, type,
        cause);
  }

  /** The HTTP status of an error answer the transport could not parse; {@code -1} when there was no answer. */
  private static int httpStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ResponseException response) {
        return response.status();
      }
    }
    return -1;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root
        && (root.getMessage() == null || root instanceof org.opensearch.client.transport.TransportException)) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + oneLine(message));
  }

  private static String oneLine(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
