package dev.docqa.bench;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.translator.QuestionAnsweringTranslator;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.qa.QAInput;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.DocqaException;
import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ModelResolver;
import dev.docqa.reading.ReadRequest;
import dev.docqa.reading.Reader;
import dev.docqa.reading.ReaderResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader throughput against the bare forward pass of the very same batches, against DJL's own QA translator, and
 * per batch size.
 */
final class ReaderBench {

  /** What the reader section measured: the JSON and the batch-size series for the plot. */
  record Figures(ObjectNode json, Map<Integer, Double> tokensPerSecondByBatch) {}

  private final ModelResolver resolver;
  private final String location;
  private final String int8Location;
  private final BenchSizes sizes;

  /** @param int8Location the same reader quantized to int8, or {@code null} to skip that comparison */
  ReaderBench(ModelResolver resolver, String location, String int8Location, BenchSizes sizes) {
    this.resolver = resolver;
    this.location = location;
    this.int8Location = int8Location;
    this.sizes = sizes;
  }

  Figures run(Corpus corpus) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    List<ReadRequest> requests = new ArrayList<>();
    for (int q = 0; q < sizes.readerQuestions(); q++) {
      List<Passage> passages = new ArrayList<>();
      for (int p = 0; p < sizes.readerPassages(); p++) {
        passages.add(Passage.ofText("doc-" + q + "-" + p, corpus.text(sizes.readerWords())));
      }
      requests.add(new ReadRequest(corpus.question(), passages));
    }
    ReaderSettings settings = settings(location, ReaderSettings.defaults().maxBatchSize());
    try (Reader reader = Reader.open(settings, resolver);
        BareForward bare = BareForward.load(reader.model())) {
      json.set("model", shape(reader.model()));
      json.put("max_seq_length", reader.maxSeqLength());
      json.put("max_batch_size", settings.maxBatchSize());
      throughput(reader, bare, requests, corpus, json);
      json.put("djl_translator_ratio", Samples.round(djlRatio(reader, corpus, json)));
    }
    if (int8Location != null) {
      // The float reader against its int8 quantization: same requests, same batch size, same measurement.
      int batch = ReaderSettings.defaults().maxBatchSize();
      double floats = tokensPerSecond(location, batch, requests);
      double int8 = tokensPerSecond(int8Location, batch, requests);
      ObjectNode quantized = json.putObject("int8");
      quantized.put("model", int8Location);
      quantized.put("tokens_per_s", Samples.round(int8));
      quantized.put("float_tokens_per_s", Samples.round(floats));
      quantized.put("speedup", Samples.round(int8 / floats));
    }
    Map<Integer, Double> byBatch = new LinkedHashMap<>();
    ObjectNode sweep = json.putObject("tokens_per_s_by_batch_size");
    for (int batch : sizes.readerBatchSizes()) {
      double tokensPerSecond = tokensPerSecond(location, batch, requests.subList(0, Math.min(2, requests.size())));
      byBatch.put(batch, tokensPerSecond);
      sweep.put(Integer.toString(batch), Samples.round(tokensPerSecond));
    }
    return new Figures(json, byBatch);
  }

  /** The default reader settings for {@code location}, with at most {@code maxBatchSize} windows per pass. */
  private static ReaderSettings settings(String location, int maxBatchSize) {
    ReaderSettings d = ReaderSettings.defaults();
    return new ReaderSettings(location, d.maxSeqLength(), d.docStride(), d.maxAnswerLength(), maxBatchSize,
        d.intraOpThreads());
  }

  /**
   * Each round reads every question on its own (as {@code ask} does), then runs the batches the reader planned for it
   * through the bare model; round 0 warms up. Medians over rounds.
   */
  private void throughput(Reader reader, BareForward bare, List<ReadRequest> requests, Corpus corpus,
      ObjectNode json) {
    int rounds = sizes.rounds();
    double[] readerTokensPerS = new double[rounds];
    double[] rawTokensPerS = new double[rounds];
    double[] readerWindowsPerS = new double[rounds];
    double[] forwardShare = new double[rounds];
    long windows = 0;
    long tokens = 0;
    long padded = 0;
    for (int round = 0; round <= rounds; round++) {
      long readNanos = 0;
      long forwardNanos = 0;
      long rawNanos = 0;
      windows = 0;
      tokens = 0;
      padded = 0;
      for (ReadRequest request : requests) {
        long began = System.nanoTime();
        ReaderResult result = reader.readAll(List.of(request), reader.defaultOptions()).getFirst();
        readNanos += System.nanoTime() - began;
        forwardNanos += result.stats().forwardNanos();
        windows += result.stats().windows();
        tokens += result.stats().tokens();
        padded += result.stats().paddedTokens();
        rawNanos += bare.time(reader.batchLengths(List.of(request)), corpus);
      }
      if (round > 0) {
        readerTokensPerS[round - 1] = tokens / (readNanos / 1e9);
        readerWindowsPerS[round - 1] = windows / (readNanos / 1e9);
        rawTokensPerS[round - 1] = tokens / (rawNanos / 1e9);
        forwardShare[round - 1] = (double) forwardNanos / readNanos;
      }
    }
    double readerTokens = Samples.of(readerTokensPerS).median();
    double rawTokens = Samples.of(rawTokensPerS).median();
    json.put("questions", requests.size());
    json.put("windows", windows);
    json.put("tokens", tokens);
    json.put("padded_tokens", padded);
    json.put("rounds", rounds);
    json.put("windows_per_s", Samples.round(Samples.of(readerWindowsPerS).median()));
    json.put("tokens_per_s", Samples.round(readerTokens));
    json.put("raw_forward_tokens_per_s", Samples.round(rawTokens));
    json.put("efficiency", Samples.round(readerTokens / rawTokens));
    json.put("forward_share_of_read", Samples.round(Samples.of(forwardShare).median()));
  }

  /**
   * DJL's {@link QuestionAnsweringTranslator} (one {@code predict} per input, its documented use; it reads one window)
   * against docqa reading the same single-window inputs in one call (batched, padded per batch). Same model, same
   * thread. Medians of alternating rounds after one warm-up of each.
   */
  private double djlRatio(Reader reader, Corpus corpus, ObjectNode json) {
    List<ReadRequest> requests = new ArrayList<>();
    List<QAInput> inputs = new ArrayList<>();
    for (int i = 0; i < sizes.djlInputs(); i++) {
      String question = corpus.question();
      String context = corpus.text(40 + corpus.random().nextInt(60)); // well under one 384-token window
      requests.add(new ReadRequest(question, List.of(Passage.ofText("doc-" + i, context))));
      inputs.add(new QAInput(question, context));
    }
    ModelDirectory directory = reader.model();
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
            .optTokenizerPath(directory.tokenizerFile())
            .optAddSpecialTokens(true)
            .optTruncateSecondOnly()
            .optMaxLength(reader.maxSeqLength())
            .build();
        ZooModel<QAInput, String> model = Criteria.builder()
            .setTypes(QAInput.class, String.class)
            .optModelPath(directory.dir())
            .optModelName(directory.modelName())
            .optEngine("PyTorch")
            .optOption("mapLocation", "true")
            .optTranslator(QuestionAnsweringTranslator.builder(tokenizer)
                .optIncludeTokenTypes(directory.includeTokenTypes())
                .build())
            .build()
            .loadModel();
        Predictor<QAInput, String> predictor = model.newPredictor()) {
      int rounds = sizes.rounds();
      double[] djlMs = new double[rounds];
      double[] docqaMs = new double[rounds];
      for (int round = 0; round <= rounds; round++) {
        long began = System.nanoTime();
        for (QAInput input : inputs) {
          predictor.predict(input);
        }
        long djl = System.nanoTime() - began;
        began = System.nanoTime();
        List<ReaderResult> results = reader.readAll(requests, reader.defaultOptions());
        long docqa = System.nanoTime() - began;
        int windows = results.stream().mapToInt(r -> r.stats().windows()).sum();
        if (windows != inputs.size()) {
          throw new IllegalStateException("DJL comparison needs single-window inputs; windows=" + windows
              + ", inputs=" + inputs.size());
        }
        if (round > 0) {
          djlMs[round - 1] = djl / 1e6;
          docqaMs[round - 1] = docqa / 1e6;
        }
      }
      ObjectNode djl = json.putObject("djl_translator");
      djl.put("inputs", inputs.size());
      djl.put("djl_ms", Samples.round(Samples.of(djlMs).median()));
      djl.put("docqa_ms", Samples.round(Samples.of(docqaMs).median()));
      djl.put("note", "same single-window inputs and model; DJL: one predict per input (its translator reads one "
          + "window, argmax start/end); docqa: one readAll call (batched, padded per batch, global decoding)");
      return Samples.of(djlMs).median() / Samples.of(docqaMs).median();
    } catch (IOException | ModelNotFoundException | MalformedModelException | TranslateException e) {
      throw new DocqaException("DJL QuestionAnsweringTranslator run failed: " + e.getMessage(), e);
    }
  }

  /**
   * Reader tokens/s of the model at {@code model} with at most {@code batch} windows per forward pass: one warm-up,
   * then the median of rounds.
   */
  private double tokensPerSecond(String model, int batch, List<ReadRequest> requests) {
    try (Reader reader = Reader.open(settings(model, batch), resolver)) {
      double[] rates = new double[sizes.rounds()];
      for (int round = 0; round <= sizes.rounds(); round++) {
        long began = System.nanoTime();
        long tokens = 0;
        for (ReaderResult result : reader.readAll(requests, reader.defaultOptions())) {
          tokens = result.stats().tokens(); // shared passes: every result counts all tokens
        }
        if (round > 0) {
          rates[round - 1] = tokens / ((System.nanoTime() - began) / 1e9);
        }
      }
      return Samples.of(rates).median();
    }
  }

  private static ObjectNode shape(ModelDirectory directory) {
    ObjectNode shape = JsonNodeFactory.instance.objectNode();
    shape.put("name", directory.modelName());
    shape.put("model_type", directory.modelType());
    shape.put("max_positions", directory.maxPositions());
    shape.put("file_mb", Samples.round(directory.modelFile().toFile().length() / 1e6));
    return shape;
  }
}
