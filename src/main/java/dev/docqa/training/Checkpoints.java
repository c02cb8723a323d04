package dev.docqa.training;

import ai.djl.pytorch.engine.PtSymbolBlock;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's checkpoint folder: {@code step-NNNNNNNNN/} folders (model {@code model.pt}, optimizer moments
 * {@code optimizer.bin}, {@code state.json}), a {@code latest} file naming the newest, and {@code best/}, the reader
 * folder of the best epoch so far. Each checkpoint is written to a temporary folder and renamed, and {@code latest}
 * is replaced atomically, so a run killed at any moment leaves the previous checkpoint intact. Older step folders are
 * deleted once a newer one is in place.
 */
final class Checkpoints {

  static final String LATEST = "latest";
  static final String BEST = "best";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  private Checkpoints(Path dir) {
    this.dir = dir;
  }

  /** A saved checkpoint. */
  record Saved(Path directory, TrainingState state) {

    Path model() {
      return directory.resolve("model.pt");
    }

    void loadOptimizer(AdamW optimizer) throws IOException {
      try (InputStream in = Files.newInputStream(directory.resolve("optimizer.bin"))) {
        optimizer.load(in);
      }
    }
  }

  /**
   * The checkpoint folder {@code dir}, created with the first checkpoint.
   *
   * @throws InvalidInputException when the folder is inside the output folder
   */
  static Checkpoints open(Path dir, Path out) {
    Path absolute = dir.toAbsolutePath().normalize();
    if (absolute.startsWith(out.toAbsolutePath().normalize())) {
      throw new InvalidInputException("checkpoint folder " + dir + " must be outside the output folder " + out);
    }
    return new Checkpoints(absolute);
  }

  Path directory() {
    return dir;
  }

  Path best() {
    return dir.resolve(BEST);
  }

  /**
   * The newest checkpoint.
   *
   * @throws InvalidInputException when there is none
   */
  Saved latest() {
    try {
      String name = Files.readString(dir.resolve(LATEST), StandardCharsets.UTF_8).strip();
      Path step = dir.resolve(name);
      TrainingState state = JSON.readValue(step.resolve("state.json").toFile(), TrainingState.class);
      return new Saved(step, state);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("no checkpoint to resume in " + dir + " (missing " + e.getFile() + ")", e);
    } catch (IOException e) {
      throw new InvalidInputException("the checkpoint in " + dir + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Writes a checkpoint and makes it the latest; returns its folder. */
  Path save(PtSymbolBlock block, AdamW optimizer, TrainingState state) throws IOException {
    String name = String.format("step-%09d", state.globalStep());
    Files.createDirectories(dir);
    Path temporary = Files.createTempDirectory(dir, "." + name + "-");
    ReaderFolder.writeModel(block, temporary.resolve("model.pt"));
    try (OutputStream out = Files.newOutputStream(temporary.resolve("optimizer.bin"))) {
      optimizer.save(out);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.resolve("state.json").toFile(), state);
    Path target = dir.resolve(name);
    OutputFolder.deleteQuietly(target);
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    Path pointer = Files.createTempFile(dir, "." + LATEST + "-", "");
    Files.writeString(pointer, name + "\n", StandardCharsets.UTF_8);
    Files.move(pointer, dir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (Path older : steps()) {
      if (!older.equals(target)) {
        OutputFolder.deleteQuietly(older);
      }
    }
    return target;
  }

  /** Replaces {@code best/} with a complete reader folder. */
  void keepBest(Path readerFolder) throws IOException {
    Path old = dir.resolve("." + BEST + "-old");
    OutputFolder.deleteQuietly(old);
    if (Files.exists(best())) {
      Files.move(best(), old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(readerFolder, best(), StandardCopyOption.ATOMIC_MOVE);
    OutputFolder.deleteQuietly(old);
  }

  /** Removes every checkpoint of an earlier run (a fresh, non-resumed run starts clean). */
  void clear() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    // Only names this class writes: a checkpoint folder pointed at a user's folder by mistake loses nothing else.
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
        entry -> entry.getFileName().toString().matches("\\.?(step-\\d+.*|latest.*|best.*|candidate.*)"))) {
      for (Path entry : entries) {
        OutputFolder.deleteQuietly(entry);
      }
    } catch (IOException e) {
      throw new InvalidInputException("checkpoint folder " + dir + " cannot be cleared: " + e.getMessage(), e);
    }
  }

  private List<Path> steps() throws IOException {
    List<Path> steps = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "step-*")) {
      entries.forEach(steps::add);
    }
    return steps;
  }
}
