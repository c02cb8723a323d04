package dev.docqa.config;

import dev.docqa.InvalidInputException;
import java.util.Locale;

/** Which signal ranks passages. */
public enum RetrieverMode {
  BM25,
  DENSE,
  HYBRID;

  /** Parses {@code bm25|dense|hybrid}, case-insensitively. */
  public static RetrieverMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidInputException("retriever must be one of bm25, dense, hybrid; retriever=" + text, e);
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
