package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.document.Passage;
import dev.docqa.index.EmptyIndexException;
import dev.docqa.ingestion.DocumentExtractor;
import dev.docqa.ingestion.ExtractedDocument;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ask "QUESTION"}: answers from the index, or from one file read whole with {@code --context} (any type
 * {@code ingest} reads; a paged document is read page by page, so answers name their page).
 */
final class AskQuestion {

  private final Backend backend;
  private final PrintStream out;
  private final PrintStream err;

  AskQuestion(Backend backend, PrintStream out, PrintStream err) {
    this.backend = backend;
    this.out = out;
    this.err = err;
  }

  int run(AskArguments arguments) {
    AskResult result = arguments.context() == null ? askIndex(arguments) : askContext(arguments);
    if (arguments.json()) {
      out.println(JsonOutput.ask(result, arguments.request().includePassages()));
    } else {
      TextOutput.ask(result, arguments.request().includePassages(), out);
    }
    return Main.EXIT_OK;
  }

  private AskResult askIndex(AskArguments arguments) {
    IndexLocation.requireExisting(arguments.settings());
    try (DocQa docqa = backend.open(arguments.settings())) {
      return docqa.ask(arguments.request());
    } catch (EmptyIndexException e) {
      throw new DocqaException("the index at " + IndexLocation.describe(arguments.settings())
          + " holds no documents: ingest documents there first", e);
    }
  }

  private AskResult askContext(AskArguments arguments) {
    String id = arguments.context().toString();
    ExtractedDocument document;
    try (DocumentExtractor extractor = new DocumentExtractor(arguments.settings().ingest())) {
      document = extractor.extract(id, arguments.context());
    }
    AskRequest request = arguments.request();
    try (ScratchIndex scratch = ScratchIndex.create();
        DocQa docqa = backend.open(scratch.settings(arguments.settings()))) {
      return docqa.read(request.question(), pages(id, document), request.alternatives(), request.maxAnswerLength());
    }
  }

  /** The document as one passage per page (or one passage when it has no pages), offsets into its whole text. */
  static List<Passage> pages(String id, ExtractedDocument document) {
    String text = document.text();
    int length = text.codePointCount(0, text.length());
    if (document.pageCount() == 0) {
      return List.of(Passage.ofText(id, text));
    }
    List<Passage> passages = new ArrayList<>();
    List<Integer> starts = document.pageStarts();
    for (int page = 0; page < starts.size(); page++) {
      int start = page == 0 ? 0 : starts.get(page);
      int end = page + 1 < starts.size() ? starts.get(page + 1) : length;
      if (end <= start) {
        continue;
      }
      int from = text.offsetByCodePoints(0, start);
      String pageText = text.substring(from, text.offsetByCodePoints(from, end - start));
      if (!pageText.isBlank()) {
        passages.add(new Passage(id, passages.size(), pageText, start, end, page + 1));
      }
    }
    return passages;
  }
}
