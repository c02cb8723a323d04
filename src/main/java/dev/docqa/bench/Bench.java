package dev.docqa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.DocqaException;
import dev.docqa.InvalidInputException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.ReaderSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.embedding.Embedder;
import dev.docqa.embedding.Embedders;
import dev.docqa.models.ModelResolver;
import dev.docqa.opensearch.OpenSearchSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code docqa bench}: one run measures every part against its ceiling in the same process, so the ratios hold on a
 * noisy machine. Generated, seeded corpora; warm-ups before timing; medians. Writes a PNG plot and prints its path on
 * stderr. Runs for minutes ({@code --quick}: seconds, tiny sizes with the default reader, to check the command works).
 *
 * <p>One run at a time per process: it sets process-wide libtorch options.
 */
public final class Bench {

  public static final String USAGE = """
      usage: docqa bench [--json] [--quick] [--reader DIR] [--out FILE.png] [--opensearch LOCATION]
        measures reader, retrieval (10k and 100k passages), ingestion, questions end to end and cold start
        --json      print one JSON line (default: indented JSON)
        --quick     tiny sizes and the default reader: checks that everything runs, in seconds
        --opensearch  opensearch+http://HOST:PORT/PREFIX: also measure OpenSearch side by side (section
                    opensearch: retrieval on the same passages, ingestion by 1/2/4 writers, index open vs
                    embedded sync) in indexes PREFIX-bench-*, deleted afterwards; a local server:
                    src/tools/opensearch-local.sh --background prints the location to pass
        --reader    reader model directory (default: a distilbert-base-shaped random model and its int8
                    quantization, made once into target/bench-models/ by src/tools/make_test_models.py with
                    /usr/bin/python3; reader.int8 compares the two)
        --out       where to write the plot (default: docqa-data/bench/docqa-bench.png)""";

  static final Path DEFAULT_READER = Path.of("target", "bench-models", "distilbert-base");
  static final Path DEFAULT_INT8_READER = Path.of("target", "bench-models", "distilbert-base-int8");
  private static final Path MODEL_SCRIPT = Path.of("src", "tools", "make_test_models.py");
  private static final long SEED = 20261122L;

  private Bench() {}

  /**
   * Runs the benchmark and prints its JSON on {@code out}.
   *
   * @return 0
   * @throws InvalidInputException for an unknown or incomplete argument
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, DEFAULT_PLOT, out, err);
  }

  /** Where the plot goes without {@code --out}: below the default data folder. */
  public static final Path DEFAULT_PLOT = Path.of("docqa-data", "bench", "docqa-bench.png");

  /** {@link #run(List, PrintStream, PrintStream)} with the plot written to {@code defaultPlot} unless --out says. */
  public static int run(List<String> args, Path defaultPlot, PrintStream out, PrintStream err) {
    boolean json = false;
    boolean quick = false;
    String reader = null;
    Path plot = defaultPlot;
    OpenSearchSettings opensearch = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--json" -> json = true;
        case "--quick" -> quick = true;
        case "--reader" -> reader = value(args, ++i, arg);
        case "--out" -> plot = Path.of(value(args, ++i, arg));
        case "--opensearch" -> opensearch = openSearch(value(args, ++i, arg));
        default -> throw new InvalidInputException("unknown argument: " + arg);
      }
    }
    BenchSizes sizes = quick ? BenchSizes.quick() : BenchSizes.full();
    String location =
        reader != null ? reader : quick ? ReaderSettings.DEFAULT_MODEL : defaultReader(DEFAULT_READER, false, err);
    // The int8 comparison needs the same reader quantized: made for the default reader only.
    String int8 = reader == null && !quick ? defaultReader(DEFAULT_INT8_READER, true, err) : null;
    ObjectNode report = measure(location, int8, sizes, quick, plot, opensearch, err);
    ObjectMapper mapper = new ObjectMapper();
    try {
      out.println(json ? mapper.writeValueAsString(report)
          : mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    err.println("docqa bench: plot written to " + plot.toAbsolutePath());
    return 0;
  }

  /** The bench's OpenSearch location: an unsigned endpoint (the bench's admin calls are plain HTTP). */
  private static OpenSearchSettings openSearch(String location) {
    OpenSearchSettings settings;
    try {
      settings = OpenSearchSettings.parse(location);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("--opensearch: " + e.getMessage());
    }
    if (settings.signing() != OpenSearchSettings.Signing.NONE) {
      throw new InvalidInputException("--opensearch takes an unsigned endpoint (the bench force-merges and deletes "
          + "its indexes with plain HTTP), not Amazon OpenSearch; location=" + location);
    }
    return settings;
  }

  private static ObjectNode measure(String location, String int8Location, BenchSizes sizes, boolean quick, Path plot,
      OpenSearchSettings opensearchLocation, PrintStream err) {
    long began = System.nanoTime();
    Path work = createTempDirectory();
    try (OpenSearchBench opensearch = opensearchLocation == null ? null : new OpenSearchBench(opensearchLocation)) {
      ObjectNode report = JsonNodeFactory.instance.objectNode();
      report.put("quick", quick);
      Machine.describe(report);
      ObjectNode openSearchReport = JsonNodeFactory.instance.objectNode();
      if (opensearch == null) {
        openSearchReport.put("skipped", "no --opensearch LOCATION: start a local OpenSearch with "
            + "src/tools/opensearch-local.sh --background and pass the location it prints, or name another "
            + "unsigned server (opensearch+http://HOST:PORT/PREFIX)");
      } else {
        err.println("docqa bench: OpenSearch at " + opensearchLocation.endpoint());
        openSearchReport.put("location", opensearchLocation.location());
        openSearchReport.set("server", opensearch.describeServer()); // fails now, not after minutes, without one
      }
      ModelResolver resolver = ModelResolver.withoutS3(work.resolve("models"));

      err.println("docqa bench: reader " + location);
      ReaderBench.Figures reader = new ReaderBench(resolver, location, int8Location, sizes).run(new Corpus(SEED));
      report.set("reader", reader.json());

      DocqaSettings settings = DocqaSettings.defaults()
          .withReader(Bench.readerAt(location))
          .withStorage(new StorageSettings(work.resolve("store").toString(), work.resolve("cache"),
              Duration.ofSeconds(2)));
      try (Embedder embedder = Embedders.openBuiltin(EmbedderSettings.defaults())) {
        err.println("docqa bench: ingest and ask");
        ServiceBench.Figures service =
            new ServiceBench(settings, resolver, embedder, sizes, work).run(new Corpus(SEED + 1));
        report.set("ask", service.ask());
        report.set("ingest", service.ingest());
        err.println("docqa bench: retrieval at " + sizes.retrievalPassages() + " passages"
            + (opensearch == null ? "" : ", embedded and OpenSearch"));
        long openSearchNanos = 0;
        long retrievalBegan = System.nanoTime();
        RetrievalBench.Figures retrieval =
            new RetrievalBench(embedder, sizes, work, opensearch).run(new Corpus(SEED + 2));
        report.set("retrieval", retrieval.embedded());
        if (opensearch != null) {
          openSearchNanos += System.nanoTime() - retrievalBegan;
          openSearchReport.set("retrieval", retrieval.opensearch());
          openSearchReport.put("not_run", notRun(retrieval.opensearch(), retrieval.embedded(), quick));
          long writersBegan = System.nanoTime();
          openSearchReport.set("ingest_by_writers", new WriterBench(settings, resolver, embedder.dimension(), sizes,
              work.resolve("writers"), opensearch, err).run(new Corpus(SEED + 4)));
          openSearchNanos += System.nanoTime() - writersBegan;
          openSearchReport.put("seconds", Samples.round(openSearchNanos / 1e9));
        }
        report.set("opensearch", openSearchReport);
        err.println("docqa bench: cold start");
        ObjectNode coldStart = ColdStart.measure(location, work.resolve("store"), work.resolve("cold-start"),
            new Corpus(SEED + 3).question());
        report.put("cold_start_ms", coldStart.remove("ms").asDouble());
        report.set("cold_start_phases", coldStart.remove("phases"));
        report.set("cold_start", coldStart);
        Plot.write(plot, service.askP50ByTopK(), reader.tokensPerSecondByBatch(),
            reader.json().path("model").path("name").asText());
      }
      report.put("plot", plot.toAbsolutePath().toString());
      report.put("peak_rss_mb", Machine.peakRssMb());
      report.put("seconds", Samples.round((System.nanoTime() - began) / 1e9));
      return report;
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Why the retrieval comparison stops where it does: what 1M passages would take, projected from the largest size
   * measured (loads and merges grow at least linearly), and what it would hold in memory.
   */
  static String notRun(JsonNode opensearch, JsonNode embedded, boolean quick) {
    if (quick) {
      return "--quick: tiny sizes only";
    }
    JsonNode largest = opensearch.get(opensearch.size() - 1);
    JsonNode largestEmbedded = embedded.get(embedded.size() - 1);
    int passages = largest.path("passages").asInt();
    double factor = 1_000_000.0 / passages;
    double openSearchMinutes = factor * (largest.path("load_s").asDouble() + largest.path("force_merge_s").asDouble())
        / 60;
    double embeddedMinutes = factor * (largestEmbedded.path("index_build_s").asDouble()
        + largestEmbedded.path("compact_s").asDouble()) / 60;
    double vectorGb = 1_000_000.0 * largest.path("cold_start").path("dimension").asInt() * Float.BYTES / 1e9;
    return String.format(Locale.ROOT, "1M passages not run: from the %d-passage figures, loading and merging 1M "
        + "would take at least %.0f min into OpenSearch and %.0f min into the embedded index on this machine (HNSW "
        + "inserts grow faster than linearly), past the ~15 min one size may take here; and it would hold %.1f GB "
        + "of float vectors three times over (the bench JVM's copy, the embedded index and OpenSearch's graph "
        + "files, both paged in to search at these latencies) next to OpenSearch's heap", passages,
        openSearchMinutes, embeddedMinutes, vectorGb);
  }

  /** The default reader settings with the reader at {@code location}. */
  static ReaderSettings readerAt(String location) {
    ReaderSettings d = ReaderSettings.defaults();
    return new ReaderSettings(location, d.maxSeqLength(), d.docStride(), d.maxAnswerLength(), d.maxBatchSize(),
        d.intraOpThreads());
  }

  /** The distilbert-base-shaped reader at {@code dir}, float or int8, made by the project's model script once. */
  private static String defaultReader(Path dir, boolean int8, PrintStream err) {
    if (Files.isDirectory(dir)) {
      return dir.toAbsolutePath().toString();
    }
    if (!Files.isRegularFile(MODEL_SCRIPT)) {
      throw new InvalidInputException("no reader: " + dir + " is absent and " + MODEL_SCRIPT
          + " is not here to make it; run from the repository root, or pass --reader DIR or --quick");
    }
    err.println("docqa bench: making " + dir + " (once)");
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", MODEL_SCRIPT.toString(), "--shape",
        "distilbert-base", "--out", dir.toString()));
    if (int8) {
      command.add("--int8");
    }
    try {
      Process process = new ProcessBuilder(command).inheritIO().redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new DocqaException("making " + dir + " with /usr/bin/python3 " + MODEL_SCRIPT + " failed");
      }
    } catch (IOException e) {
      throw new DocqaException("cannot run /usr/bin/python3 " + MODEL_SCRIPT + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted while making " + dir, e);
    }
    return dir.toAbsolutePath().toString();
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size() || args.get(i).startsWith("--")) {
      throw new InvalidInputException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("docqa-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory under java.io.tmpdir", e);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
