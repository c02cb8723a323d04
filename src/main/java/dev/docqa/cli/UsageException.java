package dev.docqa.cli;

/** The command line breaks the usage of a command; the message says how, in one line. Exit code 2. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
