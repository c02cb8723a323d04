package dev.docqa.cli;

/** Counts with their noun in the right number: "1 file", "2 files". Stateless. */
final class Plural {

  private Plural() {}

  /** {@code count} and {@code noun}, with an {@code s} unless the count is 1. */
  static String of(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
