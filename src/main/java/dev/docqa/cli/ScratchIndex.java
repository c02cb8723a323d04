package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.config.DocqaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An empty data folder in a temporary directory, deleted on {@link #close()}: for commands that read given text without
 * an index ({@code ask --context}, {@code eval --gold}) but open the whole service, so they never create or touch the
 * user's data folder. Models resolved into it are copied again on each run; a local reader folder is read in place.
 * Close it after the docqa opened over it (declare it first in try-with-resources).
 */
final class ScratchIndex implements AutoCloseable {

  private final Path root;

  private ScratchIndex(Path root) {
    this.root = root;
  }

  static ScratchIndex create() {
    try {
      return new ScratchIndex(Files.createTempDirectory("docqa-scratch-"));
    } catch (IOException e) {
      throw new DocqaException("cannot create a temporary data folder: " + e.getMessage(), e);
    }
  }

  /** {@code settings} with storage in this folder, read back at once. */
  DocqaSettings settings(DocqaSettings settings) {
    return settings.withStorage(SettingsFlags.dataFolder(root, settings.storage(), Duration.ZERO));
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new DocqaException("cannot delete the temporary data folder " + root + ": " + e.getMessage(), e);
    }
  }
}
