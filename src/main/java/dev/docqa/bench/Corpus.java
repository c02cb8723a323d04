package dev.docqa.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Seeded pseudo-English: syllable words drawn with Zipf-like frequencies, so BM25 sees common and rare terms and the
 * tokenizer sees words of several word pieces. Same seed, same texts. Not thread-safe.
 */
final class Corpus {

  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ren", "tas", "vo", "qui", "zel", "dor", "fen",
      "gra", "hul", "jin", "pex", "sor", "tum", "wex", "yal", "bri", "cos"};
  private static final int VOCABULARY = 20_000;

  private final Random random;
  private final String[] vocabulary = new String[VOCABULARY];

  Corpus(long seed) {
    this.random = new Random(seed);
    for (int i = 0; i < vocabulary.length; i++) {
      StringBuilder word = new StringBuilder();
      int x = i;
      do {
        word.append(SYLLABLES[x % SYLLABLES.length]);
        x /= SYLLABLES.length;
      } while (x > 0);
      vocabulary[i] = word.toString();
    }
  }

  /** The random source, for callers that draw vectors or sizes from the same seeded stream. */
  Random random() {
    return random;
  }

  String word() {
    // Inverse CDF of a Zipf-like law: low ranks (common words) far more often.
    double u = random.nextDouble();
    return vocabulary[(int) Math.min(vocabulary.length - 1, Math.floor(Math.pow(vocabulary.length, u)) - 1)];
  }

  /** {@code words} words in sentences of twelve. */
  String text(int words) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < words; i++) {
      text.append(i == 0 ? "" : (i % 12 == 0 ? ". " : " ")).append(word());
    }
    return text.append('.').toString();
  }

  /** A document of paragraphs of about 80 words. */
  String document(int words) {
    StringBuilder document = new StringBuilder();
    for (int done = 0; done < words; done += 80) {
      document.append(text(Math.min(80, words - done))).append("\n\n");
    }
    return document.toString();
  }

  /** Writes {@linkplain #document a document} of {@code words} words to {@code folder/name}; returns its path. */
  Path writeDocument(Path folder, String name, int words) {
    Path file = folder.resolve(name);
    try {
      Files.createDirectories(folder);
      return Files.writeString(file, document(words), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  String question() {
    return "What does " + text(5 + random.nextInt(5)).replace(".", "") + " mean?";
  }

  /** A random unit vector: the hard case for HNSW (no clusters). */
  float[] unitVector(int dimension) {
    float[] v = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimension; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
