package dev.docqa.web;

import dev.docqa.DocqaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The page at {@code /}: a question box, the answer highlighted in its passage with document, page and confidence,
 * alternatives, retrieved passages with their scores, timings; and where the server offers {@code /documents} (the
 * local server), the indexed documents with upload and delete. Read once from the class path; thread-safe.
 */
public final class WebPage {

  /** Where the page lives on the class path. */
  static final String RESOURCE = "/dev/docqa/web/index.html";
  /** The content type it is served with. */
  public static final String CONTENT_TYPE = "text/html; charset=utf-8";

  private static final String HTML = load();

  private WebPage() {}

  /** The page's HTML. */
  public static String html() {
    return HTML;
  }

  private static String load() {
    try (InputStream in = WebPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new DocqaException("the web page " + RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DocqaException("cannot read the web page " + RESOURCE + ": " + e.getMessage(), e);
    }
  }
}
