package dev.docqa.storage;

import dev.docqa.InvalidInputException;
import java.nio.charset.StandardCharsets;

/** The key rules every store enforces, so a key can never name something outside the store's root. */
public final class ObjectKeys {

  /** S3's limit on a key, in UTF-8 bytes; the local store keeps it too, so both accept the same keys. */
  public static final int MAX_KEY_BYTES = 1024;

  private ObjectKeys() {}

  /**
   * Returns {@code key} when it is a valid object key: non-empty, at most {@value #MAX_KEY_BYTES} UTF-8 bytes,
   * relative, {@code /}-separated, without backslashes, NUL, empty, {@code .} or {@code ..} segments.
   *
   * @throws InvalidInputException naming the rule and the key otherwise
   */
  public static String check(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidInputException("object key must not be empty; key=" + key);
    }
    checkPath(key, "object key");
    if (key.endsWith("/")) {
      throw new InvalidInputException("object key must not end with '/'; key=" + key);
    }
    return key;
  }

  /** Returns {@code prefix} when it is a valid listing prefix: empty, or a key prefix following the key rules. */
  public static String checkPrefix(String prefix) {
    if (prefix == null) {
      throw new InvalidInputException("prefix must not be null");
    }
    if (!prefix.isEmpty()) {
      checkPath(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix, "prefix");
    }
    return prefix;
  }

  private static void checkPath(String path, String what) {
    int bytes = path.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES) {
      throw new InvalidInputException(
          what + " must be at most " + MAX_KEY_BYTES + " UTF-8 bytes; length=" + bytes + " bytes");
    }
    if (path.startsWith("/")) {
      throw new InvalidInputException(what + " must be relative (no leading '/'); " + what + "=" + path);
    }
    if (path.indexOf('\\') >= 0) {
      throw new InvalidInputException(what + " must not contain '\\'; " + what + "=" + path);
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidInputException(what + " must not contain NUL; " + what + "=" + path.replace('\0', '?'));
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidInputException(
            what + " must not contain empty, '.' or '..' segments; " + what + "=" + path);
      }
    }
  }
}
