package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.document.Passage;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/** {@code ask "QUESTION"}: answers from the index, or from one file read whole with {@code --context}. */
final class AskQuestion {

  /** Answers shown beyond the best. */
  static final int ALTERNATIVES = 3;

  private final Backend backend;
  private final PrintStream out;
  private final PrintStream err;

  AskQuestion(Backend backend, PrintStream out, PrintStream err) {
    this.backend = backend;
    this.out = out;
    this.err = err;
  }

  int run(AskArguments arguments) {
    Main.warnIfDefaultReader(arguments.settings(), err);
    AskResult result = arguments.context() == null ? askIndex(arguments) : askContext(arguments);
    if (arguments.json()) {
      out.println(JsonOutput.ask(result));
    } else {
      TextOutput.ask(result, out);
    }
    return Main.EXIT_OK;
  }

  private AskResult askIndex(AskArguments arguments) {
    try (DocQa docqa = backend.open(arguments.settings())) {
      return docqa.ask(new AskRequest(arguments.question(), arguments.settings().retrieval().topK(),
          arguments.settings().retrieval().mode(), null, ALTERNATIVES));
    }
  }

  private AskResult askContext(AskArguments arguments) {
    String text;
    try {
      text = Files.readString(arguments.context(), StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new DocqaException("--context needs a UTF-8 text file; " + arguments.context()
          + " is not (ingest PDF or DOCX files and ask without --context)", e);
    } catch (IOException e) {
      throw new DocqaException("cannot read " + arguments.context() + ": " + e.getMessage(), e);
    }
    try (ScratchIndex scratch = ScratchIndex.create();
        DocQa docqa = backend.open(scratch.settings(arguments.settings()))) {
      return docqa.read(
          arguments.question(), List.of(Passage.ofText(arguments.context().toString(), text)), ALTERNATIVES);
    }
  }
}
