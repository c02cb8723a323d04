package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code ask}.
 *
 * @param context a file to read as the only context, no retrieval; {@code null} to ask the index
 * @param json print one JSON object on one line instead of text
 */
record AskArguments(String question, Path context, boolean json, DocqaSettings settings) {

  static final String USAGE = """
      usage: docqa ask "QUESTION" [--index DIR | --context FILE] [--top-k N] [--reader MODEL] [--embedder MODEL]
                       [--retriever bm25|dense|hybrid] [--no-answer [--null-threshold X]] [--json]
        Answers from the index, or from one UTF-8 text file read whole (--context, no retrieval).
        --index DIR        data folder (store/ + cache/) or s3://bucket/prefix; default docqa-data
        --context FILE     read this file as the context instead of searching the index
        --top-k N          passages retrieved and read; default 5
        --reader MODEL     reader model folder, s3://bucket/prefix or djl:// id; default: built-in test model
        --embedder MODEL   dense embedder; default builtin:all-minilm-l6-v2
        --retriever MODE   bm25, dense or hybrid; default hybrid
        --no-answer        answer "no answer" when the reader's null score beats its best span (SQuAD 2.0 rule)
        --null-threshold X by more than X; default: the reader's calibrated threshold (serving.properties), else 0
        --json             one JSON object on one line""";

  static final String CONTEXT = "--context";
  static final String JSON = "--json";

  static AskArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line = CommandLine.parse(
        args,
        Set.of(SettingsFlags.INDEX, CONTEXT, SettingsFlags.TOP_K, SettingsFlags.READER, SettingsFlags.EMBEDDER,
            SettingsFlags.RETRIEVER, SettingsFlags.NULL_THRESHOLD),
        Set.of(JSON, SettingsFlags.NO_ANSWER));
    if (line.positionals().size() != 1) {
      throw new UsageException(line.positionals().isEmpty()
          ? "ask needs a QUESTION"
          : "ask takes one QUESTION (quote it); got " + line.positionals().size() + " arguments: "
              + String.join(" ", line.positionals()));
    }
    String question = line.positionals().getFirst();
    if (question.isBlank()) {
      throw new UsageException("QUESTION must not be blank");
    }
    Path context = null;
    if (line.value(CONTEXT).isPresent()) {
      line.reject(
          List.of(SettingsFlags.INDEX, SettingsFlags.TOP_K, SettingsFlags.RETRIEVER, SettingsFlags.EMBEDDER),
          "with --context (the file is read whole, nothing is retrieved)");
      context = Path.of(line.value(CONTEXT).get());
      if (!Files.isRegularFile(context)) {
        throw new UsageException("--context must name a readable file; --context=" + context);
      }
    }
    return new AskArguments(question, context, line.has(JSON), SettingsFlags.apply(line, defaults));
  }
}
