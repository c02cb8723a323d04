package dev.docqa.storage;

/** Precondition of a conditional put, as S3's {@code If-None-Match: *} and {@code If-Match: <etag>}. */
public sealed interface PutCondition {

  /** Write whatever is there. */
  PutCondition NONE = new Always();

  /** Write only if no object exists at the key. */
  static PutCondition ifAbsent() {
    return new IfAbsent();
  }

  /** Write only if the current object has this ETag. */
  static PutCondition ifMatch(String etag) {
    return new IfMatch(etag);
  }

  record Always() implements PutCondition {}

  record IfAbsent() implements PutCondition {}

  record IfMatch(String etag) implements PutCondition {
    public IfMatch {
      if (etag == null || etag.isBlank()) {
        throw new IllegalArgumentException("etag must be set for an If-Match put");
      }
    }
  }
}
