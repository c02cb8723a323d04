package dev.docqa.reading;

/** A passage text with a code-point to UTF-16 index table, for cutting many spans out of it cheaply. */
final class PassageText {

  private final String text;
  private final int[] charIndex;

  PassageText(String text) {
    this.text = text;
    int count = text.codePointCount(0, text.length());
    charIndex = new int[count + 1];
    int cp = 0;
    for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
      charIndex[cp++] = i;
    }
    charIndex[count] = text.length();
  }

  /** The text between code-point offsets {@code start} (inclusive) and {@code end} (exclusive). */
  String substring(int start, int end) {
    return text.substring(charIndex[start], charIndex[end]);
  }
}
