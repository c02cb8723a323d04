package dev.docqa.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.IngestSettings;
import dev.docqa.document.Passage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Extraction and splitting throughput on the long sample, as plain text and as a PDF made from it; prints JSON.
 * Run: {@code src/tools/run-test-main.sh dev.docqa.ingestion.IngestionBenchmark [repeat]} (repeat: copies of the
 * gazetteer per document, default 4).
 */
public final class IngestionBenchmark {

  private static final int WARMUP_ROUNDS = 2;
  private static final int MEASURED_ROUNDS = 5;

  private IngestionBenchmark() {}

  public static void main(String[] args) throws IOException {
    int repeat = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    Path sample = Path.of("samples/documents", SampleDocuments.GAZETTEER);
    String gazetteer = Files.readString(sample, StandardCharsets.UTF_8);
    String text = gazetteer.repeat(repeat);
    byte[] txt = text.getBytes(StandardCharsets.UTF_8);
    byte[] pdf = TestDocuments.pdf(pages(text, 3000));

    ObjectMapper json = new ObjectMapper();
    ObjectNode report = json.createObjectNode();
    report.put("java", System.getProperty("java.version"));
    report.put("cpus", Runtime.getRuntime().availableProcessors());
    // Other processes share this machine: the load average says how far to trust the figures.
    report.put("loadAverageAtStart", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    ArrayNode results = report.putArray("results");
    IngestSettings settings = IngestSettings.defaults();
    try (DocumentExtractor extractor = new DocumentExtractor(settings);
        HuggingFaceSpanTokenizer tokenizer = TestDocuments.miniLmTokenizer()) {
      TimedTokenizer timed = new TimedTokenizer(tokenizer);
      PassageSplitter splitter = new PassageSplitter(timed, settings);
      results.add(measure(json, "text/plain", "gazetteer-x" + repeat + ".txt", txt, extractor, splitter, timed));
      results.add(measure(json, "application/pdf", "gazetteer-x" + repeat + ".pdf", pdf, extractor, splitter, timed));
    }
    System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
  }

  private static ObjectNode measure(ObjectMapper json, String label, String name, byte[] bytes,
      DocumentExtractor extractor, PassageSplitter splitter, TimedTokenizer timed) {
    long extractNanos = Long.MAX_VALUE;
    long splitNanos = Long.MAX_VALUE;
    long tokenizeNanos = 0;
    long extractCpu = Long.MAX_VALUE;
    long splitCpu = Long.MAX_VALUE;
    ExtractedDocument doc = null;
    List<Passage> passages = List.of();
    for (int round = 0; round < WARMUP_ROUNDS + MEASURED_ROUNDS; round++) {
      long c0 = processCpuNanos();
      long t0 = System.nanoTime();
      doc = extractor.extract(name, bytes);
      long t1 = System.nanoTime();
      long c1 = processCpuNanos();
      timed.nanos = 0;
      passages = splitter.split(name, doc);
      long t2 = System.nanoTime();
      long c2 = processCpuNanos();
      if (round >= WARMUP_ROUNDS && t2 - t1 < splitNanos) {
        splitNanos = t2 - t1;
        tokenizeNanos = timed.nanos;
      }
      if (round >= WARMUP_ROUNDS) {
        extractNanos = Math.min(extractNanos, t1 - t0);
        extractCpu = Math.min(extractCpu, c1 - c0);
        splitCpu = Math.min(splitCpu, c2 - c1);
      }
    }
    double mb = bytes.length / 1e6;
    double textMb = doc.text().getBytes(StandardCharsets.UTF_8).length / 1e6;
    ObjectNode result = json.createObjectNode()
        .put("format", label)
        .put("fileMB", round(mb))
        .put("textMB", round(textMb))
        .put("pages", doc.pageCount())
        .put("passages", passages.size())
        .put("extractMs", round(extractNanos / 1e6))
        .put("extractFileMBps", round(mb / (extractNanos / 1e9)))
        .put("splitMs", round(splitNanos / 1e6))
        .put("splitTextMBps", round(textMb / (splitNanos / 1e9)))
        .put("splitPassagesPerS", Math.round(passages.size() / (splitNanos / 1e9)))
        .put("tokenizerShareOfSplit", round((double) tokenizeNanos / splitNanos))
        .put("endToEndPassagesPerS", Math.round(passages.size() / ((extractNanos + splitNanos) / 1e9)))
        // CPU time of the whole process (all threads, native ones included): less sensitive to other load.
        .put("extractCpuMs", round(extractCpu / 1e6))
        .put("splitCpuMs", round(splitCpu / 1e6))
        .put("splitTextMBPerCpuS", round(textMb / (splitCpu / 1e9)))
        .put("passagesPerCpuS", Math.round(passages.size() / ((extractCpu + splitCpu) / 1e9)));
    result.put("note", "best of " + MEASURED_ROUNDS + " after " + WARMUP_ROUNDS + " warm-up rounds");
    return result;
  }

  /** Times the native tokenizer calls, to tell its share of splitting apart. Single-threaded use only. */
  private static final class TimedTokenizer implements SpanTokenizer {
    private final SpanTokenizer delegate;
    long nanos;

    TimedTokenizer(SpanTokenizer delegate) {
      this.delegate = delegate;
    }

    @Override
    public int[][] tokenSpans(List<String> texts) {
      long start = System.nanoTime();
      int[][] spans = delegate.tokenSpans(texts);
      nanos += System.nanoTime() - start;
      return spans;
    }
  }

  private static List<String> pages(String text, int charsPerPage) {
    List<String> pages = new ArrayList<>();
    StringBuilder page = new StringBuilder();
    for (String paragraph : text.split("\n\n")) {
      if (page.length() + paragraph.length() > charsPerPage && !page.isEmpty()) {
        pages.add(page.toString());
        page.setLength(0);
      }
      page.append(paragraph.replace('\n', ' ')).append('\n');
    }
    if (!page.isEmpty()) {
      pages.add(page.toString());
    }
    return pages;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
