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
