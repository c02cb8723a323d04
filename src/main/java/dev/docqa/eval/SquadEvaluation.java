package dev.docqa.eval;

import dev.docqa.DocqaException;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.document.Passage;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs a SQuAD file through docqa and scores it.
 *
 * <ul>
 *   <li>{@link #openBook}: each article becomes one document (its paragraphs joined by a blank line), indexed into a
 *       fresh temporary index; every question goes through retrieval and reading, and the passages retrieved for it
 *       give recall@k.
 *   <li>{@link #goldParagraph}: each question is read against its own paragraph only, the SQuAD leaderboard setting.
 * </ul>
 *
 * <p>Questions run one at a time, so latencies are those of a single user. Immutable and thread-safe; each call owns its
 * temporary files and deletes them before returning.
 */
public final class SquadEvaluation {

  /** Separates paragraphs in an article's document. */
  static final String PARAGRAPH_SEPARATOR = "\n\n";

  /**
   * Opens docqa over an index kept in {@code emptyDirectory}, which the evaluation created and will delete; the
   * evaluation closes the returned docqa first.
   */
  @FunctionalInterface
  public interface IndexOpener {
    DocQa open(Path emptyDirectory);
  }

  /** Told after each question; called on the evaluating thread. */
  @FunctionalInterface
  public interface Progress {
    void questionsDone(int done, int total);
  }

  private final RetrievalSettings retrieval;
  private final Progress progress;

  public SquadEvaluation(RetrievalSettings retrieval, Progress progress) {
    this.retrieval = Objects.requireNonNull(retrieval, "retrieval");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** Open mode: index every article, then ask every question through retrieval and reading. */
  public EvalReport openBook(SquadDataset dataset, IndexOpener opener) {
    Path workspace = createWorkspace();
    RuntimeException failure = null;
    try {
      List<ArticleDocument> documents = writeDocuments(dataset, workspace.resolve("documents"));
      Path indexDirectory = Files.createDirectories(workspace.resolve("index"));
      try (DocQa qa = opener.open(indexDirectory)) {
        List<DocumentSource> sources =
            documents.stream().map(d -> new DocumentSource(d.id(), d.file(), "1")).toList();
        for (IngestOutcome outcome : qa.ingestAll(sources)) {
          if (outcome.status() == IngestOutcome.Status.FAILED || outcome.status() == IngestOutcome.Status.ERROR) {
            throw new DocqaException("could not index SQuAD article " + outcome.documentId() + ": " + outcome.error());
          }
        }
        return askAll(dataset, documents, qa);
      }
    } catch (IOException e) {
      failure = new DocqaException("cannot write the evaluation workspace " + workspace + ": " + e.getMessage(), e);
      throw failure;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      deleteRecursively(workspace, failure);
    }
  }

  /**
   * Gold mode: read each question against its own paragraph with {@link DocQa#read}; nothing is indexed or retrieved.
   * The caller owns {@code docqa}.
   */
  public EvalReport goldParagraph(SquadDataset dataset, DocQa docqa) {
    return goldParagraph(dataset, (question, context) -> predictedText(docqa.read(question, List.of(context), 0)));
  }

  /** Reads one question against one passage and returns the best answer's text, {@code ""} for no answer. */
  @FunctionalInterface
  public interface ParagraphReader {
    String answer(String question, Passage context);
  }

  /** Gold mode through any reader: the trainer scores its own model with this, the CLI the service's reader. */
  public EvalReport goldParagraph(SquadDataset dataset, ParagraphReader reader) {
    ScoreSheet sheet = new ScoreSheet(dataset.scoring());
    int total = dataset.questions().size();
    int done = 0;
    int articleNumber = 0;
    for (SquadDataset.Article article : dataset.articles()) {
      articleNumber++;
      int paragraphNumber = 0;
      for (SquadDataset.Paragraph paragraph : article.paragraphs()) {
        paragraphNumber++;
        Passage context = Passage.ofText(documentId(articleNumber, article) + "#" + paragraphNumber, paragraph.context());
        for (SquadDataset.Question question : paragraph.questions()) {
          long started = System.nanoTime();
          String prediction = reader.answer(question.text(), context);
          sheet.add(question, prediction, millisSince(started), null);
          progress.questionsDone(++done, total);
        }
      }
    }
    return sheet.report("gold", 1);
  }

  private EvalReport askAll(SquadDataset dataset, List<ArticleDocument> documents, DocQa qa) {
    ScoreSheet sheet = new ScoreSheet(dataset.scoring());
    int recallDepth = EvalReport.RECALL_DEPTHS.getLast();
    int total = dataset.questions().size();
    int done = 0;
    for (ArticleDocument document : documents) {
      List<SquadDataset.Paragraph> paragraphs = document.article().paragraphs();
      for (int p = 0; p < paragraphs.size(); p++) {
        for (SquadDataset.Question question : paragraphs.get(p).questions()) {
          long started = System.nanoTime();
          AskResult result =
              qa.ask(new AskRequest(question.text(), retrieval.topK(), retrieval.mode(), null, 0));
          double latencyMs = millisSince(started);
          Integer goldRank = null;
          if (question.answerable()) {
            List<Passage> retrieved = qa.retrieve(question.text(), recallDepth, retrieval.mode());
            goldRank = goldRank(retrieved, document, document.paragraphStarts().get(p), question);
          }
          sheet.add(question, predictedText(result), latencyMs, goldRank);
          progress.questionsDone(++done, total);
        }
      }
    }
    return sheet.report(retrieval.mode().id(), retrieval.topK());
  }

  /**
   * 1-based rank of the first passage that holds a gold answer span, by document offsets or, where extraction moved the
   * text, by the answer's text; 0 when none does.
   */
  static int goldRank(
      List<Passage> retrieved, ArticleDocument document, int paragraphStart, SquadDataset.Question question) {
    for (int rank = 1; rank <= retrieved.size(); rank++) {
      Passage passage = retrieved.get(rank - 1);
      for (SquadDataset.GoldAnswer answer : question.answers()) {
        boolean byOffsets = passage.documentId().equals(document.id())
            && passage.start() <= paragraphStart + answer.start()
            && paragraphStart + answer.end() <= passage.end();
        boolean byText = !answer.text().isBlank() && passage.text().contains(answer.text());
        if (byOffsets || byText) {
          return rank;
        }
      }
    }
    return 0;
  }

  /**
   * One article written as a text document.
   *
   * @param paragraphStarts code-point offset of each paragraph in the document text
   */
  record ArticleDocument(String id, Path file, SquadDataset.Article article, List<Integer> paragraphStarts) {
    ArticleDocument {
      paragraphStarts = List.copyOf(paragraphStarts);
    }
  }

  static List<ArticleDocument> writeDocuments(SquadDataset dataset, Path directory) throws IOException {
    Files.createDirectories(directory);
    List<ArticleDocument> documents = new ArrayList<>();
    int articleNumber = 0;
    for (SquadDataset.Article article : dataset.articles()) {
      articleNumber++;
      StringBuilder text = new StringBuilder();
      List<Integer> starts = new ArrayList<>();
      int offset = 0;
      for (int p = 0; p < article.paragraphs().size(); p++) {
        if (p > 0) {
          text.append(PARAGRAPH_SEPARATOR);
          offset += PARAGRAPH_SEPARATOR.length();
        }
        String context = article.paragraphs().get(p).context();
        starts.add(offset);
        text.append(context);
        offset += context.codePointCount(0, context.length());
      }
      String id = documentId(articleNumber, article);
      Path file = Files.writeString(directory.resolve(id), text, StandardCharsets.UTF_8);
      documents.add(new ArticleDocument(id, file, article, starts));
    }
    return documents;
  }

  /** A stable, file-name-safe id: the article's number and title, e.g. {@code 0007-Super_Bowl_50.txt}. */
  static String documentId(int articleNumber, SquadDataset.Article article) {
    String slug = article.title().replaceAll("[^\\p{Alnum}_.-]+", "_").replaceAll("^[_.]+|[_.]+$", "");
    return String.format("%04d%s.txt", articleNumber, slug.isEmpty() ? "" : "-" + slug);
  }

  private static String predictedText(AskResult result) {
    return result.answer() == null ? "" : result.answer().text();
  }

  private static double millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e6;
  }

  private static Path createWorkspace() {
    try {
      return Files.createTempDirectory("docqa-eval-");
    } catch (IOException e) {
      throw new DocqaException("cannot create a temporary folder for the evaluation index: " + e.getMessage(), e);
    }
  }

  /** Deletes the workspace; a failure to do so joins {@code pending} (the run's own failure) rather than hiding it. */
  private static void deleteRecursively(Path root, RuntimeException pending) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      DocqaException cleanup = new DocqaException("cannot delete the evaluation workspace " + root, e);
      if (pending == null) {
        throw cleanup;
      }
      pending.addSuppressed(cleanup);
    }
  }
}
