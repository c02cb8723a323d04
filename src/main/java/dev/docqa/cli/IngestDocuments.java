package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code ingest PATH...}: indexes files and folders (recursively) in batches of {@value #BATCH_SIZE} files per index
 * commit, one progress line per file on stderr, a summary on stdout. A file that fails is reported and skipped; the
 * exit code is 1 when any did.
 */
final class IngestDocuments {

  /**
   * Files per index commit: one commit (and one publish) per batch instead of per file, while a failed commit costs a
   * retry of at most this many files and progress still shows every few seconds.
   */
  static final int BATCH_SIZE = 16;

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
    for (Path path : arguments.paths()) {
      if (Files.isDirectory(path)) {
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
    long started = System.nanoTime();
    if (!sources.isEmpty()) {
      try (DocQa docqa = backend.open(arguments.settings())) {
        started = System.nanoTime(); // the rate of indexing, not of loading models
        Progress progress = new Progress(sources.size(), tally, started);
        List<Source> batch = new ArrayList<>();
        for (Source source : sources) {
          if (batch.size() == BATCH_SIZE || batch.stream().anyMatch(s -> s.documentId().equals(source.documentId()))) {
            ingest(docqa, batch, progress);
            batch.clear();
          }
          batch.add(source);
        }
        ingest(docqa, batch, progress);
      }
    }
    out.printf(Locale.ROOT, "%d files: %d indexed, %d unchanged, %d failed; %d passages in %.1f s (%.1f passages/s)%n",
        tally.files(), tally.indexed, tally.unchanged, tally.failed, tally.passages,
        (System.nanoTime() - started) / 1e9, tally.perSecond(started));
    return tally.failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
  }

  /** Counts of one run; passages are those newly indexed. */
  private static final class Tally {
    int indexed;
    int unchanged;
    int failed;
    long passages;

    void add(IngestOutcome outcome) {
      switch (outcome.status()) {
        case INDEXED -> {
          indexed++;
          passages += outcome.passages();
        }
        case UNCHANGED -> unchanged++;
        case FAILED, ERROR -> failed++;
      }
    }

    int files() {
      return indexed + unchanged + failed;
    }

    double perSecond(long startedNanos) {
      return passages / Math.max((System.nanoTime() - startedNanos) / 1e9, 1e-9);
    }
  }

  /** Ingests one batch (one index commit) and reports each file of it. */
  private void ingest(DocQa docqa, List<Source> batch, Progress progress) {
    List<IngestOutcome> outcomes = new ArrayList<>();
    List<DocumentSource> documents = new ArrayList<>();
    for (Source source : batch) {
      try {
        documents.add(new DocumentSource(source.documentId(), source.file(),
            Files.getLastModifiedTime(source.file()).toString()));
      } catch (IOException | UncheckedIOException e) {
        progress.report(failed(source.documentId(), e));
      }
    }
    try {
      outcomes.addAll(docqa.ingestAll(documents));
    } catch (DocqaException | UncheckedIOException e) {
      // The batch's commit failed as a whole: every file of it is reported with the cause, the others go on.
      documents.forEach(document -> outcomes.add(failed(document.documentId(), e)));
    }
    outcomes.forEach(progress::report);
  }

  private static IngestOutcome failed(String documentId, Exception e) {
    return new IngestOutcome(documentId, IngestOutcome.Status.FAILED, 0, Main.oneLine(e));
  }

  /** Prints one progress line per file, counting as it goes. */
  private final class Progress {
    private final int total;
    private final Tally tally;
    private final long started;
    private int done;

    Progress(int total, Tally tally, long started) {
      this.total = total;
      this.tally = tally;
      this.started = started;
    }

    void report(IngestOutcome outcome) {
      tally.add(outcome);
      err.printf(Locale.ROOT, "[%d/%d] %s: %s (%d passages so far, %.1f passages/s)%n", ++done, total,
          outcome.documentId(), describe(outcome), tally.passages, tally.perSecond(started));
    }
  }

  private static String describe(IngestOutcome outcome) {
    return switch (outcome.status()) {
      case INDEXED -> "indexed " + outcome.passages() + " passages";
      case UNCHANGED -> "unchanged";
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
