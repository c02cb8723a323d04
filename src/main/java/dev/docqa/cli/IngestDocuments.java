package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.service.DocQa;
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
 * {@code ingest PATH...}: indexes files and folders (recursively), one progress line per file on stderr, a summary on
 * stdout. A file that fails is reported and skipped; the exit code is 1 when any did.
 */
final class IngestDocuments {

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
        int done = 0;
        for (Source source : sources) {
          IngestOutcome outcome = ingest(docqa, source);
          tally.add(outcome);
          err.printf(Locale.ROOT, "[%d/%d] %s: %s (%d passages so far, %.1f passages/s)%n", ++done,
              sources.size(), source.documentId(), describe(outcome), tally.passages, tally.perSecond(started));
        }
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
        case FAILED -> failed++;
      }
    }

    int files() {
      return indexed + unchanged + failed;
    }

    double perSecond(long startedNanos) {
      return passages / Math.max((System.nanoTime() - startedNanos) / 1e9, 1e-9);
    }
  }

  private static IngestOutcome ingest(DocQa docqa, Source source) {
    try {
      return docqa.ingest(source.documentId(), source.file(), Files.getLastModifiedTime(source.file()).toString());
    } catch (IOException | DocqaException | UncheckedIOException e) {
      // One bad file must not stop the others; its cause is reported on its progress line.
      return new IngestOutcome(source.documentId(), IngestOutcome.Status.FAILED, 0, Main.oneLine(e));
    }
  }

  private static String describe(IngestOutcome outcome) {
    return switch (outcome.status()) {
      case INDEXED -> "indexed " + outcome.passages() + " passages";
      case UNCHANGED -> "unchanged";
      case FAILED -> "FAILED: " + outcome.error();
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
