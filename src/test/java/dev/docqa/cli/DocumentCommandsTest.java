package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document-management and everyday commands through the real command line and core, as a user meets them: what
 * is indexed ({@code list}), deleted files ({@code --prune}, {@code delete}), ids two files or two folders could share,
 * a mistyped index folder, and the {@code ask} options the API has.
 */
class DocumentCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  private Run onIndex(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--index", work.resolve("data").toString()));
    return Run.docqa(all.toArray(String[]::new));
  }

  private Path write(String relative, String text) throws IOException {
    Path file = work.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private List<String> listedIds() throws IOException {
    Run list = onIndex("list", "--json");
    assertEquals(Main.EXIT_OK, list.exitCode(), list.err());
    List<String> ids = new ArrayList<>();
    JSON.readTree(list.out()).get("documents").forEach(d -> ids.add(d.get("id").asText()));
    return ids;
  }

  @Test
  void deletedFilesArePrunedAndIdsNeverCollideSilently() throws IOException {
    Path museum = write("docs/documents/glass-museum.txt",
        "The glass museum of Port Ellery shows blue Venetian lanterns from the old lighthouse.");
    write("docs/documents/ferry.txt", "The ferry to Saltmere leaves from the north quay at seven every morning.");

    Run first = onIndex("ingest", work.resolve("docs/documents").toString());
    assertEquals(Main.EXIT_OK, first.exitCode(), first.err());
    assertTrue(first.out().startsWith("2 files: 2 indexed, 0 unchanged, 0 failed; 2 passages in "), first.out());
    assertTrue(first.err().contains("[1/2] ferry.txt: 1 passage embedded ("), first.err());
    assertTrue(first.err().contains("[1/2] ferry.txt: indexed 1 passage\n"), first.err());

    // The parent folder after the child: the same files, not a second copy under documents/...
    Run parent = onIndex("ingest", work.resolve("docs").toString());
    assertEquals(Main.EXIT_OK, parent.exitCode(), parent.err());
    assertTrue(parent.out().startsWith("2 files: 0 indexed, 0 unchanged, 2 already indexed under another id, 0 failed"),
        parent.out());
    assertTrue(parent.err().contains("documents/ferry.txt: skipped: the same file is already indexed as ferry.txt"),
        parent.err());
    assertEquals(List.of("ferry.txt", "glass-museum.txt"), listedIds());

    // A deleted file: reported by a plain ingest, deleted by --prune, then no longer answerable.
    Files.delete(museum);
    Run stale = onIndex("ingest", work.resolve("docs/documents").toString());
    assertTrue(stale.err().contains("1 indexed document from " + work.resolve("docs/documents")
        + " no longer has its file (ingest with --prune to delete them): glass-museum.txt"), stale.err());
    assertEquals(List.of("ferry.txt", "glass-museum.txt"), listedIds());
    Run pruned = onIndex("ingest", work.resolve("docs/documents").toString(), "--prune");
    assertEquals(Main.EXIT_OK, pruned.exitCode(), pruned.err());
    assertTrue(pruned.out().contains("; 1 document pruned"), pruned.out());
    assertEquals(List.of("ferry.txt"), listedIds());
    Run ask = onIndex("ask", "Where are the Venetian lanterns shown?", "--json");
    assertEquals("ferry.txt", JSON.readTree(ask.out()).get("document").asText(), ask.out());

    // Two different files that would share one id: the second is refused, naming both.
    Path a = write("a/notes.txt", "Keeper Oskar Brandt lit the lamp at dusk.");
    Path b = write("b/notes.txt", "The harbour master is Captain Ines Moreau.");
    Run clash = onIndex("ingest", a.toString(), b.toString());
    assertEquals(Main.EXIT_FAILURE, clash.exitCode());
    assertTrue(clash.out().startsWith("2 files: 1 indexed, 0 unchanged, 1 failed"), clash.out());
    assertTrue(clash.err().contains("notes.txt: FAILED: document id notes.txt is also the id of " + a + "; " + b
        + " is another file"), clash.err());
    Run later = onIndex("ingest", b.toString());
    assertEquals(Main.EXIT_FAILURE, later.exitCode());
    assertTrue(later.err().contains("document id notes.txt already holds " + a.toRealPath() + "; " + b.toRealPath()
        + " is another file with the same id"), later.err());

    // list in text, then delete.
    Run table = onIndex("list");
    assertTrue(Pattern.compile("(?m)^ferry\\.txt +1 +- +\\S+ +\\d{4}-\\d\\d-\\d\\dT").matcher(table.out()).find(),
        table.out());
    assertTrue(table.out().contains("2 documents, 2 passages in " + work.resolve("data")), table.out());
    Run delete = onIndex("delete", "notes.txt", "never-indexed.txt");
    assertEquals(Main.EXIT_FAILURE, delete.exitCode());
    assertEquals("deleted notes.txt\n", delete.out());
    assertTrue(delete.err().contains("not indexed: never-indexed.txt"), delete.err());
    assertEquals(List.of("ferry.txt"), listedIds());
  }

  @Test
  void readOnlyCommandsNameAMissingIndexAndCreateNothing() {
    Path missing = work.resolve("does-not-exist");
    for (String[] args : List.of(new String[] {"ask", "Who?", "--index", missing.toString()},
        new String[] {"list", "--index", missing.toString()},
        new String[] {"delete", "x.txt", "--index", missing.toString()})) {
      Run run = Run.docqa(args);
      assertEquals(Main.EXIT_FAILURE, run.exitCode(), run.err());
      assertTrue(run.err().contains("no index at " + missing), run.err());
      assertFalse(Files.exists(missing), "a read-only command created " + missing);
    }
  }

  @Test
  void askTakesTheApiOptionsAndItsQuestionRules() throws IOException {
    Run version = Run.docqa("--version");
    assertEquals(Main.EXIT_OK, version.exitCode());
    assertTrue(version.out().matches("docqa \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), version.out());

    Run symbols = Run.docqa("ask", "???", "--index", work.toString());
    assertEquals(Main.EXIT_USAGE, symbols.exitCode());
    assertTrue(symbols.err().contains("question must contain a letter or digit"), symbols.err());
    assertTrue(Run.docqa("ask", "Who?", "--max-answer-length", "0").err().contains("max_answer_length must be in [1, 200]"));

    // Junk named .pdf is refused, as the docs say; a real PDF is read through --context with its pages.
    Path junk = write("junk/fake.pdf", "junk");
    Run fake = onIndex("ingest", junk.toString());
    assertEquals(Main.EXIT_FAILURE, fake.exitCode());
    assertTrue(fake.out().startsWith("1 file: 0 indexed, 0 unchanged, 1 failed; 0 passages in "), fake.out());
    assertTrue(fake.err().contains("named as application/pdf but the content is not one"), fake.err());
    Path pdf = Path.of("samples/documents/port-ellery-harbour-report.pdf");
    Run context = Run.docqa("ask", "Who is the harbour master?", "--context", pdf.toString(), "--json",
        "--alternatives", "1", "--max-answer-length", "30");
    assertEquals(Main.EXIT_OK, context.exitCode(), context.err());
    JsonNode answer = JSON.readTree(context.out());
    assertEquals(pdf.toString(), answer.get("document").asText());
    assertTrue(answer.get("page").asInt() >= 1, context.out());
    assertEquals(1, answer.get("alternatives").size());

    Run ingest = onIndex("ingest", "samples/documents/port-ellery-harbour-report.pdf");
    assertEquals(Main.EXIT_OK, ingest.exitCode(), ingest.err());
    Run passages = onIndex("ask", "Who is the harbour master?", "--json", "--show-passages", "--top-k", "2",
        "--document-prefix", "port-");
    JsonNode json = JSON.readTree(passages.out());
    assertEquals(2, json.get("passages").size(), passages.out());
    assertTrue(json.get("passages").get(0).get("score").asDouble() >= json.get("passages").get(1).get("score")
        .asDouble());
    Run none = onIndex("ask", "Who is the harbour master?", "--json", "--document-prefix", "reports/");
    assertTrue(JSON.readTree(none.out()).get("answer").isNull(), "no document has the prefix: " + none.out());

    Run text = onIndex("ask", "Who is the harbour master?", "--show-passages", "--alternatives", "0");
    assertEquals(Main.EXIT_OK, text.exitCode(), text.err());
    String answerLine = text.out().lines().filter(l -> l.startsWith("Answer: ")).findFirst().orElseThrow();
    assertFalse(answerLine.substring("Answer: ".length()).matches(".*\\s{2,}.*"), "whitespace collapsed: " + answerLine);
    assertFalse(text.out().contains("Alternatives:"), text.out());
    assertTrue(text.out().contains("Retrieved passages:\n  1. port-ellery-harbour-report.pdf, page "), text.out());
  }
}
