package dev.docqa.bench;

import java.util.List;

/**
 * How much work each section does: {@link #full()} for real figures (minutes), {@link #quick()} to check that the
 * command works (seconds).
 *
 * @param rounds measured rounds after one warm-up, where a section repeats the same work
 * @param readerQuestions questions read in the reader section, each over {@code readerPassages} passages of about
 *     {@code readerWords} words
 * @param readerBatchSizes batch sizes of the reader-throughput series
 * @param djlInputs single-window inputs of the DJL translator comparison
 * @param retrievalPassages index sizes of the retrieval section (random unit vectors, real question embeddings)
 * @param retrievalQueries questions per index size
 * @param documents generated documents ingested through the service, each of {@code documentWords} words
 * @param askQuestions questions asked end to end at top-k 5
 * @param askTopKs top-k values of the latency series, with {@code topKQuestions} questions each
 * @param writerDocuments generated documents of {@code writerDocumentWords} words ingested at each writer count of
 *     {@code writerCounts} (the OpenSearch section's ingestion by writer concurrency)
 */
record BenchSizes(
    int rounds,
    int readerQuestions,
    int readerPassages,
    int readerWords,
    List<Integer> readerBatchSizes,
    int djlInputs,
    List<Integer> retrievalPassages,
    int retrievalQueries,
    int documents,
    int documentWords,
    int askQuestions,
    List<Integer> askTopKs,
    int topKQuestions,
    int writerDocuments,
    int writerDocumentWords,
    List<Integer> writerCounts) {

  static BenchSizes full() {
    return new BenchSizes(3, 3, 3, 250, List.of(1, 4, 16, 32), 12, List.of(10_000, 100_000), 200, 10, 1_500, 12,
        List.of(1, 5, 10), 3, 120, 700, List.of(1, 2, 4));
  }

  static BenchSizes quick() {
    return new BenchSizes(1, 2, 2, 120, List.of(1, 4), 4, List.of(500, 1_000), 10, 2, 300, 3, List.of(1, 2), 2, 4, 300,
        List.of(1, 2));
  }
}
