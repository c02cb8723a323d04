package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.IndexSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code eval}.
 *
 * @param gold read each question's own paragraph instead of retrieving from an index of all articles
 * @param calibrate calibrate the reader folder's no-answer threshold on the file instead of scoring it
 * @param json print one JSON object on one line instead of text
 */
record EvalArguments(Path squadFile, boolean gold, boolean calibrate, boolean json, DocqaSettings settings) {

  static final String USAGE = """
      usage: docqa eval SQUAD.json [--gold] [--top-k N] [--reader MODEL] [--embedder MODEL]
                        [--retriever bm25|dense|hybrid] [--no-answer [--null-threshold X]]
                        [--index opensearch+http(s)://HOST:PORT/INDEX] [--json]
             docqa eval SQUAD.json --calibrate --reader DIR [--json]
        Scores a SQuAD v1.1/v2.0 file: EM and F1 as the official scripts, recall@1/5/10/20, latency p50/p95.
        Default (open) mode indexes each article as one document in a temporary index and asks every question.
        --gold             read each question's own paragraph only (the SQuAD leaderboard setting)
        --index LOCATION   open mode on this new, empty OpenSearch index instead of a temporary embedded one
        --top-k N          passages retrieved and read; default 5
        --reader MODEL     reader model folder, s3://bucket/prefix or djl:// id; default: docqa's trained reader
        --embedder MODEL   dense embedder; default builtin:all-minilm-l6-v2
        --retriever MODE   bm25, dense or hybrid; default hybrid
        --no-answer        let the reader answer "no answer" (SQuAD 2.0 files score it)
        --null-threshold X margin the null score must win by; default: the reader's calibrated threshold, else 0
        --calibrate        find the no-answer threshold of the reader folder DIR on this file (each question read
                           against its own paragraph and against one of the same article without its answer; the
                           threshold with the best SQuAD 2.0 F1) and record it in DIR/serving.properties as the
                           default of --no-answer
        --json             one JSON object on one line""";

  static final String GOLD = "--gold";
  static final String JSON = "--json";
  static final String CALIBRATE = "--calibrate";

  static EvalArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line = CommandLine.parse(
        args,
        Set.of(SettingsFlags.TOP_K, SettingsFlags.READER, SettingsFlags.EMBEDDER, SettingsFlags.RETRIEVER,
            SettingsFlags.NULL_THRESHOLD, SettingsFlags.INDEX),
        Set.of(GOLD, JSON, CALIBRATE, SettingsFlags.NO_ANSWER));
    if (line.positionals().size() != 1) {
      throw new UsageException("eval takes one SQUAD.json file; got " + line.positionals().size());
    }
    if (line.has(GOLD)) {
      line.reject(List.of(SettingsFlags.TOP_K, SettingsFlags.RETRIEVER, SettingsFlags.EMBEDDER, SettingsFlags.INDEX),
          "with --gold (each question's own paragraph is read, nothing is retrieved)");
    }
    if (line.has(CALIBRATE)) {
      line.reject(List.of(GOLD, SettingsFlags.TOP_K, SettingsFlags.RETRIEVER, SettingsFlags.EMBEDDER,
          SettingsFlags.INDEX, SettingsFlags.NO_ANSWER, SettingsFlags.NULL_THRESHOLD),
          "with --calibrate (it reads each question's own paragraph and finds the threshold itself)");
      String reader = line.value(SettingsFlags.READER).orElseThrow(() -> new UsageException(
          "--calibrate records the threshold in a reader folder: name it with --reader DIR"));
      if (!Files.isRegularFile(Path.of(reader).resolve("serving.properties"))) {
        throw new UsageException("--calibrate needs --reader to be a local reader folder with a serving.properties; got "
            + reader);
      }
    }
    if (line.value(SettingsFlags.INDEX).filter(index -> !index.startsWith(IndexSettings.OPENSEARCH_SCHEME)).isPresent()) {
      throw new UsageException("eval's --index names an OpenSearch index (opensearch+http(s)://...); the embedded "
          + "index of an evaluation is always a temporary one");
    }
    Path file = Path.of(line.positionals().getFirst());
    if (!Files.isRegularFile(file)) {
      throw new UsageException("SQUAD.json must be a readable file; got " + file);
    }
    return new EvalArguments(file, line.has(GOLD), line.has(CALIBRATE), line.has(JSON),
        SettingsFlags.apply(line, defaults));
  }
}
