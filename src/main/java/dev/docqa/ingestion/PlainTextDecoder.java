package dev.docqa.ingestion;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.io.ByteOrderMark;
import org.apache.tika.parser.txt.CharsetDetector;
import org.apache.tika.parser.txt.CharsetMatch;

/**
 * Decodes a plain-text file to a string that is the file itself: a BOM decides the charset and is dropped; otherwise
 * strictly valid UTF-8 without NUL bytes is UTF-8, and anything else goes to Tika's ICU-derived
 * {@link CharsetDetector} (which also recognises BOM-less UTF-16). Stateless and thread-safe.
 */
final class PlainTextDecoder {

  /** The decoded text and the charset it was read with. */
  record Decoded(String text, Charset charset) {}

  // Longest BOM first: the UTF-32LE BOM starts with the UTF-16LE one.
  private static final ByteOrderMark[] BOMS = {
    ByteOrderMark.UTF_32LE, ByteOrderMark.UTF_32BE, ByteOrderMark.UTF_8, ByteOrderMark.UTF_16LE, ByteOrderMark.UTF_16BE
  };

  /** The detector reads at most this much; enough for a confident guess, bounded for huge files. */
  private static final int DETECTION_SAMPLE_BYTES = 64 * 1024;

  private PlainTextDecoder() {}

  static Decoded decode(byte[] bytes) {
    for (ByteOrderMark bom : BOMS) {
      if (startsWith(bytes, bom.getBytes())) {
        Charset charset = Charset.forName(bom.getCharsetName());
        return new Decoded(lenient(bytes, bom.length(), charset), charset);
      }
    }
    if (!containsNul(bytes)) {
      try {
        String text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
        return new Decoded(text, StandardCharsets.UTF_8);
      } catch (CharacterCodingException notUtf8) {
        // Expected for legacy 8-bit files: fall through to statistical detection.
      }
    }
    Charset charset = detect(bytes);
    return new Decoded(lenient(bytes, 0, charset), charset);
  }

  /** Share of implausible characters above which decoded "text" is taken for binary data. */
  private static final double MAX_BINARY_SHARE = 0.05;

  /**
   * Whether the start of a decoded text is mostly not text: control characters other than line and tab breaks,
   * replacement characters from undecodable bytes, lone surrogates, private-use or unassigned code points. Real text in
   * any detected charset has almost none; random bytes read through any charset have many.
   */
  static boolean looksBinary(String text) {
    int end = Math.min(text.length(), DETECTION_SAMPLE_BYTES);
    int total = 0;
    int implausible = 0;
    for (int i = 0; i < end; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      total++;
      int type = Character.getType(c);
      boolean control = Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t' && c != '\f';
      if (control || c == 0xFFFD || type == Character.SURROGATE || type == Character.PRIVATE_USE
          || type == Character.UNASSIGNED) {
        implausible++;
      }
    }
    return total > 0 && implausible > total * MAX_BINARY_SHARE;
  }

  private static Charset detect(byte[] bytes) {
    CharsetDetector detector = new CharsetDetector();
    detector.setText(bytes.length <= DETECTION_SAMPLE_BYTES ? bytes : Arrays.copyOf(bytes, DETECTION_SAMPLE_BYTES));
    for (CharsetMatch match : detector.detectAll()) {
      if (Charset.isSupported(match.getName())) {
        return Charset.forName(match.getName());
      }
    }
    // Every byte sequence is valid ISO-8859-1, so the file still decodes one character per byte.
    return StandardCharsets.ISO_8859_1;
  }

  /** Malformed input becomes U+FFFD: a detector's guess is never perfect and one bad byte must not lose the file. */
  private static String lenient(byte[] bytes, int offset, Charset charset) {
    return new String(bytes, offset, bytes.length - offset, charset);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static boolean containsNul(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        return true;
      }
    }
    return false;
  }
}
