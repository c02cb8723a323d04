package dev.docqa.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader exported with int8 dynamic quantization ({@code make_test_models.py --int8}, {@code export_reader.py
 * --int8}) runs through DJL's libtorch like any TorchScript reader: libtorch repacks the quantized Linear weights for
 * its own kernels at load. {@code tiny-qa-int8} is {@code tiny-qa} with its Linear layers quantized, so on the same
 * inputs it must give spans that are the text at their offsets, and mostly the same best span.
 */
class QuantizedReaderTest {

  private static final long SEED = 20261122L;
  private static final int CASES = 40;

  @TempDir Path cache;

  @Test
  void anInt8ReaderReadsWithProvenanceAndMostlyAgreesWithItsFloatOriginal() {
    String int8 = TinyModels.testModel("tiny-qa-int8").toString();
    try (Reader quantized = Reader.open(new ReaderSettings(int8, 64, 16, 15, 4, 1), ModelResolver.withoutS3(cache));
        Reader original = Reader.open(new ReaderSettings(TinyModels.WITH_TYPES, 64, 16, 15, 4, 1),
            ModelResolver.withoutS3(cache))) {
      Random random = new Random(SEED);
      int same = 0;
      List<String> differences = new ArrayList<>();
      for (int i = 0; i < CASES; i++) {
        String question = RandomTexts.question(random);
        List<Passage> passages = List.of(RandomTexts.asPassage("doc-" + i, 0, RandomTexts.passage(random, 40)));
        Answer answer = quantized.read(question, passages, quantized.defaultOptions()).best().orElseThrow();
        Answer reference = original.read(question, passages, original.defaultOptions()).best().orElseThrow();
        String text = answer.passage().text();
        assertEquals(text.substring(text.offsetByCodePoints(0, answer.start()),
            text.offsetByCodePoints(0, answer.end())), answer.text(), "span and offsets disagree");
        if (answer.start() == reference.start() && answer.end() == reference.end()) {
          same++;
        } else {
          differences.add(i + ": " + answer.text() + " vs " + reference.text());
        }
      }
      System.out.println("{\"test\":\"int8_reader\",\"cases\":" + CASES + ",\"same_best_span\":" + same + "}");
      // Quantization moves logits a little: near-ties may flip, most answers must not.
      assertTrue(same >= CASES * 3 / 4, same + "/" + CASES + " agree; " + differences);
    }
  }
}
