package dev.docqa.ingestion;

import java.util.ArrayList;
import java.util.List;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Collects the text of Tika's XHTML body and where each page starts ({@code <div class="page">}, emitted by the PDF
 * parser). Stops the parse when the text outgrows its limit or the parsing thread is interrupted (extraction timeout).
 *
 * <p>With {@code collapseWhitespace} (HTML, where source layout carries no meaning) whitespace inside text is rendered
 * as a browser would: runs become one space, none at line starts or ends, and {@code <pre>} keeps its own. Line breaks
 * between blocks come from Tika as ignorable whitespace and are kept.
 *
 * <p>One instance per parse; not thread-safe.
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
  private final boolean collapseWhitespace;
  private final StringBuilder text = new StringBuilder();
  private final List<Integer> pageStartsUtf16 = new ArrayList<>();
  private int preDepth;

  PageTrackingHandler(long maxChars, boolean collapseWhitespace) {
    this.maxChars = maxChars;
    this.collapseWhitespace = collapseWhitespace;
  }

  @Override
  public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
    checkInterrupted();
    String name = name(localName, qName);
    if ("div".equals(name) && "page".equals(atts.getValue("class"))) {
      pageStartsUtf16.add(text.length());
    } else if ("pre".equals(name)) {
      preDepth++;
    }
  }

  @Override
  public void endElement(String uri, String localName, String qName) {
    if ("pre".equals(name(localName, qName)) && preDepth > 0) {
      preDepth--;
    }
  }

  @Override
  public void characters(char[] ch, int start, int length) throws SAXException {
    checkInterrupted();
    if (!collapseWhitespace || preDepth > 0) {
      append(ch, start, length);
      return;
    }
    for (int i = start; i < start + length; i++) {
      char c = ch[i];
      if (Character.isWhitespace(c)) {
        if (!text.isEmpty() && !atLineStartOrSpace()) {
          appendChar(' ');
        }
      } else {
        appendChar(c);
      }
    }
  }

  @Override
  public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
    checkInterrupted();
    if (collapseWhitespace && preDepth == 0 && !text.isEmpty() && text.charAt(text.length() - 1) == ' ') {
      text.setLength(text.length() - 1); // no trailing space before a block's line break
    }
    append(ch, start, length);
  }

  private boolean atLineStartOrSpace() {
    char last = text.charAt(text.length() - 1);
    return last == ' ' || last == '\n';
  }

  private void append(char[] ch, int start, int length) throws SAXException {
    checkLimit(length);
    text.append(ch, start, length);
  }

  private void appendChar(char c) throws SAXException {
    checkLimit(1);
    text.append(c);
  }

  private void checkLimit(int more) throws StopParsing {
    if (text.length() + (long) more > maxChars) {
      throw new StopParsing(DocumentRejectedException.Reason.TOO_LARGE,
          "extracted text exceeds maxExtractedChars=" + maxChars);
    }
  }

  private static String name(String localName, String qName) {
    return localName == null || localName.isEmpty() ? qName : localName;
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
