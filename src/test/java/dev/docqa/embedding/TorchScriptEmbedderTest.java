package dev.docqa.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.EmbedderSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed tiny TorchScript embedder (src/tools/make_test_models.py), run by the PyTorch engine, against values
 * computed by torch itself.
 */
class TorchScriptEmbedderTest {

  /**
   * {@code normalize(mean(model(ids, mask, types)))} for "hello world" = [CLS] hello world [SEP] = 101 7592 2088 102,
   * computed with Debian's torch 1.13 on the same .pt file.
   */
  private static final float[] HELLO_WORLD = {
    0.180644f, 0.110936f, -0.300542f, 0.000312f, -0.032771f, 0.188902f, -0.361533f, 0.046352f,
    -0.048696f, -0.24983f, 0.091123f, 0.127876f, -0.247941f, 0.165942f, 0.205676f, -0.362494f,
    -0.020485f, -0.076199f, 0.004632f, 0.032951f, 0.070874f, -0.019075f, 0.07449f, 0.067211f,
    -0.004631f, -0.202629f, 0.169897f, -0.170657f, -0.213907f, 0.325427f, 0.218734f, 0.146988f
  };

  @Test
  void matchesTorchAndIgnoresBatchPadding() throws Exception {
    Path dir = Path.of(getClass().getResource("/models/tiny-embedder").toURI());
    EmbedderSettings settings = new EmbedderSettings(dir.toString(), 2);
    try (Embedder embedder = Embedders.open(settings, Path::of)) {
      assertEquals(32, embedder.dimension());
      assertArrayEquals(HELLO_WORLD, embedder.embedQuery("Hello world"), 2e-5f);
      List<float[]> batch = embedder.embedPassages(
          List.of("a much longer passage that forces padding of the short one", "hello world", "x"));
      assertArrayEquals(HELLO_WORLD, batch.get(1), 2e-5f);
      assertTrue(embedder.toString().contains("PyTorch"), embedder.toString());
    }
  }
}
