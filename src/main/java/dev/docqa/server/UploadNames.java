package dev.docqa.server;

/**
 * The rules for the name an upload is indexed under (its document id): a file name as a browser sends it, with an
 * extension the extractor can use as a hint. Stateless.
 */
final class UploadNames {

  static final int MAX_LENGTH = 255;

  private UploadNames() {}

  /** Why {@code name} cannot name an upload, or {@code null} when it can. */
  static String problem(String name) {
    if (name == null || name.isBlank()) {
      return "an upload needs ?name=FILE_NAME";
    }
    if (name.length() > MAX_LENGTH) {
      return "the name must have at most " + MAX_LENGTH + " characters; length=" + name.length();
    }
    if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      return "the name must be a file name (no folders, not hidden); name=" + name;
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      return "the name must not contain control characters";
    }
    return null;
  }
}
