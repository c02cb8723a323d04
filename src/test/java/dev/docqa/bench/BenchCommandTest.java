package dev.docqa.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.cli.Main;
import dev.docqa.config.DocqaSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docqa bench --json --quick} through the real command line: the JSON keeps its keys and types and the plot is a
 * PNG, so the command cannot rot. Figures are not checked (timing belongs to the benchmark, not to tests).
 */
class BenchCommandTest {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @TempDir Path temp;

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      // bench builds its own corpora and models: it must never open the configured index.
      code = new Main(settings -> {
        throw new AssertionError("bench opened the configured docqa");
      }, DocqaSettings.defaults(), o, e).run(args);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void quickRunPrintsOneJsonLineWithEverySectionAndWritesThePlot() throws Exception {
    Path plot = temp.resolve("plots/bench.png");

    Run run = run("bench", "--json", "--quick", "--out", plot.toString());

    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(1, lines.size(), run.out());
    JsonNode json = new ObjectMapper().readTree(lines.getFirst());
    assertTrue(json.path("quick").asBoolean());

    JsonNode reader = json.path("reader");
    assertTrue(reader.path("model").path("name").isTextual(), reader.toString());
    for (String key : List.of("windows_per_s", "tokens_per_s", "raw_forward_tokens_per_s", "efficiency",
        "djl_translator_ratio")) {
      assertPositive(reader, key);
    }
    assertEquals(2, reader.path("tokens_per_s_by_batch_size").size(), reader.toString());

    JsonNode ask = json.path("ask");
    assertPositive(ask, "p50_ms");
    assertPositive(ask, "p95_ms");
    assertEquals(5, ask.path("top_k").asInt());
    assertTrue(ask.path("query_embedding_included").isBoolean());

    JsonNode retrieval = json.path("retrieval");
    assertEquals(2, retrieval.size(), retrieval.toString());
    assertEquals(500, retrieval.get(0).path("passages").asInt());
    assertEquals(1_000, retrieval.get(1).path("passages").asInt());
    for (JsonNode size : retrieval) {
      for (String mode : List.of("bm25", "dense", "hybrid")) {
        assertPositive(size.path("p50_ms"), mode);
        assertPositive(size.path("raw_lucene_p50_ms"), mode);
      }
      assertFalse(size.path("query_embedding_included").asBoolean(true));
    }

    JsonNode ingest = json.path("ingest");
    for (String key : List.of("passages_per_s", "raw_embed_passages_per_s", "efficiency")) {
      assertPositive(ingest, key);
    }

    // Without --opensearch the section says how to get it.
    assertTrue(json.path("opensearch").path("skipped").asText().contains("src/tools/opensearch-local.sh"),
        json.path("opensearch").toString());

    assertPositive(json, "cold_start_ms");
    for (String phase : List.of("engine_ms", "models_ms", "index_open_ms", "first_answer_ms")) {
      JsonNode phases = json.path("cold_start_phases");
      assertTrue(phases.path(phase).isNumber(), phase + " in " + phases);
    }
    JsonNode coldStart = json.path("cold_start");
    assertEquals(3, coldStart.path("runs_ms").size(), coldStart.toString());
    // Tests run from class folders, which an ahead-of-time cache cannot map: the report says so instead.
    assertFalse(coldStart.path("aot_cache").asBoolean(true), coldStart.toString());
    assertTrue(coldStart.path("aot_cache_unavailable").isTextual(), coldStart.toString());
    assertPositive(json, "peak_rss_mb");
    assertPositive(json, "cores");
    for (String key : List.of("java", "djl", "pytorch")) {
      assertTrue(json.path(key).isTextual(), key);
    }

    assertTrue(run.err().contains(plot.toAbsolutePath().toString()), run.err());
    byte[] head = Arrays.copyOf(Files.readAllBytes(plot), PNG_MAGIC.length);
    assertArrayEquals(PNG_MAGIC, head);
  }

  @Test
  void unknownArgumentIsAUsageError() {
    Run run = run("bench", "--fast");

    assertEquals(Main.EXIT_USAGE, run.exitCode());
    assertTrue(run.err().contains("unknown argument: --fast"), run.err());
    assertTrue(run.err().contains("usage: docqa bench"), run.err());
  }

  @Test
  void malformedOpenSearchLocationIsAUsageError() {
    for (String location : List.of("http://127.0.0.1:9200/docqa", "opensearch+http://127.0.0.1:9200",
        "opensearch+http://127.0.0.1:9200/Upper", "opensearch+ftp://127.0.0.1/docqa")) {
      Run run = run("bench", "--quick", "--opensearch", location);

      assertEquals(Main.EXIT_USAGE, run.exitCode(), location + ": " + run.err());
      assertTrue(run.err().contains("--opensearch: "), run.err());
      assertTrue(run.err().contains("location=" + location) || run.err().contains("index=Upper"), run.err());
      assertTrue(run.err().contains("usage: docqa bench"), run.err());
      assertEquals("", run.out());
    }
  }

  @Test
  void openSearchNeedsALocationAndAnUnsignedOne() {
    Run missing = run("bench", "--quick", "--opensearch");
    assertEquals(Main.EXIT_USAGE, missing.exitCode(), missing.err());
    assertTrue(missing.err().contains("--opensearch needs a value"), missing.err());

    Run signed = run("bench", "--quick", "--opensearch",
        "opensearch+https://search-docqa-abc.eu-west-1.es.amazonaws.com/docqa");
    assertEquals(Main.EXIT_USAGE, signed.exitCode(), signed.err());
    assertTrue(signed.err().contains("--opensearch takes an unsigned endpoint"), signed.err());
  }

  private static void assertPositive(JsonNode node, String key) {
    JsonNode value = node.path(key);
    assertTrue(value.isNumber() && value.asDouble() > 0, key + " should be a positive number in " + node);
  }
}
