package dev.docqa.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Seeded plain-text documents {@code doc-NN.txt}, each in several versions of different text (a few passages each), so
 * a test can tell which version of a document an index holds. Immutable.
 */
final class SyntheticDocuments {

  private static final String[] SYLLABLES = {
    "ka", "lo", "mir", "sen", "tu", "var", "nel", "os", "pra", "di", "gem", "hul", "ri", "zo", "bas", "fen"
  };

  private final long seed;
  private final int count;
  private final int versions;

  SyntheticDocuments(long seed, int count, int versions) {
    this.seed = seed;
    this.count = count;
    this.versions = versions;
  }

  int count() {
    return count;
  }

  int versions() {
    return versions;
  }

  /** The id of document {@code index}, as the CLI names a file given directly: its file name. */
  static String id(int index) {
    return String.format(Locale.ROOT, "doc-%02d.txt", index);
  }

  List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(id(i));
    }
    return ids;
  }

  /** Version {@code version} of document {@code index}: 250-450 words of sentences, different for every version. */
  String text(int index, int version) {
    Random random = new Random(seed * 1_000_003 + index * 97L + version);
    StringBuilder text = new StringBuilder();
    int words = 250 + random.nextInt(200);
    String topic = word(random) + word(random);
    for (int w = 0; w < words; w++) {
      boolean sentenceStart = text.isEmpty() || text.charAt(text.length() - 2) == '.';
      String word = w % 11 == 0 ? topic : word(random);
      text.append(sentenceStart ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
      text.append(random.nextInt(9) == 0 ? ". " : " ");
    }
    return text.toString().strip() + ".\n";
  }

  /** Writes version {@code version} of document {@code index} into {@code dir} under its id. */
  Path write(Path dir, int index, int version) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(id(index)), text(index, version));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A question made of words of the given version, so retrieval finds something. */
  String question(Random random, int index, int version) {
    String[] words = text(index, version).replace(".", "").strip().split(" ");
    return "What is " + words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)] + "?";
  }

  private static String word(Random random) {
    StringBuilder word = new StringBuilder();
    int syllables = 1 + random.nextInt(3);
    for (int s = 0; s < syllables; s++) {
      word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
    }
    return word.toString();
  }
}
