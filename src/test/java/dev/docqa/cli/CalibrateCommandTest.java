package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.DocqaSettings;
import dev.docqa.models.ModelDirectory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docqa eval --calibrate}: a real calibration of a reader folder (the tiny test reader) through the command line
 * records one threshold in its serving.properties, which the folder then uses by default; bad input is one line with
 * exit 2 and leaves the folder as it was.
 */
class CalibrateCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private Path reader;
  private Path squad;

  @BeforeEach
  void copyTheTinyReader() throws IOException {
    reader = Files.createDirectories(temp.resolve("reader"));
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/models/tiny-qa"))) {
      for (Path file : files.toList()) {
        Files.copy(file, reader.resolve(file.getFileName()));
      }
    }
    // Two paragraphs per article: each question is also read against the other one, its negative.
    squad = Files.writeString(temp.resolve("dev.json"), """
        {"version": "1.1", "data": [
          {"title": "Varnholm", "paragraphs": [
            {"context": "The lighthouse stands on the rock of Varnholm.", "qas": [
              {"id": "v1", "question": "What stands on the rock?", "answers": [{"text": "lighthouse", "answer_start": 4}]},
              {"id": "v2", "question": "Which rock?", "answers": [{"text": "Varnholm", "answer_start": 37}]}]},
            {"context": "The ferry leaves at nine and returns at six.", "qas": [
              {"id": "v3", "question": "When does the ferry leave?", "answers": [{"text": "nine", "answer_start": 20}]}]}]},
          {"title": "Rivers", "paragraphs": [
            {"context": "The Rhine flows north to the sea.", "qas": [
              {"id": "r1", "question": "Which way does the Rhine flow?", "answers": [{"text": "north", "answer_start": 16}]}]},
            {"context": "The Danube flows east through ten countries.", "qas": [
              {"id": "r2", "question": "How many countries?", "answers": [{"text": "ten", "answer_start": 30}]}]}]}]}
        """);
  }

  private Run run(String... args) {
    Backend unused = settings -> {
      throw new AssertionError("calibration opens no index");
    };
    return Run.of(unused, DocqaSettings.defaults(), args);
  }

  @Test
  void recordsOneThresholdThatTheReaderThenUses() throws IOException {
    String before = Files.readString(reader.resolve("serving.properties"));
    Run first = run("eval", squad.toString(), "--calibrate", "--reader", reader.toString(), "--json");
    assertEquals(Main.EXIT_OK, first.exitCode(), first.err());
    assertEquals(1, first.out().lines().count(), first.out());
    JsonNode result = JSON.readTree(first.out());
    assertEquals(List.of("null_threshold", "f1", "f1_without_rule", "answerable", "negatives", "reader"),
        List.copyOf(iterable(result.fieldNames())));
    assertEquals(5, result.get("answerable").asInt());
    assertEquals(5, result.get("negatives").asInt());
    // The sweep includes "never abstain", so the chosen threshold is never worse than no rule.
    assertTrue(result.get("f1").asDouble() >= result.get("f1_without_rule").asDouble(), first.out());

    Properties serving = serving();
    double threshold = result.get("null_threshold").asDouble();
    assertEquals(threshold, Double.parseDouble(serving.getProperty("docqa.nullThreshold")), 1e-4);
    assertEquals("5 answerable + 5 negatives", serving.getProperty("docqa.nullThreshold.questions"));
    assertEquals(threshold, ModelDirectory.read(reader).calibratedNullThreshold(), 1e-4);
    for (String line : before.lines().toList()) {
      assertTrue(Files.readString(reader.resolve("serving.properties")).contains(line), "kept: " + line);
    }

    // Calibrating again replaces the earlier values instead of adding a second set.
    Run again = run("eval", squad.toString(), "--calibrate", "--reader", reader.toString());
    assertEquals(Main.EXIT_OK, again.exitCode(), again.err());
    assertTrue(again.out().startsWith("no-answer threshold "), again.out());
    assertTrue(again.out().contains("recorded in " + reader.resolve("serving.properties")), again.out());
    long thresholdLines = Files.readAllLines(reader.resolve("serving.properties")).stream()
        .filter(line -> line.startsWith("docqa.nullThreshold=")).count();
    assertEquals(1, thresholdLines);
    try (Stream<Path> files = Files.list(reader)) {
      assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
          "temporary files left in the reader folder");
    }
  }

  @Test
  void badInputIsOneLineAndChangesNothing() throws IOException {
    String before = Files.readString(reader.resolve("serving.properties"));
    Path singleParagraphs = Files.writeString(temp.resolve("single.json"), """
        {"version": "1.1", "data": [{"title": "Rivers", "paragraphs": [
          {"context": "The Rhine flows north.", "qas": [
            {"id": "r1", "question": "Which way?", "answers": [{"text": "north", "answer_start": 16}]}]}]}]}""");
    String file = squad.toString();
    assertUsageError(run("eval", file, "--calibrate"), "name it with --reader DIR");
    assertUsageError(run("eval", file, "--calibrate", "--reader", "classpath:models/minilm-squad"),
        "--reader to be a local reader folder");
    assertUsageError(run("eval", file, "--calibrate", "--reader", reader.toString(), "--gold"), "--gold");
    assertUsageError(run("eval", file, "--calibrate", "--reader", reader.toString(), "--null-threshold", "1"),
        "--null-threshold");
    assertUsageError(run("eval", singleParagraphs.toString(), "--calibrate", "--reader", reader.toString()),
        "needs answerable questions and negatives");
    assertEquals(before, Files.readString(reader.resolve("serving.properties")));
  }

  private static void assertUsageError(Run run, String expected) {
    assertEquals(Main.EXIT_USAGE, run.exitCode(), run.err());
    String first = run.errLines().getFirst();
    assertTrue(first.startsWith("docqa eval: ") && first.contains(expected), run.err());
    assertTrue(!run.err().contains("\tat "), "stack trace on stderr: " + run.err());
  }

  private Properties serving() throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(reader.resolve("serving.properties"))) {
      properties.load(in);
    }
    return properties;
  }

  private static <T> List<T> iterable(java.util.Iterator<T> items) {
    List<T> list = new java.util.ArrayList<>();
    items.forEachRemaining(list::add);
    return list;
  }
}
