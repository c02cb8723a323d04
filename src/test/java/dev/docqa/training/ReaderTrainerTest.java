package dev.docqa.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.eval.EvalReport;
import dev.docqa.eval.SquadDataset;
import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ModelResolver;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReaderTrainer} end to end on the tiny test reader with real DJL training: it learns a generated task from
 * near 0% to at least 90% exact match (fails when gradients do not flow, labels are off by one or windows are
 * mislabelled), writes a loadable reader folder that can be a base again, and a resumed run equals an uninterrupted one.
 */
class ReaderTrainerTest {

  /** The tiny random-weight reader (2 layers, hidden 32): trains in seconds. */
  private static final String TINY_READER = "classpath:models/tiny-qa";
  private static final int MAX_SEQ_LENGTH = 48;
  private static final int DOC_STRIDE = 16;

  @TempDir static Path data;
  @TempDir Path temp;

  private static Path train;
  private static Path dev;
  private final List<String> messages = new ArrayList<>();

  @BeforeAll
  static void writeTask() throws IOException {
    // Contexts of up to 60 words: many span two or three 48-token windows, so windows without the answer occur.
    train = MarkerTask.write(data.resolve("train.json"), 120, 60, 1);
    dev = MarkerTask.write(data.resolve("dev.json"), 20, 60, 2);
  }

  private TrainingSettings settings(Path out, int epochs, double learningRate, long maxSteps) {
    return new TrainingSettings(List.of(train), dev, TINY_READER, out,
        out.resolveSibling(out.getFileName() + ".checkpoints"), epochs, 16, learningRate, 0.01, 0.1, MAX_SEQ_LENGTH,
        DOC_STRIDE, 0.0, Objective.SPAN, 0, 7, 1, 10, maxSteps, false);
  }

  private ReaderTrainer trainer(TrainingSettings settings) {
    return new ReaderTrainer(settings, ModelResolver.withoutS3(temp.resolve("models")), new ReaderTrainer.Listener() {
      @Override
      public void message(String line) {
        messages.add(line);
      }

      @Override
      public void progress(ReaderTrainer.Progress progress) {}
    });
  }

  private static EvalReport devScore(Path readerFolder) {
    return new DevScorer(SquadDataset.read(dev), MAX_SEQ_LENGTH, DOC_STRIDE, 1).score(readerFolder);
  }

  @Test
  void learnsTheMarkerTaskAndWritesAReaderFolder() throws IOException {
    Path base = ModelResolver.withoutS3(temp.resolve("base")).fetch(TINY_READER);
    double before = devScore(base).overall().exact();
    assertTrue(before < 20, "the random base already scores EM " + before);

    Path out = temp.resolve("marker-reader");
    ReaderTrainer.Result result = trainer(settings(out, 20, 1e-2, 0)).train(() -> false);

    assertEquals(out.toAbsolutePath(), result.out());
    assertNotNull(result.best());
    assertTrue(result.best().exact() >= 90, "EM after training: " + result.best().exact() + "; " + messages);
    // The folder the run wrote scores what the run reported: it is the best epoch's model.
    assertEquals(result.best().exact(), devScore(out).overall().exact(), 1e-9);
    for (String file : List.of("marker-reader.pt", "tokenizer.json", "config.json", "serving.properties",
        "training.png", "training.json")) {
      assertTrue(Files.isRegularFile(out.resolve(file)), file + " missing in " + out);
    }
    Properties serving = new Properties();
    try (Reader in = Files.newBufferedReader(out.resolve("serving.properties"), StandardCharsets.UTF_8)) {
      serving.load(in);
    }
    assertEquals("marker-reader", serving.getProperty("option.modelName"));
    assertEquals(TINY_READER, serving.getProperty("docqa.base"));
    assertEquals("train.json", serving.getProperty("docqa.train.files"));
    assertEquals(Long.toString(result.best().step()), serving.getProperty("docqa.dev.epoch").equals(
        Integer.toString(result.best().epoch())) ? Long.toString(result.best().step()) : "mismatch");
    assertEquals(String.format("%.2f", result.best().f1()), serving.getProperty("docqa.dev.f1"));
    assertTrue(Files.size(out.resolve("training.png")) > 1_000);
    // The dev set also calibrated the no-answer threshold, which the reader then uses by default.
    double threshold = Double.parseDouble(serving.getProperty("docqa.nullThreshold"));
    assertEquals(threshold, ModelDirectory.read(out).calibratedNullThreshold(), 1e-4);
    assertTrue(serving.getProperty("docqa.nullThreshold.questions").startsWith("60 answerable + "), serving.toString());
    try (var leftovers = Files.list(temp)) {
      assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().contains(".partial")), "staging left behind");
    }

    // The output is a base again: one more step from it, recorded as its lineage.
    Path again = temp.resolve("again");
    TrainingSettings fromOutput = new TrainingSettings(List.of(train), null, out.toString(), again,
        temp.resolve("again.checkpoints"), 1, 16, 1e-4, 0.01, 0.1, MAX_SEQ_LENGTH, DOC_STRIDE, 0.0, Objective.SPAN,
        0, 7, 1, 10, 1, false);
    assertNotNull(trainer(fromOutput).train(() -> false).out());
    Properties lineage = new Properties();
    try (Reader in = Files.newBufferedReader(again.resolve("serving.properties"), StandardCharsets.UTF_8)) {
      lineage.load(in);
    }
    assertEquals(out + " <- " + TINY_READER, lineage.getProperty("docqa.base"));
    assertTrue(devScore(again).overall().exact() >= 80, "one small step should not undo the training");
  }

  @Test
  void sharedNormalisationGroupsEachQuestionWithItsBm25Distractors() {
    Path out = temp.resolve("shared");
    TrainingSettings shared = new TrainingSettings(List.of(train), null, TINY_READER, out,
        temp.resolve("shared.checkpoints"), 1, 16, 1e-3, 0.01, 0.1, MAX_SEQ_LENGTH, DOC_STRIDE, 0.0,
        Objective.SHARED_NORM, 2, 7, 1, 10, 3, false);
    ReaderTrainer.Result result = trainer(shared).train(() -> false);
    assertNotNull(result.out());
    assertEquals(3, result.steps());
    // Each question is grouped with the other paragraphs of its article that lack its answer word (in this task's
    // 20-word vocabulary most hold it), so there are more windows than the span objective's 499.
    assertTrue(result.features() > 499 + 100, "windows with distractors: " + result.features());
    assertTrue(Double.isFinite(result.finalLoss()));
  }

  @Test
  void aResumedRunEqualsAnUninterruptedOne() throws IOException {
    long steps = 2 * 12;
    Path whole = temp.resolve("whole");
    ReaderTrainer.Result uninterrupted = trainer(settings(whole, 2, 3e-3, steps)).train(() -> false);

    Path split = temp.resolve("split");
    AtomicInteger polls = new AtomicInteger();
    ReaderTrainer.Result first = trainer(settings(split, 2, 3e-3, steps)).train(() -> polls.incrementAndGet() >= 12);
    assertNull(first.out(), "a stopped run writes no reader folder");
    assertEquals(12, first.steps());
    assertTrue(Files.notExists(split), "nothing half-written at " + split);
    ReaderTrainer.Result resumed = trainer(settings(split, 2, 3e-3, steps)).resume(() -> false);

    assertEquals(uninterrupted.steps(), resumed.steps());
    assertEquals(uninterrupted.windows(), resumed.windows());
    assertEquals(uninterrupted.finalLoss(), resumed.finalLoss(), 1e-4);
    EvalReport a = devScore(whole);
    EvalReport b = devScore(split);
    assertEquals(a.overall().exact(), b.overall().exact(), 1e-9);
    assertEquals(a.overall().f1(), b.overall().f1(), 1e-9);
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("resuming at step 12 of")), messages.toString());
  }
}
