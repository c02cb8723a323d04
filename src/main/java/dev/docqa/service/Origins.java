package dev.docqa.service;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The origins documents are indexed with ({@link DocumentSource#origin()}): a local file's {@code file:} URI (its real
 * path, so two names of one file are one origin) or {@code upload:NAME} for content uploaded without a file. Stateless.
 */
public final class Origins {

  private static final String FILE = "file:";
  private static final String UPLOAD = "upload:";

  private Origins() {}

  /** The origin of a local file: the URI of its real path (symbolic links resolved), else of its absolute path. */
  public static String ofFile(Path file) {
    return canonical(file).toUri().toString();
  }

  /** The origin of content uploaded as {@code name}. */
  public static String upload(String name) {
    return UPLOAD + name;
  }

  /** The prefix of the origins of every file below {@code folder}, with a trailing {@code /}. */
  static String ofFolder(Path folder) {
    String uri = canonical(folder).toUri().toString();
    return uri.endsWith("/") ? uri : uri + "/";
  }

  /** Whether {@code origin} is a local file that no longer exists (other origins are never known to be gone). */
  static boolean isMissingFile(String origin) {
    if (!origin.startsWith(FILE)) {
      return false;
    }
    return !Files.exists(Path.of(URI.create(origin)));
  }

  /** How an origin is shown in listings: a file's path, or the origin itself ({@code upload:NAME}). */
  static String shown(String origin) {
    return origin.startsWith(FILE) ? Path.of(URI.create(origin)).toString() : origin;
  }

  /** How an origin reads in a message: a file's path, "the upload NAME", or the origin itself. */
  static String describe(String origin) {
    if (origin.startsWith(FILE)) {
      return Path.of(URI.create(origin)).toString();
    }
    return origin.startsWith(UPLOAD) ? "the upload " + origin.substring(UPLOAD.length()) : origin;
  }

  private static Path canonical(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      // Gone or unreadable: the absolute path is what it was indexed under, as long as no link was involved.
      return path.toAbsolutePath().normalize();
    }
  }
}
