package dev.docqa.training;

import dev.docqa.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The reader folder a run writes, appearing whole or not at all: it is assembled in a hidden sibling and renamed into
 * place at the end. Claimed at the start of a run so that a folder that exists or cannot be written fails before hours
 * of training, not after.
 */
final class OutputFolder {

  private final Path out;

  private OutputFolder(Path out) {
    this.out = out;
  }

  /**
   * Checks that {@code out} does not exist (or is an empty folder) and that its parent can be written.
   *
   * @throws InvalidInputException naming the folder and the reason
   */
  static OutputFolder claim(Path out) {
    Path absolute = out.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !isEmptyDirectory(absolute)) {
      throw new InvalidInputException("output folder " + out + " already exists and is not empty; "
          + "choose a new folder (a trained reader is never overwritten)");
    }
    Path probe = null;
    try {
      Files.createDirectories(absolute.getParent());
      probe = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".probe-");
    } catch (AccessDeniedException e) {
      throw new InvalidInputException("output folder " + out + " cannot be written: permission denied on "
          + e.getFile(), e);
    } catch (FileSystemException e) {
      throw new InvalidInputException("output folder " + out + " cannot be written: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("output folder " + out + " cannot be written: " + e, e);
    } finally {
      deleteQuietly(probe);
    }
    return new OutputFolder(absolute);
  }

  Path path() {
    return out;
  }

  /** A fresh hidden sibling to assemble the folder in. */
  Path staging() throws IOException {
    return Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".partial-");
  }

  /** Moves a complete staging folder into place. */
  void publish(Path staging) throws IOException {
    if (isEmptyDirectory(out)) {
      Files.delete(out);
    } else if (Files.exists(out)) {
      throw new InvalidInputException("output folder " + out + " appeared during training; the reader is left in "
          + staging);
    }
    Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
  }

  private static boolean isEmptyDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover hidden folder is harmless
    }
  }
}
