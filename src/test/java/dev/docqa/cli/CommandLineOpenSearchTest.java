package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.IndexSettings;
import dev.docqa.opensearch.OpenSearchServer;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskRequest;
import dev.docqa.service.DocQa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on a real OpenSearch: {@code --index opensearch+http://...} for ingest, list, ask, delete and
 * reindex, and the same answers, with the same provenance, as the embedded index gives for every sample question.
 */
class CommandLineOpenSearchTest {

  private static OpenSearchServer server;
  private final List<String> indexes = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    server = OpenSearchServer.get();
  }

  @AfterEach
  void deleteIndexes() {
    indexes.forEach(server::deleteIndex);
  }

  /** A new OpenSearch index location, deleted after the test. */
  private String openSearchIndex() {
    String name = OpenSearchServer.uniqueIndexName("cli");
    indexes.add(name);
    return "opensearch+" + server.endpoint() + "/" + name;
  }

  private static List<String[]> samples() throws IOException {
    return Files.readAllLines(Path.of("samples/questions.txt")).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#")).map(line -> line.split("\t")).toList();
  }

  @Test
  void ingestListAskAndDeleteOnOpenSearch() throws IOException {
    String index = openSearchIndex();
    Run ingest = Run.docqa("ingest", "samples/documents", "--index", index);
    assertEquals(Main.EXIT_OK, ingest.exitCode(), ingest.err());
    assertTrue(ingest.out().matches("(?s)6 files: 6 indexed, 0 unchanged, 0 failed; [1-9]\\d* passages.*"),
        ingest.out());

    Run list = Run.docqa("list", "--index", index, "--json");
    assertEquals(Main.EXIT_OK, list.exitCode(), list.err());
    JsonNode documents = new ObjectMapper().readTree(list.out()).get("documents");
    assertEquals(6, documents.size(), list.out());

    String[] sample = samples().getFirst();
    Run ask = Run.docqa("ask", sample[0], "--index", index, "--json");
    assertEquals(Main.EXIT_OK, ask.exitCode(), ask.err());
    JsonNode answer = new ObjectMapper().readTree(ask.out());
    assertEquals(sample[2], answer.get("document").asText(), ask.out());
    assertTrue(answer.get("answer").asText().contains(sample[1]), ask.out());

    Run delete = Run.docqa("delete", sample[2], "--index", index);
    assertEquals(Main.EXIT_OK, delete.exitCode(), delete.err());
    Run after = Run.docqa("ask", sample[0], "--index", index, "--json");
    assertEquals(Main.EXIT_OK, after.exitCode(), after.err());
    assertFalse(after.out().contains("\"document\":\"" + sample[2] + "\""), "a deleted document is not cited: "
        + after.out());

    Run again = Run.docqa("ingest", "samples/documents", "--index", index);
    assertEquals(Main.EXIT_OK, again.exitCode(), again.err());
    assertTrue(again.out().startsWith("6 files: 1 indexed, 5 unchanged, 0 failed"), again.out());
  }

  /**
   * The embedded index, copied to OpenSearch with {@code reindex} (vectors as they are) and back again: every sample
   * question gets the same answer from the same passage and offsets on both backends, and the round trip loses
   * nothing.
   */
  @Test
  void reindexedToOpenSearchEveryQuestionGetsTheSameAnswer() throws Exception {
    Path embedded = dir.resolve("embedded");
    Run ingest = Run.docqa("ingest", "samples/documents", "--index", embedded.toString());
    assertEquals(Main.EXIT_OK, ingest.exitCode(), ingest.err());
    String index = openSearchIndex();
    Run reindex = Run.docqa("reindex", "--from", embedded.toString(), "--to", index, "--json");
    assertEquals(Main.EXIT_OK, reindex.exitCode(), reindex.err());
    JsonNode copied = new ObjectMapper().readTree(reindex.out());
    assertEquals(6, copied.get("documents").asInt(), reindex.out());
    assertEquals(6, copied.get("indexed").asInt(), reindex.out());

    DocqaSettings local = SettingsFlags.located(embedded.toString(), DocqaSettings.defaults());
    DocqaSettings remote = DocqaSettings.defaults()
        .withIndex(IndexSettings.defaults().withLocation(index));
    List<String> differences = new ArrayList<>();
    try (DocQa lucene = new CoreBackend().open(local); DocQa openSearch = new CoreBackend().open(remote)) {
      for (String[] sample : samples()) {
        Answer a = lucene.ask(AskRequest.of(sample[0])).answer();
        Answer b = openSearch.ask(AskRequest.of(sample[0])).answer();
        if (!a.text().equals(b.text()) || !a.passage().equals(b.passage()) || a.start() != b.start()
            || Math.abs(a.score() - b.score()) > 1e-3) {
          differences.add(sample[0] + ": embedded " + a + " / opensearch " + b);
        }
      }
      assertEquals(lucene.documents(), openSearch.documents());
    }
    assertEquals(List.of(), differences);

    Path back = dir.resolve("back");
    Run home = Run.docqa("reindex", "--from", index, "--to", back.toString());
    assertEquals(Main.EXIT_OK, home.exitCode(), home.err());
    assertTrue(home.out().startsWith("copied 6 documents"), home.out());
    assertEquals(Run.docqa("list", "--index", embedded.toString(), "--json").out(),
        Run.docqa("list", "--index", back.toString(), "--json").out());
  }

  /** Open-mode eval on OpenSearch scores as on a temporary embedded index, and refuses an index that holds documents. */
  @Test
  void evalOnOpenSearchScoresAsOnTheEmbeddedIndex() throws IOException {
    String index = openSearchIndex();
    Run remote = Run.docqa("eval", "samples/squad-sample.json", "--index", index, "--json");
    assertEquals(Main.EXIT_OK, remote.exitCode(), remote.err());
    Run local = Run.docqa("eval", "samples/squad-sample.json", "--json");
    assertEquals(Main.EXIT_OK, local.exitCode(), local.err());
    JsonNode a = new ObjectMapper().readTree(local.out());
    JsonNode b = new ObjectMapper().readTree(remote.out());
    for (String field : List.of("exact", "f1", "total")) {
      assertEquals(a.get(field).asDouble(), b.get(field).asDouble(), 1e-9, field + ": " + local.out() + " / " + remote.out());
    }
    assertEquals(a.get("recall_at_k"), b.get("recall_at_k"));

    Run again = Run.docqa("eval", "samples/squad-sample.json", "--index", index);
    assertEquals(Main.EXIT_FAILURE, again.exitCode(), again.out());
    assertTrue(again.err().contains("holds documents: name a new index"), again.err());
  }

  @Test
  void badOrUnreachableOpenSearchLocationsAreOneLineErrors() {
    Run malformed = Run.docqa("list", "--index", "opensearch+ftp://127.0.0.1/x");
    assertEquals(Main.EXIT_USAGE, malformed.exitCode());
    assertTrue(malformed.err().startsWith("docqa list: "), malformed.err());
    assertFalse(malformed.err().contains("\tat "), "no stack trace: " + malformed.err());

    Run down = Run.docqa("list", "--index", "opensearch+http://127.0.0.1:1/docqa");
    assertEquals(Main.EXIT_FAILURE, down.exitCode());
    assertEquals(1, down.err().lines().count(), down.err());
    assertTrue(down.err().contains("127.0.0.1:1"), "names the endpoint: " + down.err());

    Run same = Run.docqa("reindex", "--from", "opensearch+http://127.0.0.1:1/a", "--to", "opensearch+http://127.0.0.1:1/a");
    assertEquals(Main.EXIT_USAGE, same.exitCode(), same.err());
  }
}
