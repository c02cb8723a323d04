package dev.docqa.reading;

import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ModelResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Reader throughput next to the raw forward throughput of the very same batches, one JSON line per model.
 *
 * <p>Usage: {@code ReaderBenchmark [--questions 8] [--passages 10] [--words 250] [--batch 32] [--threads 1]
 * [--rounds 3] MODEL...} where MODEL is any reader location ({@code classpath:models/tiny-qa}, a directory such as
 * one written by {@code make_test_models.py --shape distilbert-base --out DIR}). Each round reads every question
 * (all its passages, in one {@link Reader#readAll} call), then runs {@code forward} alone on the batches the reader
 * planned for the same windows; the first round is a warm-up and not reported.
 */
public final class ReaderBenchmark {

  private ReaderBenchmark() {}

  public static void main(String[] args) throws Exception {
    int questions = 8;
    int passages = 10;
    int words = 250;
    int batch = 32;
    int threads = 1;
    int rounds = 3;
    List<String> models = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--questions" -> questions = Integer.parseInt(args[++i]);
        case "--passages" -> passages = Integer.parseInt(args[++i]);
        case "--words" -> words = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> models.add(args[i]);
      }
    }
    if (models.isEmpty()) {
      models.add(ReaderSettings.DEFAULT_MODEL);
    }
    Random random = new Random(42);
    List<ReadRequest> requests = new ArrayList<>();
    for (int q = 0; q < questions; q++) {
      List<Passage> texts = new ArrayList<>();
      for (int p = 0; p < passages; p++) {
        texts.add(Passage.ofText("doc-" + p, RandomTexts.words(random, words / 2 + random.nextInt(words))));
      }
      requests.add(new ReadRequest(RandomTexts.question(random), texts));
    }
    ModelResolver resolver = ModelResolver.withoutS3(ModelResolver.defaultCacheDir());
    for (String location : models) {
      ReaderSettings settings = new ReaderSettings(location, 384, 128, 15, batch, threads);
      ModelDirectory directory = resolver.resolve(location);
      int maxSeq = Math.min(settings.maxSeqLength(), directory.maxSequenceLength().orElse(settings.maxSeqLength()));
      try (Windower windower = Windower.open(directory.tokenizerFile(), maxSeq, settings.docStride());
          QaModel model = DjlQaModel.load(directory, threads);
          Reader reader = new Reader(settings, directory, model, windower)) {
        run(location, reader, model, windower, requests, settings, rounds);
      }
    }
  }

  private static void run(
      String location, Reader reader, QaModel model, Windower windower, List<ReadRequest> requests,
      ReaderSettings settings, int rounds) {
    long readNanos = 0;
    long readerForwardNanos = 0;
    long rawNanos = 0;
    long windows = 0;
    long tokens = 0;
    long paddedTokens = 0;
    long batches = 0;
    for (int round = 0; round < rounds + 1; round++) {
      long roundRead = 0;
      long roundReaderForward = 0;
      long roundRaw = 0;
      long roundWindows = 0;
      long roundTokens = 0;
      long roundPadded = 0;
      long roundBatches = 0;
      for (int q = 0; q < requests.size(); q++) {
        ReadRequest request = requests.get(q);
        long began = System.nanoTime();
        ReaderResult result = reader.readAll(List.of(request), reader.defaultOptions().withTopK(3)).get(0);
        roundRead += System.nanoTime() - began;
        roundReaderForward += result.stats().forwardNanos();
        roundWindows += result.stats().windows();
        roundTokens += result.stats().tokens();
        roundPadded += result.stats().paddedTokens();
        roundBatches += result.stats().batches();

        List<Batches.Batch> planned =
            Batches.plan(windower.windows(q, request.question(), request.passages()), settings.maxBatchSize());
        long rawBegan = System.nanoTime();
        for (Batches.Batch b : planned) {
          model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds());
        }
        roundRaw += System.nanoTime() - rawBegan;
      }
      if (round > 0) { // round 0 warms up the JIT and libtorch
        readNanos += roundRead;
        readerForwardNanos += roundReaderForward;
        rawNanos += roundRaw;
        windows += roundWindows;
        tokens += roundTokens;
        paddedTokens += roundPadded;
        batches += roundBatches;
      }
    }
    double readSeconds = readNanos / 1e9;
    double rawSeconds = rawNanos / 1e9;
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"model\":\"%s\",\"maxSeqLength\":%d,\"maxBatchSize\":%d,\"intraOpThreads\":%d,\"questions\":%d,"
                + "\"rounds\":%d,\"windows\":%d,\"batches\":%d,\"tokens\":%d,\"paddedTokens\":%d,"
                + "\"reader\":{\"windowsPerSecond\":%.1f,\"tokensPerSecond\":%.1f,\"msPerQuestion\":%.2f,"
                + "\"forwardShare\":%.3f},"
                + "\"rawForward\":{\"windowsPerSecond\":%.1f,\"tokensPerSecond\":%.1f,\"paddedTokensPerSecond\":%.1f},"
                + "\"readerOverhead\":%.3f}",
            location, reader.maxSeqLength(), settings.maxBatchSize(), settings.intraOpThreads(), requests.size(),
            rounds, windows, batches, tokens, paddedTokens,
            windows / readSeconds, tokens / readSeconds, readNanos / 1e6 / (rounds * (double) requests.size()),
            readerForwardNanos / (double) readNanos,
            windows / rawSeconds, tokens / rawSeconds, paddedTokens / rawSeconds,
            1 - rawSeconds / readSeconds));
  }
}
