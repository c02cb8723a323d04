package dev.docqa.service;

import dev.docqa.DocqaException;

/** Closes several owned resources, every one even when some fail. */
final class Closing {

  private Closing() {}

  /** Closes all; the first failure is thrown (naming {@code owner}) with the others suppressed. */
  static void all(String owner, AutoCloseable... resources) {
    DocqaException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = new DocqaException("cannot close " + owner + " cleanly: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes all after a failed construction, adding nothing to the failure already under way. */
  static void quietly(AutoCloseable... resources) {
    try {
      all("a half-opened service", resources);
    } catch (DocqaException ignored) {
      // The construction failure being propagated is the one worth reporting.
    }
  }
}
