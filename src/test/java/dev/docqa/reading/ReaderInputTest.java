package dev.docqa.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.InvalidInputException;
import dev.docqa.ModelLoadException;
import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad questions, passages and models fail with the rule and the value; odd but valid input still reads. */
class ReaderInputTest {

  @TempDir static Path cache;
  private static Reader reader;

  private static final List<Passage> PASSAGES = List.of(Passage.ofText("d", "The river flows north past Zürich."));

  @BeforeAll
  static void open() {
    reader = Reader.open(new ReaderSettings(TinyModels.WITH_TYPES, 32, 8, 15, 8, 1), ModelResolver.withoutS3(cache));
  }

  @AfterAll
  static void close() {
    reader.close();
  }

  @Test
  void blankQuestionIsRejected() {
    for (String question : new String[] {"", "   ", " \t\r\n "}) {
      InvalidInputException e =
          assertThrows(InvalidInputException.class, () -> reader.read(question, PASSAGES, ReadOptions.defaults()));
      assertTrue(e.getMessage().contains("question must not be blank"), e.getMessage());
    }
    assertThrows(InvalidInputException.class, () -> reader.read(null, PASSAGES, ReadOptions.defaults()));
  }

  @Test
  void noPassagesIsRejected() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> reader.read("where?", List.of(), ReadOptions.defaults()));
    assertTrue(e.getMessage().contains("at least one passage"), e.getMessage());
    List<Passage> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(InvalidInputException.class, () -> reader.read("where?", withNull, ReadOptions.defaults()));
  }

  @Test
  void questionLongerThanTheWindowIsRejected() {
    String question = "where does the river flow ".repeat(6) + "?";
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> reader.read(question, PASSAGES, ReadOptions.defaults()));
    assertTrue(e.getMessage().contains("question too long") && e.getMessage().contains("maxSeqLength=32"), e.getMessage());
  }

  @Test
  void questionLeavingLessRoomThanTheStrideStillReadsEveryToken() {
    // 32-token windows, 3 special tokens, a 24-token question: 5 context tokens per window, fewer than the stride (8).
    String question = "where does the river flow ".repeat(4) + "now ?";
    Passage passage = Passage.ofText("d", "one two three four five six seven eight nine ten eleven twelve");
    ReaderResult result = reader.read(question, List.of(passage), ReadOptions.defaults().withTopK(50).withMaxAnswerLength(1));
    assertTrue(result.stats().windows() >= 3, "windows: " + result.stats().windows());
    // every word is a one-token answer found in some window
    assertEquals(12, result.answers().size());
  }

  @Test
  void emptyAndWhitespacePassagesHaveNoAnswers() {
    ReaderResult result =
        reader.read("where?", List.of(Passage.ofText("a", ""), Passage.ofText("b", " \t\r\n ")), ReadOptions.defaults());
    assertTrue(result.answers().isEmpty());
    assertTrue(result.noAnswer());
    assertTrue(result.best().isEmpty());
  }

  @Test
  void optionsRejectBadValues() {
    assertThrows(IllegalArgumentException.class, () -> ReadOptions.defaults().withTopK(0));
    assertThrows(IllegalArgumentException.class, () -> ReadOptions.defaults().withMaxAnswerLength(0));
    assertThrows(IllegalArgumentException.class, () -> ReadOptions.defaults().withNullThreshold(Double.NaN));
  }

  @Test
  void nanLogitsFailClearly(@TempDir Path dir) throws IOException {
    Path nan = TinyModels.testModel("tiny-qa-nan");
    for (String file : new String[] {"tiny-qa-nan.pt", "config.json", "serving.properties"}) {
      Files.copy(nan.resolve(file), dir.resolve(file));
    }
    Files.copy(reader.model().tokenizerFile(), dir.resolve("tokenizer.json"));
    try (Reader broken =
        Reader.open(new ReaderSettings(dir.toString(), 64, 16, 15, 8, 1), ModelResolver.withoutS3(cache))) {
      ModelOutputException e =
          assertThrows(ModelOutputException.class, () -> broken.read("where?", PASSAGES, ReadOptions.defaults()));
      assertTrue(e.getMessage().contains("non-finite logit (start=NaN"), e.getMessage());
      assertTrue(e.getMessage().contains("document d"), e.getMessage());
    }
  }

  @Test
  void modelWithoutStartAndEndLogitsFailsClearly() {
    String embedder = TinyModels.testModel("tiny-embedder").toString();
    try (Reader wrong = Reader.open(new ReaderSettings(embedder, 64, 16, 15, 8, 1), ModelResolver.withoutS3(cache))) {
      ModelOutputException e =
          assertThrows(ModelOutputException.class, () -> wrong.read("where?", PASSAGES, ReadOptions.defaults()));
      assertTrue(e.getMessage().contains("returned 1 output(s)"), e.getMessage());
    }
  }

  @Test
  void missingModelFailsToOpen(@TempDir Path empty) {
    ModelLoadException e =
        assertThrows(
            ModelLoadException.class,
            () -> Reader.open(new ReaderSettings(empty.toString(), 64, 16, 15, 8, 1), ModelResolver.withoutS3(cache)));
    assertTrue(e.getMessage().contains("TorchScript"), e.getMessage());
  }

  @Test
  void concurrentReadsAgreeWithSequentialOnes() throws Exception {
    Random random = new Random(11);
    List<ReadRequest> requests = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      requests.add(new ReadRequest(
          RandomTexts.question(random), List.of(Passage.ofText("d" + i, RandomTexts.words(random, 30 + random.nextInt(60))))));
    }
    ReadOptions options = ReadOptions.defaults().withTopK(3);
    List<ReaderResult> sequential = new ArrayList<>();
    for (ReadRequest request : requests) {
      sequential.add(reader.read(request.question(), request.passages(), options));
    }
    List<Future<ReaderResult>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (ReadRequest request : requests) {
        futures.add(pool.submit(() -> reader.read(request.question(), request.passages(), options)));
      }
      for (int i = 0; i < requests.size(); i++) {
        List<Answer> expected = sequential.get(i).answers();
        List<Answer> actual = futures.get(i).get().answers();
        assertEquals(expected.size(), actual.size());
        for (int a = 0; a < expected.size(); a++) {
          assertEquals(expected.get(a).text(), actual.get(a).text(), "request " + i);
          assertEquals(expected.get(a).score(), actual.get(a).score(), 1e-4, "request " + i);
        }
      }
    }
  }

  @Test
  void closedReaderRefusesToRead() {
    Reader other = Reader.open(new ReaderSettings(TinyModels.WITH_TYPES, 64, 16, 15, 8, 1), ModelResolver.withoutS3(cache));
    other.close();
    other.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> other.read("where?", PASSAGES, ReadOptions.defaults()));
  }

  @Test
  void windowLengthIsCappedByTheModelPositions() {
    try (Reader capped =
        Reader.open(new ReaderSettings(TinyModels.WITH_TYPES, 4096, 128, 15, 8, 1), ModelResolver.withoutS3(cache))) {
      assertEquals(512, capped.maxSeqLength());
      assertFalse(capped.read("where?", PASSAGES, ReadOptions.defaults()).answers().isEmpty());
    }
  }
}
