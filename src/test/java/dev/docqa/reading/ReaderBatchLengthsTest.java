package dev.docqa.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelResolver;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Reader#batchLengths} describes exactly the forward passes a read runs (the benchmark times them bare). */
class ReaderBatchLengthsTest {

  @TempDir Path cache;

  @Test
  void batchLengthsAreTheReadsForwardPasses() {
    Random random = new Random(7);
    List<ReadRequest> requests = List.of(
        new ReadRequest(RandomTexts.question(random), List.of(
            Passage.ofText("a", RandomTexts.words(random, 700)), Passage.ofText("b", RandomTexts.words(random, 40)))),
        new ReadRequest(RandomTexts.question(random), List.of(Passage.ofText("c", RandomTexts.words(random, 300)))));
    ReaderSettings settings = new ReaderSettings(TinyModels.WITH_TYPES, 128, 32, 15, 3, 0);
    try (Reader reader = Reader.open(settings, ModelResolver.withoutS3(cache))) {
      List<int[]> batches = reader.batchLengths(requests);
      ReadStats stats = reader.readAll(requests, reader.defaultOptions()).getFirst().stats();

      assertEquals(stats.batches(), batches.size());
      assertEquals(stats.tokens(), batches.stream().flatMapToInt(Arrays::stream).sum());
      assertEquals(stats.paddedTokens(), batches.stream().mapToLong(b -> (long) b.length * b[0]).sum());
      for (int[] lengths : batches) {
        assertTrue(lengths.length <= 3, Arrays.toString(lengths));
        for (int i = 1; i < lengths.length; i++) {
          assertTrue(lengths[i] <= lengths[i - 1], "longest first: " + Arrays.toString(lengths));
        }
      }
    }
  }
}
