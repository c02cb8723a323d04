package dev.docqa.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** ETags as S3 computes them for single-part uploads (hex MD5 of the content), without the surrounding quotes. */
final class ETags {

  private ETags() {}

  static String of(byte[] content) {
    return HexFormat.of().formatHex(md5().digest(content));
  }

  static String of(Path file) throws IOException {
    MessageDigest digest = md5();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Removes the quotes S3 puts around ETags, and a weak-validator prefix; a missing ETag becomes {@code ""}. */
  static String normalize(String etag) {
    if (etag == null) {
      return "";
    }
    String value = etag.startsWith("W/") ? etag.substring(2) : etag;
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }
}
