package dev.docqa.reading;

import dev.docqa.ModelLoadException;
import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ModelResolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The extractive QA reader: finds answer spans for a question in passages.
 *
 * <p>Each passage is cut into stride windows as the Hugging Face pipeline's fast path does; all windows of all
 * passages (and of all questions given to {@link #readAll}) run through the model in as few forward passes as
 * {@link ReaderSettings#maxBatchSize()} allows, sorted by length and padded per batch; spans are then decoded per
 * {@link ReadOptions}.
 *
 * <p>Lifecycle and threads: {@link #open} loads the model and tokenizer once; the reader is thread-safe and meant to
 * be shared (one per process); {@link #close()} frees native memory, after which reads fail.
 */
public final class Reader implements AutoCloseable {

  private final ReaderSettings settings;
  private final ModelDirectory directory;
  private final QaModel model;
  private final Windower windower;
  private final AtomicBoolean closed = new AtomicBoolean();

  Reader(ReaderSettings settings, ModelDirectory directory, QaModel model, Windower windower) {
    this.settings = settings;
    this.directory = directory;
    this.model = model;
    this.windower = windower;
  }

  /**
   * Resolves and loads the model named by {@code settings.model()}.
   *
   * @throws ModelLoadException when the model is missing, incomplete, malformed or cannot be loaded
   */
  public static Reader open(ReaderSettings settings, ModelResolver resolver) {
    Objects.requireNonNull(settings, "settings");
    ModelDirectory directory = resolver.resolve(settings.model());
    int maxSeqLength =
        Math.min(settings.maxSeqLength(), directory.maxSequenceLength().orElse(settings.maxSeqLength()));
    Windower windower = Windower.open(directory.tokenizerFile(), maxSeqLength, settings.docStride());
    boolean success = false;
    try {
      Reader reader = new Reader(settings, directory, DjlQaModel.load(directory, settings.intraOpThreads()), windower);
      success = true;
      return reader;
    } finally {
      if (!success) {
        windower.close();
      }
    }
  }

  /**
   * {@link ReadOptions#defaults()} with the configured {@link ReaderSettings#maxAnswerLength()} and no-answer rule; the
   * threshold is the configured one, else the model's calibrated one, else 0.
   */
  public ReadOptions defaultOptions() {
    return ReadOptions.defaults()
        .withMaxAnswerLength(settings.maxAnswerLength())
        .withHandleImpossibleAnswer(settings.noAnswer())
        .withNullThreshold(nullThreshold(settings.nullThreshold()));
  }

  /** {@code requested}, else the model's calibrated threshold, else 0. */
  public double nullThreshold(Double requested) {
    if (requested != null) {
      return requested;
    }
    return directory.calibratedNullThreshold() != null ? directory.calibratedNullThreshold() : 0.0;
  }

  /** Tokens per window actually used: the configured length capped by the model's position table. */
  public int maxSeqLength() {
    return windower.maxSeqLength();
  }

  /** The loaded model's directory. */
  public ModelDirectory model() {
    return directory;
  }

  /**
   * Reads {@code passages} for {@code question}.
   *
   * @throws dev.docqa.InvalidInputException for a blank question, no passages, or a question that leaves no room for
   *     context in a window
   * @throws ModelOutputException when the model returns unusable output (e.g. NaN logits)
   */
  public ReaderResult read(String question, List<Passage> passages, ReadOptions options) {
    return readAll(List.of(new ReadRequest(question, passages)), options).get(0);
  }

  /**
   * Reads several questions at once; their windows share forward passes. Results come in request order.
   *
   * @see #read
   */
  public List<ReaderResult> readAll(List<ReadRequest> requests, ReadOptions options) {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(options, "options");
    if (closed.get()) {
      throw new IllegalStateException("reader is closed");
    }
    long began = System.nanoTime();
    int[] firstWindow = new int[requests.size() + 1];
    List<Window> windows = windows(requests, firstWindow);

    float[][] starts = new float[windows.size()][];
    float[][] ends = new float[windows.size()][];
    List<Batches.Batch> batches = Batches.plan(windows, settings.maxBatchSize());
    long tokens = 0;
    long paddedTokens = 0;
    long forwardNanos = 0;
    for (Batches.Batch batch : batches) {
      long before = System.nanoTime();
      QaModel.Logits logits = model.forward(batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds());
      forwardNanos += System.nanoTime() - before;
      paddedTokens += (long) batch.size() * batch.paddedLength();
      for (int row = 0; row < batch.size(); row++) {
        int w = batch.windows()[row];
        int length = batch.lengths()[row];
        tokens += length;
        starts[w] = Arrays.copyOf(logits.start()[row], length);
        ends[w] = Arrays.copyOf(logits.end()[row], length);
        requireFinite(windows.get(w), starts[w], ends[w], requests);
      }
    }

    List<ReaderResult> results = new ArrayList<>(requests.size());
    for (int r = 0; r < requests.size(); r++) {
      int from = firstWindow[r];
      int to = firstWindow[r + 1];
      ReadStats stats =
          new ReadStats(to - from, batches.size(), tokens, paddedTokens, forwardNanos, System.nanoTime() - began);
      List<Window> own = windows.subList(from, to);
      float[][] ownStarts = Arrays.copyOfRange(starts, from, to);
      float[][] ownEnds = Arrays.copyOfRange(ends, from, to);
      List<Passage> passages = requests.get(r).passages();
      results.add(
          switch (options.scoring()) {
            case GLOBAL_LOGIT -> GlobalDecoder.decode(own, ownStarts, ownEnds, passages, options, stats);
            case PIPELINE -> PipelineDecoder.decode(own, ownStarts, ownEnds, passages, options, stats);
          });
    }
    return results;
  }

  /**
   * The forward passes {@link #readAll} runs for these requests, in order: for each batch, the real length of every
   * row, longest first (the batch is padded to its first row). Tokenizes but runs no model; lets a benchmark time the
   * same passes through the bare model.
   */
  public List<int[]> batchLengths(List<ReadRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    return Batches.plan(windows(requests, new int[requests.size() + 1]), settings.maxBatchSize()).stream()
        .map(Batches.Batch::lengths)
        .toList();
  }

  /** All windows of all requests; {@code firstWindow[r]} receives the index of request r's first window. */
  private List<Window> windows(List<ReadRequest> requests, int[] firstWindow) {
    List<Window> windows = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      ReadRequest request = requests.get(r);
      firstWindow[r] = windows.size();
      windows.addAll(windower.windows(r, request.question(), request.passages()));
    }
    firstWindow[requests.size()] = windows.size();
    return windows;
  }

  private void requireFinite(Window window, float[] start, float[] end, List<ReadRequest> requests) {
    for (int i = 0; i < start.length; i++) {
      if (!Float.isFinite(start[i]) || !Float.isFinite(end[i])) {
        Passage passage = requests.get(window.request()).passages().get(window.passage());
        throw new ModelOutputException(
            "model " + directory.modelFile() + " returned a non-finite logit (start=" + start[i] + ", end=" + end[i]
                + ") at token " + i + " of a window of passage " + window.passage() + " of document "
                + passage.documentId());
      }
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        model.close();
      } finally {
        windower.close();
      }
    }
  }
}
