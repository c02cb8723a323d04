package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.DocqaException;
import dev.docqa.ModelLoadException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import dev.docqa.service.IngestOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line in-process: parsing, usage errors, exit codes and output, against a {@link Backend} defined here that
 * records what the commands asked of it. The real core runs in {@link CommandLineEndToEndTest}.
 */
class MainTest {

  @TempDir Path temp;

  private final RecordingBackend backend = new RecordingBackend();

  private Run run(String... args) {
    return Run.of(backend, DocqaSettings.defaults(), args);
  }

  @Test
  void noArgumentsIsAUsageError() {
    Run run = run();
    assertEquals(Main.EXIT_USAGE, run.exitCode());
    assertTrue(run.err().startsWith("usage: docqa COMMAND"), run.err());
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    assertEquals(new Run(Main.EXIT_OK, Main.USAGE + "\n", ""), run("--help"));
    Run ask = run("ask", "--help");
    assertEquals(Main.EXIT_OK, ask.exitCode());
    assertEquals(AskArguments.USAGE + "\n", ask.out());
  }

  @Test
  void unknownCommandsAreUsageErrors() {
    Run run = run("summarize", "--json");
    assertEquals(Main.EXIT_USAGE, run.exitCode());
    assertEquals("docqa: unknown command: summarize", run.errLines().getFirst());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "ask                                   | docqa ask: ask needs a QUESTION",
      "ask one two                           | docqa ask: ask takes one QUESTION (quote it); got 2 arguments: one two",
      "ask q --top-k 0                       | docqa ask: --top-k must be a positive integer; --top-k=0",
      "ask q --top-k=many                    | docqa ask: --top-k must be a positive integer; --top-k=many",
      "ask q --top-k                         | docqa ask: --top-k needs a value",
      "ask q --retriever sparse              | docqa ask: retriever must be one of bm25, dense, hybrid; retriever=sparse",
      "ask q --colour                        | docqa ask: unknown option --colour",
      "ask q --json=yes                      | docqa ask: --json takes no value; got --json=yes",
      "ask q --reader a --reader b           | docqa ask: --reader given twice",
      "ask q --context no/such.txt           | docqa ask: --context must name a readable file; --context=no/such.txt",
      "ask q --context pom.xml --index d     | docqa ask: --index cannot be used with --context (the file is read whole, nothing is retrieved)",
      "ask ???                               | docqa ask: question must contain a letter or digit; length=3 characters",
      "ask q --top-k 101                     | docqa ask: top_k must be in [1, 100]; top_k=101",
      "ask q --alternatives 21               | docqa ask: alternatives must be in [0, 20]; alternatives=21",
      "ask q --alternatives x                | docqa ask: --alternatives must be an integer; --alternatives=x",
      "ask q --max-answer-length 0           | docqa ask: max_answer_length must be in [1, 200] tokens; max_answer_length=0",
      "ask q --document-prefix ../etc        | docqa ask: prefix must not contain empty, '.' or '..' segments; prefix=../etc",
      "ask q --context pom.xml --show-passages | docqa ask: --show-passages cannot be used with --context (the file is read whole, nothing is retrieved)",
      "serve extra                           | docqa serve: serve takes no arguments; got extra",
      "serve --port 70000                    | docqa serve: --port must be an integer in [0, 65535]; --port=70000",
      "list extra                            | docqa list: list takes no arguments; got extra",
      "delete                                | docqa delete: delete needs at least one document ID",
      "ingest --index d                      | docqa ingest: ingest needs at least one PATH",
      "ingest x --top-k 3                    | docqa ingest: unknown option --top-k",
      "eval                                  | docqa eval: eval takes one SQUAD.json file; got 0",
      "eval no.json                          | docqa eval: SQUAD.json must be a readable file; got no.json",
      "eval pom.xml --gold --retriever bm25  | docqa eval: --retriever cannot be used with --gold (each question's own paragraph is read, nothing is retrieved)",
  })
  void usageErrorsPrintOneLineThenTheUsageAndExit2(String args, String message) {
    Run run = run(args.trim().split(" +"));
    assertEquals(Main.EXIT_USAGE, run.exitCode(), run.err());
    assertEquals(message, run.errLines().getFirst());
    assertTrue(run.errLines().get(1).startsWith("usage: docqa " + args.trim().split(" ")[0]), run.err());
    assertEquals("", run.out());
    assertTrue(backend.opened.isEmpty(), "nothing is opened on a usage error");
  }

  @Test
  void flagsFillTheSettings() throws IOException {
    Files.createDirectories(temp.resolve("store"));
    Run run = run("ask", "Where?", "--index", temp.toString(), "--top-k", "7", "--retriever", "BM25", "--reader",
        "/models/distilbert", "--embedder", "builtin:bge-small-en-v15");
    assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
    DocqaSettings settings = backend.opened.getFirst();
    assertEquals(temp.resolve("store").toString(), settings.storage().location());
    assertEquals(temp.resolve("cache"), settings.storage().cacheDir());
    assertEquals(7, settings.retrieval().topK());
    assertEquals(RetrieverMode.BM25, settings.retrieval().mode());
    assertEquals("/models/distilbert", settings.reader().model());
    assertEquals("builtin:bge-small-en-v15", settings.embedder().model());
    assertEquals(new AskRequest("Where?", 7, RetrieverMode.BM25, null, dev.docqa.service.QuestionRules.DEFAULT_ALTERNATIVES), backend.asked.getFirst());
  }

  @Test
  void theNoAnswerRuleIsAReaderSetting() throws IOException {
    Run on = run("eval", temp.resolve("x.json").toString(), "--no-answer", "--null-threshold", "-2.5");
    assertEquals(Main.EXIT_USAGE, on.exitCode(), "the SQuAD file does not exist: " + on.err());
    String index = dataFolder();
    assertEquals(Main.EXIT_OK,
        run("ask", "Where?", "--no-answer", "--null-threshold", "-2.5", "--index", index).exitCode());
    assertTrue(backend.opened.getLast().reader().noAnswer());
    assertEquals(-2.5, backend.opened.getLast().reader().nullThreshold());
    assertEquals(Main.EXIT_OK, run("ask", "Where?", "--no-answer", "--index", index).exitCode());
    assertEquals(null, backend.opened.getLast().reader().nullThreshold(), "the reader's calibrated threshold");
    assertFalse(DocqaSettings.defaults().reader().noAnswer(), "off unless asked for, as in the pipeline");

    Run alone = run("ask", "Where?", "--null-threshold", "1");
    assertEquals(Main.EXIT_USAGE, alone.exitCode());
    assertTrue(alone.err().startsWith("docqa ask: --null-threshold needs --no-answer"), alone.err());
    Run notANumber = run("ask", "Where?", "--no-answer", "--null-threshold", "high");
    assertEquals(Main.EXIT_USAGE, notANumber.exitCode());
    assertTrue(notANumber.err().startsWith("docqa ask: --null-threshold must be a number"), notANumber.err());
  }

  @Test
  void anS3IndexIsUsedAsIs() {
    run("ask", "Where?", "--index", "s3://bucket/docqa", "--reader", "/m");
    assertEquals("s3://bucket/docqa", backend.opened.getFirst().storage().location());
  }

  /** An existing (empty) data folder: read-only commands refuse a missing one. */
  private String dataFolder() throws IOException {
    Files.createDirectories(temp.resolve("data/store"));
    return temp.resolve("data").toString();
  }

  @Test
  void askJsonPrintsExactlyOneLineAndNothingOnStderr() throws IOException {
    Run run = run("ask", "What does docqa split text into?", "--json", "--index", dataFolder());
    assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
    assertEquals(1, run.out().lines().count());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals(List.of("answer", "score", "confidence", "document", "start", "end", "page", "passage", "alternatives",
        "timings_ms"), iterable(json.fieldNames()));
    assertEquals("passages", json.get("answer").asText());
    assertEquals(123, json.get("start").asInt());
    assertEquals("", run.err());
  }

  @Test
  void askWithoutJsonShowsAnswerSourceAndHighlightedPassage() throws IOException {
    Run run = run("ask", "What does docqa split text into?", "--reader", "/m", "--index", dataFolder());
    assertEquals("""
        Answer: passages
          score 7.500, confidence 0.800
        Source: guide.md, page 3, characters 123-131
        Passage:
          Docqa splits text into **passages**.
        Timings: read 2.0 ms, retrieve 1.0 ms
        """, run.out());
  }

  @Test
  void askContextReadsTheFileWholeWithoutTheIndex() throws IOException {
    Path context = Files.writeString(temp.resolve("rhine.txt"), "The 🌊 Rhine flows north.");
    Run run = run("ask", "Which way?", "--context", context.toString(), "--json");
    assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
    assertEquals(List.of(), backend.asked);
    Path scratch = Path.of(backend.opened.getFirst().storage().location()).getParent();
    assertFalse(scratch.startsWith(Path.of("docqa-data")), "the user's data folder is not touched: " + scratch);
    assertFalse(Files.exists(scratch), "the scratch data folder is deleted: " + scratch);
    Passage read = backend.contexts.getFirst();
    assertEquals(context.toString(), read.documentId());
    assertEquals("The 🌊 Rhine flows north.", read.text());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals("north", json.get("answer").asText());
    assertEquals(18, json.get("start").asInt(), "code points (UTF-16 index is 19)");
  }

  @Test
  void askContextRejectsWhatIngestRejects() throws IOException {
    Path pdf = Files.write(temp.resolve("scan.pdf"), new byte[] {'%', 'P', 'D', 'F', (byte) 0xC3, (byte) 0x28});
    Run run = run("ask", "q", "--context", pdf.toString());
    assertEquals(Main.EXIT_FAILURE, run.exitCode());
    assertTrue(run.errLines().getLast().startsWith("docqa ask: error: ") && run.err().contains(pdf.toString())
        && run.err().contains("rejected (CORRUPT)"), run.err());
    assertTrue(backend.opened.isEmpty(), "nothing is opened for a file that cannot be read");
  }

  @Test
  void runtimeFailuresPrintOneLineWithTheCauseAndExit1() throws IOException {
    backend.openFailure = new ModelLoadException("cannot load reader /m",
        new IOException("no serving.properties in /m"));
    Run run = run("ask", "Where?", "--reader", "/m", "--index", dataFolder());
    assertEquals(Main.EXIT_FAILURE, run.exitCode());
    assertEquals(List.of("docqa ask: error: cannot load reader /m: no serving.properties in /m"), run.errLines());
    assertEquals("", run.out());
  }

  @Test
  void ingestWalksFoldersSkipsHiddenFilesAndGoesOnAfterAFailure() throws IOException {
    Path docs = Files.createDirectories(temp.resolve("docs/sub"));
    Files.writeString(docs.resolve("b.md"), "# B");
    Files.writeString(temp.resolve("docs/a.txt"), "A");
    Files.writeString(temp.resolve("docs/broken.pdf"), "not a pdf");
    Files.writeString(temp.resolve("docs/.hidden"), "skip me");
    Path single = Files.writeString(temp.resolve("single.html"), "<p>x</p>");

    Run run = run("ingest", temp.resolve("docs").toString(), single.toString(), temp.resolve("missing").toString(),
        "--index", temp.resolve("data").toString());

    assertEquals(Main.EXIT_FAILURE, run.exitCode(), "a failed file makes the run fail");
    assertEquals(List.of("a.txt", "broken.pdf", "sub/b.md", "single.html"), backend.ingested);
    assertTrue(run.err().contains("no such file or folder: " + temp.resolve("missing")), run.err());
    assertTrue(run.err().contains("[2/4] broken.pdf: FAILED: not a PDF: bad header"), run.err());
    assertTrue(run.err().contains("[4/4] single.html: 2 passages embedded ("), run.err());
    assertTrue(run.err().contains("[4/4] single.html: indexed 2 passages\n"), run.err());
    assertTrue(run.out().startsWith("5 files: 3 indexed, 0 unchanged, 2 failed; 6 passages in "), run.out());
    assertEquals(temp.resolve("data/store").toString(), backend.opened.getFirst().storage().location());
  }

  @Test
  void serveOnAPortInUseFailsInOneLineAndClosesWhatItOpened() throws IOException {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run run = run("serve", "--port", Integer.toString(taken.getLocalPort()), "--reader", "/m");
      assertEquals(Main.EXIT_FAILURE, run.exitCode(), run.err());
      assertEquals(1, run.errLines().size(), run.err());
      assertTrue(run.err().startsWith("docqa serve: error: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "),
          run.err());
      assertEquals(1, backend.opened.size());
      assertEquals(1, backend.closed, "the service is closed when the server cannot start");
    }
  }

  @Test
  void pruneWithoutAFolderSaysItHasNothingToLookAt() throws IOException {
    Path single = Files.writeString(temp.resolve("one.txt"), "One file.");
    Run run = run("ingest", single.toString(), "--prune", "--index", temp.resolve("data").toString());
    assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
    assertTrue(run.err().contains("--prune looks for files gone from the folders named, and no folder was named"),
        run.err());
    assertTrue(run.out().startsWith("1 file: 1 indexed, 0 unchanged, 0 failed; 2 passages in "), run.out());
  }

  @Test
  void aBatchWhoseCommitFailsReportsEachOfItsFilesAndTheNextBatchGoesOn() throws IOException {
    Path docs = Files.createDirectories(temp.resolve("many"));
    for (int i = 0; i <= IngestDocuments.BATCH_SIZE; i++) {
      Files.writeString(docs.resolve(String.format("f%02d%s.txt", i, i == 3 ? "-unpublishable" : "")), "text " + i);
    }

    Run run = run("ingest", docs.toString(), "--index", temp.resolve("data").toString());

    assertEquals(Main.EXIT_FAILURE, run.exitCode());
    int total = IngestDocuments.BATCH_SIZE + 1;
    long failed = run.errLines().stream()
        .filter(l -> l.contains(": FAILED: cannot update the index: disk full")).count();
    assertEquals(IngestDocuments.BATCH_SIZE, failed, run.err());
    assertTrue(run.err().contains("[" + total + "/" + total + "] f16.txt: indexed 2 passages"), run.err());
    // A file is reported indexed only once its batch is committed: before, it is only embedded.
    assertTrue(run.err().contains("[1/" + total + "] f00.txt: 2 passages embedded ("), run.err());
    assertTrue(run.err().contains("[1/" + total + "] f00.txt: FAILED: cannot update the index: disk full"), run.err());
    assertFalse(run.err().contains("f00.txt: indexed"), run.err());
    assertTrue(run.out().startsWith(total + " files: 1 indexed, 0 unchanged, " + IngestDocuments.BATCH_SIZE
        + " failed;"), run.out());
  }

  @Test
  void evalGoldJsonScoresWithTheReader() throws IOException {
    Path squad = Files.writeString(temp.resolve("squad.json"), """
        {"version": "v2.0", "data": [{"title": "Rivers", "paragraphs": [
          {"context": "The 🌊 Rhine flows north.", "qas": [
            {"id": "r1", "question": "Which way?", "answers": [{"text": "north", "answer_start": 18}]},
            {"id": "r2", "question": "Who owns it?", "answers": [], "is_impossible": true}]}]}]}""");
    Run run = run("eval", squad.toString(), "--gold", "--json", "--reader", "/m");
    assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals(List.of("exact", "f1", "total", "has_ans", "no_ans", "recall_at_k", "latency_ms", "retriever", "top_k"),
        iterable(json.fieldNames()));
    assertEquals(50.0, json.get("exact").asDouble());
    assertEquals(100.0, json.get("has_ans").get("exact").asDouble());
    assertEquals(0.0, json.get("no_ans").get("f1").asDouble());
    assertEquals("gold", json.get("retriever").asText());
    assertTrue(run.err().contains("eval: 2/2 questions"), run.err());
  }

  @Test
  void evalOfAMalformedFileIsAUsageError() throws IOException {
    Path squad = Files.writeString(temp.resolve("bad.json"), "{\"data\": []}");
    Run run = run("eval", squad.toString());
    assertEquals(Main.EXIT_USAGE, run.exitCode());
    assertEquals("docqa eval: SQuAD file has no questions: " + squad, run.errLines().getFirst());
  }

  @Test
  void usageTextsStateTheRealDefaults() {
    DocqaSettings defaults = DocqaSettings.defaults();
    for (String usage : List.of(AskArguments.USAGE, EvalArguments.USAGE)) {
      assertTrue(usage.contains("passages retrieved and read; default " + defaults.retrieval().topK()), usage);
      assertTrue(usage.contains("bm25, dense or hybrid; default " + defaults.retrieval().mode().id()), usage);
      assertTrue(usage.contains("default " + defaults.embedder().model()), usage);
    }
    assertTrue(defaults.storage().location().startsWith("docqa-data/"), "--index default documented as docqa-data");
  }

  @Test
  void oneLineJoinsCausesOnceEach() {
    DocqaException failure = new DocqaException("ingest failed: disk full", new IOException("disk full"));
    assertEquals("ingest failed: disk full", Main.oneLine(failure));
    assertEquals("outer: NullPointerException", Main.oneLine(new DocqaException("outer", new NullPointerException())));
    assertEquals("a b", Main.oneLine(new DocqaException("a\n  b")));
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  /**
   * Answers "passages" from {@link JsonOutputTest#PASSAGE}; fails to ingest PDFs; reads given passages' last word.
   */
  private static final class RecordingBackend implements Backend {
    final List<DocqaSettings> opened = new ArrayList<>();
    final List<AskRequest> asked = new ArrayList<>();
    final List<String> ingested = new ArrayList<>();
    final List<Passage> contexts = new ArrayList<>();
    int closed;
    RuntimeException openFailure;

    @Override
    public DocQa open(DocqaSettings settings) {
      if (openFailure != null) {
        throw openFailure;
      }
      opened.add(settings);
      return new DocQa() {
        @Override
        public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
          ingested.add(documentId);
          if (documentId.endsWith(".pdf")) {
            return new IngestOutcome(documentId, IngestOutcome.Status.FAILED, 0, "not a PDF: bad header");
          }
          if (documentId.contains("unpublishable")) {
            throw new DocqaException("cannot update the index: disk full");
          }
          return new IngestOutcome(documentId, IngestOutcome.Status.INDEXED, 2, null);
        }

        @Override
        public boolean delete(String documentId) {
          return false;
        }

        @Override
        public AskResult ask(AskRequest request) {
          asked.add(request);
          return new AskResult(new Answer("passages", 7.5, 0.8, JsonOutputTest.PASSAGE, 23, 31), List.of(),
              Map.of("retrieve", 1.0, "read", 2.0));
        }

        @Override
        public List<Passage> retrieve(String question, Integer topK, RetrieverMode mode) {
          throw new UnsupportedOperationException("open mode is covered by SquadEvaluationTest");
        }

        @Override
        public AskResult read(String question, List<Passage> passages, int alternatives) {
          Passage context = passages.getFirst();
          contexts.add(context);
          String text = context.text().replaceAll("\\.$", "");
          int start = text.codePointCount(0, text.lastIndexOf(' ') + 1);
          int end = text.codePointCount(0, text.length());
          String word = text.substring(text.lastIndexOf(' ') + 1);
          return new AskResult(new Answer(word, 1, 1, context, start, end), List.of(), Map.of());
        }

        @Override
        public void close() {
          closed++;
        }
      };
    }
  }
}
