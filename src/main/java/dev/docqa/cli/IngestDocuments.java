package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestListener;
import dev.docqa.service.IngestOutcome;
import dev.docqa.service.Origins;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ingest PATH... [--prune]}: indexes files and folders (recursively) in batches of {@value #BATCH_SIZE} files
 * per index commit, with progress on stderr as each file is embedded (and within a large file) and as each batch is
 * committed, and a summary on stdout. A file that fails is reported and skipped; the exit code is 1 when any
 * did. Two files that would get one id: the second is refused, naming the first. Afterwards, the documents that came
 * from a folder named here and whose files are gone are deleted ({@code --prune}) or listed.
 */
final class IngestDocuments {

  /**
   * Files per index commit: one commit (and one publish) per batch instead of per file, while a failed commit costs a
   * retry of at most this many files.
   */
  static final int BATCH_SIZE = 16;

  /** Least time between two progress lines within one file. */
  private static final long WITHIN_FILE_INTERVAL_NANOS = 2_000_000_000L;

  private final Backend backend;
  private final PrintStream out;
  private final PrintStream err;

  IngestDocuments(Backend backend, PrintStream out, PrintStream err) {
    this.backend = backend;
    this.out = out;
    this.err = err;
  }

  /**
   * One file to ingest.
   *
   * @param documentId the path relative to the folder given on the command line ({@code /}-separated), or the file name
   *     for a file given directly
   */
  record Source(String documentId, Path file) {}

  int run(IngestArguments arguments) {
    Tally tally = new Tally();
    List<Source> sources = new ArrayList<>();
    List<Path> folders = new ArrayList<>();
    for (Path path : arguments.paths()) {
      if (Files.isDirectory(path)) {
        folders.add(path);
        try {
          sources.addAll(walk(path));
        } catch (UncheckedIOException e) {
          tally.failed++;
          err.println("docqa ingest: " + Main.oneLine(e));
        }
      } else if (Files.isRegularFile(path)) {
        sources.add(new Source(path.getFileName().toString(), path));
      } else {
        tally.failed++;
        err.println("docqa ingest: no such file or folder: " + path);
      }
    }
    if (arguments.prune() && folders.isEmpty()) {
      err.println("docqa ingest: --prune looks for files gone from the folders named, and no folder was named");
    }
    long started = System.nanoTime();
    if (!sources.isEmpty() || (arguments.prune() && !folders.isEmpty())) {
      try (DocQa docqa = backend.open(arguments.settings())) {
        started = System.nanoTime(); // the rate of indexing, not of loading models
        Progress progress = new Progress(sources.size(), tally, started);
        List<DocumentSource> batch = new ArrayList<>();
        Map<String, Path> files = new HashMap<>();
        for (Source source : sources) {
          DocumentSource document;
          try {
            document = documentSource(source, files, arguments.replace());
          } catch (DocqaException | IOException | UncheckedIOException e) {
            progress.report(failed(source.documentId(), e));
            continue;
          }
          if (document == null) {
            progress.report(new IngestOutcome(source.documentId(), IngestOutcome.Status.DUPLICATE, 0,
                source.documentId() + " (named twice)"));
            continue;
          }
          if (batch.size() == BATCH_SIZE) {
            ingest(docqa, batch, progress);
            batch.clear();
          }
          batch.add(document);
        }
        ingest(docqa, batch, progress);
        missingFiles(docqa, folders, arguments.prune(), tally);
      }
    }
    out.printf(Locale.ROOT, "%s: %d indexed, %d unchanged, %s%d failed; %s in %.1f s (%.1f passages/s)%s%n",
        Plural.of(tally.files(), "file"), tally.indexed, tally.unchanged,
        tally.duplicates == 0 ? "" : tally.duplicates + " already indexed under another id, ", tally.failed,
        Plural.of(tally.passages, "passage"), (System.nanoTime() - started) / 1e9, tally.perSecond(started),
        tally.pruned == 0 ? "" : "; " + Plural.of(tally.pruned, "document") + " pruned");
    return tally.failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
  }

  /**
   * The document for {@code source}, refused when an earlier file of this run has its id, {@code null} when the same
   * file was named earlier: {@code files} maps the ids seen so far to their files.
   */
  private static DocumentSource documentSource(Source source, Map<String, Path> files, boolean replace)
      throws IOException {
    Path earlier = files.putIfAbsent(source.documentId(), source.file());
    if (earlier != null && Files.isSameFile(earlier, source.file())) {
      return null;
    }
    if (earlier != null) {
      throw new DocqaException("document id " + source.documentId() + " is also the id of " + earlier + "; "
          + source.file() + " is another file (ingest both from their common parent folder, or rename one)");
    }
    return new DocumentSource(source.documentId(), source.file(),
        Files.getLastModifiedTime(source.file()).toString(), Origins.ofFile(source.file()), replace);
  }

  /** Deletes ({@code prune}) or reports the documents from {@code folders} whose files are gone. */
  private void missingFiles(DocQa docqa, List<Path> folders, boolean prune, Tally tally) {
    for (Path folder : folders) {
      List<String> missing = docqa.missingSources(folder).stream().map(IndexedDocument::documentId).toList();
      if (missing.isEmpty()) {
        continue;
      }
      if (prune) {
        List<String> deleted = docqa.deleteAll(missing);
        tally.pruned += deleted.size();
        deleted.forEach(id -> err.println("docqa ingest: pruned " + id + " (its file in " + folder + " is gone)"));
      } else {
        err.println("docqa ingest: " + Plural.of(missing.size(), "indexed document") + " from " + folder
            + " no longer " + (missing.size() == 1 ? "has its file" : "have their files")
            + " (ingest with --prune to delete them): " + String.join(", ", missing));
      }
    }
  }

  /** Counts of one run; passages are those newly indexed. */
  private static final class Tally {
    int indexed;
    int unchanged;
    int duplicates;
    int failed;
    int pruned;
    long passages;

    void add(IngestOutcome outcome) {
      switch (outcome.status()) {
        case INDEXED -> {
          indexed++;
          passages += outcome.passages();
        }
        // STALE needs an event sequencer, which the command line never gives; it changed nothing, like UNCHANGED.
        case UNCHANGED, STALE -> unchanged++;
        case DUPLICATE -> duplicates++;
        case FAILED, ERROR -> failed++;
      }
    }

    int files() {
      return indexed + unchanged + duplicates + failed;
    }

    double perSecond(long startedNanos) {
      return passages / Math.max((System.nanoTime() - startedNanos) / 1e9, 1e-9);
    }
  }

  /** Ingests one batch (one index commit); each file is reported as soon as its work is done. */
  private void ingest(DocQa docqa, List<DocumentSource> batch, Progress progress) {
    if (batch.isEmpty()) {
      return;
    }
    List<IngestOutcome> outcomes;
    try {
      outcomes = docqa.ingestAll(batch, progress);
    } catch (DocqaException | UncheckedIOException e) {
      // The batch's commit failed as a whole: every file of it is reported with the cause, the others go on.
      outcomes = batch.stream().map(document -> failed(document.documentId(), e)).toList();
    }
    outcomes.forEach(progress::settle);
  }

  private static IngestOutcome failed(String documentId, Exception e) {
    return new IngestOutcome(documentId, IngestOutcome.Status.FAILED, 0, Main.oneLine(e));
  }

  /**
   * Prints a file's progress as it happens: while a large file's passages are embedded (every few seconds), when its
   * work is done ({@code N passages embedded}, or its final outcome when nothing is to be written), and when its batch
   * is committed ({@code indexed N passages}: only then is it in the index). Each file keeps its number across its
   * lines. Rates are passages embedded over the time since the models were loaded. The summary counts final outcomes.
   */
  private final class Progress implements IngestListener {
    private final int total;
    private final Tally tally;
    private final long started;
    /** Files whose work is done, by id: their number and the outcome printed for them. */
    private final Map<String, Numbered> prepared = new HashMap<>();
    private long embeddedBefore;
    private long embeddedNow;
    private long lastWithinFile;
    private int numbered;

    private record Numbered(int number, IngestOutcome outcome) {}

    Progress(int total, Tally tally, long started) {
      this.total = total;
      this.tally = tally;
      this.started = started;
      this.lastWithinFile = started;
    }

    @Override
    public void embedded(String documentId, int embedded, int passages) {
      embeddedNow = embeddedBefore + embedded;
      long now = System.nanoTime();
      if (embedded < passages && now - lastWithinFile >= WITHIN_FILE_INTERVAL_NANOS) {
        lastWithinFile = now;
        err.printf(Locale.ROOT, "[%d/%d] %s: %d of %d passages embedded (%.1f passages/s)%n", numbered + 1, total,
            documentId, embedded, passages, rate());
      }
    }

    @Override
    public void prepared(IngestOutcome outcome) {
      int number = ++numbered;
      prepared.put(outcome.documentId(), new Numbered(number, outcome));
      if (outcome.status() == IngestOutcome.Status.INDEXED) {
        embeddedBefore += outcome.passages();
        embeddedNow = embeddedBefore;
        err.printf(Locale.ROOT, "[%d/%d] %s: %s embedded (%.1f passages/s)%n", number, total, outcome.documentId(),
            Plural.of(outcome.passages(), "passage"), rate());
      } else {
        err.printf(Locale.ROOT, "[%d/%d] %s: %s%n", number, total, outcome.documentId(), describe(outcome));
      }
    }

    /** Counts the final outcome; prints it unless the line printed for the file already said it. */
    void settle(IngestOutcome outcome) {
      tally.add(outcome);
      Numbered shown = prepared.remove(outcome.documentId());
      if (shown == null) {
        err.printf(Locale.ROOT, "[%d/%d] %s: %s%n", ++numbered, total, outcome.documentId(), describe(outcome));
      } else if (shown.outcome().status() == IngestOutcome.Status.INDEXED
          || shown.outcome().status() != outcome.status()) {
        err.printf(Locale.ROOT, "[%d/%d] %s: %s%n", shown.number(), total, outcome.documentId(), describe(outcome));
      }
    }

    /** A file refused before it reached the core. */
    void report(IngestOutcome outcome) {
      settle(outcome);
    }

    private double rate() {
      return embeddedNow / Math.max((System.nanoTime() - started) / 1e9, 1e-9);
    }
  }

  private static String describe(IngestOutcome outcome) {
    return switch (outcome.status()) {
      case INDEXED -> "indexed " + Plural.of(outcome.passages(), "passage");
      case UNCHANGED -> "unchanged";
      case STALE -> "skipped: the index holds a newer change (sequencer " + outcome.error() + ")";
      case DUPLICATE -> "skipped: the same file is already indexed as " + outcome.error();
      case FAILED -> "FAILED: " + outcome.error();
      case ERROR -> "ERROR (retry may help): " + outcome.error();
    };
  }

  /** Regular files under {@code root}, in path order, skipping hidden files and folders. */
  static List<Source> walk(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(path -> !hidden(root.relativize(path)))
          .sorted()
          .map(path -> new Source(documentId(root.relativize(path)), path))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String documentId(Path relative) {
    List<String> parts = new ArrayList<>();
    relative.forEach(part -> parts.add(part.toString()));
    return String.join("/", parts);
  }
}
