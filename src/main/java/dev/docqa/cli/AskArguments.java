package dev.docqa.cli;

import dev.docqa.InvalidInputException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.service.AskRequest;
import dev.docqa.service.QuestionRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code ask}. The question and its options follow the same rules as the {@code ask} function's
 * ({@link QuestionRules}).
 *
 * @param request the question and its options (top-k and retriever as configured unless given)
 * @param context a file to read as the only context, no retrieval; {@code null} to ask the index
 * @param json print one JSON object on one line instead of text
 */
record AskArguments(AskRequest request, Path context, boolean json, DocqaSettings settings) {

  static final String USAGE = """
      usage: docqa ask "QUESTION" [--index DIR | --context FILE] [--top-k N] [--reader MODEL] [--embedder MODEL]
                       [--retriever bm25|dense|hybrid] [--document-prefix PREFIX] [--alternatives N]
                       [--max-answer-length N] [--no-answer [--null-threshold X]] [--show-passages] [--json]
        Answers from the index, or from one file read whole (--context, no retrieval).
        --index DIR             data folder (store/ + cache/), s3://bucket/prefix or
                                opensearch+http(s)://HOST:PORT/INDEX; default docqa-data
        --context FILE          read this file (any type ingest reads) instead of searching the index
        --top-k N               passages retrieved and read; default 5
        --reader MODEL          reader model folder, s3://bucket/prefix or djl:// id; default: docqa's trained reader
        --embedder MODEL        dense embedder; default builtin:all-minilm-l6-v2
        --retriever MODE        bm25, dense or hybrid; default hybrid
        --document-prefix P     only documents whose id starts with P (e.g. reports/)
        --alternatives N        answers shown beyond the best, 0-20; default 3
        --max-answer-length N   longest answer in reader tokens, 1-200; default 15
        --no-answer             answer "no answer" when the reader's null score beats its best span (SQuAD 2.0 rule)
        --null-threshold X      by more than X; default: the reader's calibrated threshold (serving.properties), else 0
        --show-passages         also show the retrieved passages with their retrieval scores
        --json                  one JSON object on one line""";

  static final String CONTEXT = "--context";
  static final String JSON = "--json";
  static final String DOCUMENT_PREFIX = "--document-prefix";
  static final String ALTERNATIVES = "--alternatives";
  static final String MAX_ANSWER_LENGTH = "--max-answer-length";
  static final String SHOW_PASSAGES = "--show-passages";

  /** The question, for callers that only need it. */
  String question() {
    return request.question();
  }

  static AskArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line = CommandLine.parse(
        args,
        Set.of(SettingsFlags.INDEX, CONTEXT, SettingsFlags.TOP_K, SettingsFlags.READER, SettingsFlags.EMBEDDER,
            SettingsFlags.RETRIEVER, SettingsFlags.NULL_THRESHOLD, DOCUMENT_PREFIX, ALTERNATIVES, MAX_ANSWER_LENGTH),
        Set.of(JSON, SettingsFlags.NO_ANSWER, SHOW_PASSAGES));
    if (line.positionals().size() != 1) {
      throw new UsageException(line.positionals().isEmpty()
          ? "ask needs a QUESTION"
          : "ask takes one QUESTION (quote it); got " + line.positionals().size() + " arguments: "
              + String.join(" ", line.positionals()));
    }
    Path context = null;
    if (line.value(CONTEXT).isPresent()) {
      line.reject(
          List.of(SettingsFlags.INDEX, SettingsFlags.TOP_K, SettingsFlags.RETRIEVER, SettingsFlags.EMBEDDER,
              DOCUMENT_PREFIX, SHOW_PASSAGES),
          "with --context (the file is read whole, nothing is retrieved)");
      context = Path.of(line.value(CONTEXT).get());
      if (!Files.isRegularFile(context)) {
        throw new UsageException("--context must name a readable file; --context=" + context);
      }
    }
    DocqaSettings settings = SettingsFlags.apply(line, defaults);
    Integer alternatives = line.value(ALTERNATIVES).isPresent()
        ? integer(ALTERNATIVES, line.value(ALTERNATIVES).get()) : null;
    Integer maxAnswerLength = line.value(MAX_ANSWER_LENGTH).isPresent()
        ? integer(MAX_ANSWER_LENGTH, line.value(MAX_ANSWER_LENGTH).get()) : null;
    AskRequest request;
    try {
      request = QuestionRules.request(line.positionals().getFirst(), settings.retrieval().topK(),
          settings.retrieval().mode().id(), line.value(DOCUMENT_PREFIX).orElse(null),
          alternatives, null, null, maxAnswerLength, line.has(SHOW_PASSAGES));
    } catch (InvalidInputException e) {
      throw new UsageException(e.getMessage(), e);
    }
    return new AskArguments(request, context, line.has(JSON), settings);
  }

  private static int integer(String flag, String value) throws UsageException {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be an integer; " + flag + "=" + value, e);
    }
  }
}
