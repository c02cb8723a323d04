package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.DocqaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code docqa train} through the real command line in-process: bad input is one line on stderr with exit 2 (usage,
 * data) or 1 (a base that cannot be loaded), never a stack trace, and leaves nothing behind; a short real run ends with
 * one JSON line.
 */
class TrainCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private Run run(String... args) {
    Backend unused = settings -> {
      throw new AssertionError("train opens no index");
    };
    DocqaSettings defaults = DocqaSettings.defaults().withStorage(
        SettingsFlags.dataFolder(temp.resolve("data"), DocqaSettings.defaults().storage(), java.time.Duration.ZERO));
    return Run.of(unused, defaults, args);
  }

  private Path squad(String name, String json) throws IOException {
    return Files.writeString(temp.resolve(name), json);
  }

  private static String squadJson(int questions, int mismatched) {
    StringBuilder qas = new StringBuilder();
    for (int i = 0; i < questions; i++) {
      int start = i < mismatched ? 3 : 4; // "The lighthouse": "lighthouse" starts at 4
      qas.append(i == 0 ? "" : ",").append("{\"id\":\"q").append(i)
          .append("\",\"question\":\"What stands on the rock?\",\"answers\":[{\"text\":\"lighthouse\",\"answer_start\":")
          .append(start).append("}]}");
    }
    return "{\"version\":\"1.1\",\"data\":[{\"title\":\"Varnholm\",\"paragraphs\":[{\"context\":"
        + "\"The lighthouse stands on the rock of Varnholm.\",\"qas\":[" + qas + "]},"
        + "{\"context\":\"The ferry leaves at nine.\",\"qas\":[]}]}]}";
  }

  private void assertOneLineFailure(Run run, int exitCode, String expected) {
    assertEquals(exitCode, run.exitCode(), run.err());
    String first = run.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith("docqa train: "), run.err());
    assertTrue(first.contains(expected), "expected \"" + expected + "\" in: " + first);
    assertTrue(!run.err().contains("\tat "), "stack trace on stderr: " + run.err());
  }

  private void assertNothingWritten(Path out) throws IOException {
    assertTrue(Files.notExists(out), out + " was created");
    Path checkpoints = out.resolveSibling(out.getFileName() + ".checkpoints");
    assertTrue(Files.notExists(checkpoints), checkpoints + " was created");
    try (Stream<Path> siblings = Files.list(out.toAbsolutePath().getParent())) {
      List<String> hidden = siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
      assertEquals(List.of(), hidden, "temporary folders left behind");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "no training file            | --out X                                    | needs at least one TRAIN.json",
    "no --out                    | TRAIN                                      | needs --out DIR",
    "missing file                | missing.json --out X                       | must be a readable file",
    "zero epochs                 | TRAIN --out X --epochs 0                   | --epochs must be a positive integer",
    "learning rate not a number  | TRAIN --out X --learning-rate fast         | --learning-rate must be a number",
    "unknown objective           | TRAIN --out X --objective magic            | --objective must be span or shared-norm",
    "distractors without it      | TRAIN --out X --distractors 3              | --distractors needs --objective shared-norm",
    "negatives above 1           | TRAIN --out X --negatives 1.5              | negatives must be in [0, 1]",
    "stride not below length     | TRAIN --out X --max-seq-length 64 --doc-stride 64 | docStride must be in [1, maxSeqLength)",
    "unknown device              | TRAIN --out X --device tpu                 | --device must be cpu or gpu",
    "benchmark with files        | TRAIN --benchmark                          | --benchmark takes no training files",
  })
  void usageErrorsExitTwo(String name, String arguments, String expected) throws IOException {
    Path train = squad("train.json", squadJson(3, 0));
    Path out = temp.resolve("X");
    List<String> args = new ArrayList<>(List.of("train"));
    for (String arg : arguments.trim().split("\\s+")) {
      args.add(switch (arg) {
        case "TRAIN" -> train.toString();
        case "X" -> out.toString();
        case "missing.json" -> temp.resolve("missing.json").toString();
        default -> arg;
      });
    }
    assertOneLineFailure(run(args.toArray(String[]::new)), Main.EXIT_USAGE, expected);
    assertNothingWritten(out);
  }

  @Test
  void badDataIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path out = temp.resolve("reader");
    assertOneLineFailure(run("train", squad("bad.json", "{\"data\": [").toString(), "--out", out.toString()),
        Main.EXIT_USAGE, "not a SQuAD JSON file");
    assertOneLineFailure(run("train", squad("empty.json", "{\"data\": []}").toString(), "--out", out.toString()),
        Main.EXIT_USAGE, "has no questions");
    // 2 of 100 answers (2%) do not match their answer_start: more than 1%, refused with the ids.
    Run mismatched = run("train", squad("mismatch.json", squadJson(100, 2)).toString(), "--out", out.toString());
    assertOneLineFailure(mismatched, Main.EXIT_USAGE, "2 of 100 answers do not match their answer_start");
    assertTrue(mismatched.err().contains("q0, q1"), mismatched.err());
    assertNothingWritten(out);
  }

  @Test
  void outputAndBaseProblemsAreOneLine() throws IOException {
    Path train = squad("train.json", squadJson(3, 0));
    Path occupied = Files.createDirectories(temp.resolve("occupied"));
    Files.writeString(occupied.resolve("keep.txt"), "mine");
    assertOneLineFailure(run("train", train.toString(), "--out", occupied.toString()), Main.EXIT_USAGE,
        "already exists and is not empty");
    assertEquals("mine", Files.readString(occupied.resolve("keep.txt")));

    Path file = Files.writeString(temp.resolve("plain-file"), "x");
    Path underFile = file.resolve("reader");
    assertOneLineFailure(run("train", train.toString(), "--out", underFile.toString()), Main.EXIT_USAGE,
        "cannot be written");

    Path out = temp.resolve("reader");
    assertOneLineFailure(run("train", train.toString(), "--out", out.toString(), "--base",
        temp.resolve("no-such-model").toString()), Main.EXIT_FAILURE, "does not exist");
    assertOneLineFailure(run("train", train.toString(), "--out", out.toString(), "--resume"), Main.EXIT_USAGE,
        "no checkpoint to resume");
    assertNothingWritten(out);
  }

  @Test
  void aShortRealRunEndsWithOneJsonLine() throws IOException {
    Path train = squad("train.json", squadJson(8, 0));
    Path out = temp.resolve("tiny-reader");
    Run run = run("train", train.toString(), "--out", out.toString(), "--base", "classpath:models/tiny-qa",
        "--max-steps", "2", "--batch-size", "4", "--max-seq-length", "64", "--doc-stride", "16", "--threads", "1",
        "--negatives", "0.5", "--json");
    assertEquals(Main.EXIT_OK, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(1, lines.size(), run.out());
    JsonNode summary = JSON.readTree(lines.get(0));
    assertEquals(out.toAbsolutePath().toString(), summary.get("out").asText());
    assertEquals(2, summary.get("steps").asInt());
    assertEquals(8, summary.get("examples").asInt() - countNegatives(run.err()));
    assertTrue(summary.get("windows_per_second").asDouble() > 0);
    assertTrue(Files.isRegularFile(out.resolve("tiny-reader.pt")));
    assertTrue(run.err().contains("train: stopping at step 2 (--max-steps)"), run.err());
  }

  private static int countNegatives(String err) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+) negatives\\)").matcher(err);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }
}
