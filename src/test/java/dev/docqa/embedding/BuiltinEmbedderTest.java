package dev.docqa.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.ModelLoadException;
import dev.docqa.config.EmbedderSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 from the Maven Central jar, run by ONNX Runtime. */
class BuiltinEmbedderTest {

  private static Embedder embedder;

  @BeforeAll
  static void open() {
    embedder = Embedders.open(new EmbedderSettings(EmbedderSettings.DEFAULT_MODEL, 4), location -> {
      throw new AssertionError("builtin models are not resolved; location=" + location);
    });
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void vectorsAreUnitLengthWithMiniLmDimension() {
    assertEquals(384, embedder.dimension());
    float[] v = embedder.embedQuery("How tall is the Eiffel Tower?");
    assertEquals(384, v.length);
    assertEquals(1.0, dot(v, v), 1e-5);
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedText() {
    float[] q = embedder.embedQuery("How do I change my password?");
    List<float[]> p = embedder.embedPassages(List.of(
        "To reset your login credentials, open the account settings page.",
        "The recipe needs two cups of flour and a pinch of salt."));
    assertTrue(dot(q, p.get(0)) > dot(q, p.get(1)) + 0.2,
        "paraphrase " + dot(q, p.get(0)) + " vs unrelated " + dot(q, p.get(1)));
  }

  @Test
  void batchingAndPaddingDoNotChangeVectors() {
    // 9 texts of very different lengths with batch size 4: every batch is padded to its longest text.
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      texts.add("word ".repeat(1 + i * i * 3) + "number " + i);
    }
    List<float[]> batched = embedder.embedPassages(texts);
    assertEquals(texts.size(), batched.size());
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(embedder.embedQuery(texts.get(i)), batched.get(i), 2e-5f, "text " + i);
    }
  }

  @Test
  void longTextIsTruncatedNotRejected() {
    String longText = "Lucene indexes passages for retrieval. ".repeat(2_000);
    float[] v = embedder.embedPassages(List.of(longText)).getFirst();
    assertEquals(1.0, dot(v, v), 1e-5);
  }

  @Test
  void unicodeAndEmptyTextsEmbed() {
    List<float[]> v = embedder.embedPassages(List.of("", "Zürich straße 東京 🙂 Ελληνικά", "\u0000\t\n"));
    for (float[] x : v) {
      assertTrue(Double.isFinite(dot(x, x)));
    }
    assertTrue(embedder.embedPassages(List.of()).isEmpty());
  }

  @Test
  void concurrentCallsMatchSequentialOnes() throws Exception {
    List<String> texts = List.of("alpha beta", "gamma delta epsilon", "zeta", "eta theta iota kappa");
    List<float[]> expected = embedder.embedPassages(texts);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<float[]>>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> embedder.embedPassages(texts)));
      }
      for (Future<List<float[]>> result : results) {
        List<float[]> actual = result.get();
        for (int i = 0; i < texts.size(); i++) {
          assertArrayEquals(expected.get(i), actual.get(i), 1e-6f);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknownBuiltinAndMissingDirectoryFailWithTheLocation() {
    ModelLoadException unknown = assertThrows(ModelLoadException.class,
        () -> Embedders.openBuiltin(new EmbedderSettings("builtin:nope", 4)));
    assertTrue(unknown.getMessage().contains("builtin:nope"), unknown.getMessage());
    ModelLoadException missing = assertThrows(ModelLoadException.class,
        () -> Embedders.openDirectory(Path.of("no/such/dir"), new EmbedderSettings("no/such/dir", 4)));
    assertTrue(missing.getMessage().contains("no/such/dir"), missing.getMessage());
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
