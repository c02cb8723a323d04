package dev.docqa.indexing;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A commit of a {@link PassageIndex} whose files stay on disk, even as later commits and merges go on, until this
 * snapshot is closed: what a publisher copies elsewhere. Immutable; {@link #close()} is idempotent and thread-safe.
 */
public final class CommitSnapshot implements AutoCloseable {

  private final Path directory;
  private final long generation;
  private final String segmentsFileName;
  private final Set<String> fileNames;
  private final Map<String, String> userData;
  private final Runnable release;
  private final AtomicBoolean closed = new AtomicBoolean();

  CommitSnapshot(Path directory, long generation, String segmentsFileName, Set<String> fileNames,
      Map<String, String> userData, Runnable release) {
    this.directory = directory;
    this.generation = generation;
    this.segmentsFileName = segmentsFileName;
    this.fileNames = Set.copyOf(fileNames);
    this.userData = Map.copyOf(userData);
    this.release = release;
  }

  /** The index directory the files are in. */
  public Path directory() {
    return directory;
  }

  /** The commit's generation: the N of {@code segments_N}. */
  public long generation() {
    return generation;
  }

  /** The commit point file; copy it last so that a reader never sees a commit whose files are missing. */
  public String segmentsFileName() {
    return segmentsFileName;
  }

  /** Every file of the commit, {@link #segmentsFileName()} included. */
  public Set<String> fileNames() {
    return fileNames;
  }

  public Map<String, String> userData() {
    return userData;
  }

  /** Lets the index delete the commit's files once no later commit needs them. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release.run();
    }
  }

  @Override
  public String toString() {
    return "CommitSnapshot[" + segmentsFileName + ", files=" + fileNames.size() + ", userData=" + userData + "]";
  }
}
