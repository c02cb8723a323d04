package dev.docqa.ingestion;

import java.util.ArrayList;
import java.util.List;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Collects the text of Tika's XHTML body and where each page starts ({@code <div class="page">}, emitted by the PDF
 * parser). Stops the parse when the text outgrows its limit or the parsing thread is interrupted (extraction timeout).
 * One instance per parse; not thread-safe.
 */
final class PageTrackingHandler extends DefaultHandler {

  /** Thrown through the parser to stop it; recognised in the cause chain afterwards. */
  static final class StopParsing extends SAXException {
    final DocumentRejectedException.Reason reason;

    StopParsing(DocumentRejectedException.Reason reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  private final long maxChars;
  private final StringBuilder text = new StringBuilder();
  private final List<Integer> pageStartsUtf16 = new ArrayList<>();

  PageTrackingHandler(long maxChars) {
    this.maxChars = maxChars;
  }

  @Override
  public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
    checkInterrupted();
    String name = localName == null || localName.isEmpty() ? qName : localName;
    if ("div".equals(name) && "page".equals(atts.getValue("class"))) {
      pageStartsUtf16.add(text.length());
    }
  }

  @Override
  public void characters(char[] ch, int start, int length) throws SAXException {
    append(ch, start, length);
  }

  @Override
  public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
    append(ch, start, length);
  }

  private void append(char[] ch, int start, int length) throws SAXException {
    checkInterrupted();
    if (text.length() + (long) length > maxChars) {
      throw new StopParsing(DocumentRejectedException.Reason.TOO_LARGE,
          "extracted text exceeds maxExtractedChars=" + maxChars);
    }
    text.append(ch, start, length);
  }

  private static void checkInterrupted() throws StopParsing {
    if (Thread.currentThread().isInterrupted()) {
      throw new StopParsing(DocumentRejectedException.Reason.TIMEOUT, "extraction cancelled");
    }
  }

  String text() {
    return text.toString();
  }

  /** Page starts as code-point offsets into {@link #text()}, converted in one pass. */
  List<Integer> pageStartsInCodePoints() {
    List<Integer> result = new ArrayList<>(pageStartsUtf16.size());
    int previous = 0;
    int codePoints = 0;
    for (int utf16 : pageStartsUtf16) {
      codePoints += Character.codePointCount(text, previous, utf16);
      previous = utf16;
      result.add(codePoints);
    }
    return result;
  }
}
