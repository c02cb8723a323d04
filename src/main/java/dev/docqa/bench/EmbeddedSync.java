package dev.docqa.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.StorageSettings;
import dev.docqa.indexing.PassageWrites;
import dev.docqa.indexing.VectorFormat;
import dev.docqa.replication.EmbeddedIndex;
import dev.docqa.replication.IndexPublisher;
import dev.docqa.replication.IndexSnapshot;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * What the embedded index costs a new process at a given size: a bench index published once to a local-folder store,
 * then synced by {@link EmbeddedIndex#openParts} into a fresh cache (download every file, verify, open), as {@code
 * DocQaService.open} does at a cold start. From a local folder the download is a disk copy; from S3 in a Lambda it is
 * bounded by network throughput, which the figures' {@code index_bytes} let one estimate.
 */
final class EmbeddedSync {

  private static final int RUNS = 3;

  private EmbeddedSync() {}

  /**
   * Publishes the closed Lucene index in {@code indexDir} to a store under {@code work} and syncs it {@value #RUNS}
   * times, each into a fresh cache; deletes what it made under {@code work}.
   *
   * @return {@code publish_s}, {@code index_bytes} (published), {@code sync_ms} (median) and {@code sync_runs_ms}
   */
  static ObjectNode measure(Path indexDir, Path work) {
    StorageSettings writing = new StorageSettings(work.resolve("store").toString(), work.resolve("writer-cache"),
        Duration.ofSeconds(2));
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    try (ObjectStore store = ObjectStores.open(writing)) {
      long began = System.nanoTime();
      try (IndexPublisher publisher =
              IndexPublisher.open(store, writing, () -> PassageWrites.writerConfig(VectorFormat.FLOAT32));
          Directory source = FSDirectory.open(indexDir)) {
        publisher.update(writer -> {
          writer.addIndexes(source);
          return null;
        });
      }
      json.put("publish_s", Samples.round((System.nanoTime() - began) / 1e9));
      json.put("index_bytes", bytes(work.resolve("store")));
      double[] runs = new double[RUNS];
      for (int run = 0; run < RUNS; run++) {
        StorageSettings reading = new StorageSettings(writing.location(), work.resolve("cache-" + run),
            Duration.ofSeconds(2));
        began = System.nanoTime();
        try (EmbeddedIndex.Parts parts = EmbeddedIndex.openParts(store, reading);
            IndexSnapshot view = parts.replica().acquire()) {
          runs[run] = (System.nanoTime() - began) / 1e6;
          if (view.isEmpty()) {
            throw new IllegalStateException("the synced bench index is empty: " + indexDir);
          }
        }
        Bench.deleteTree(work.resolve("cache-" + run));
      }
      json.put("sync_ms", Samples.round(Samples.of(runs).median()));
      json.putArray("sync_runs_ms").addAll(Arrays.stream(runs).mapToObj(
          r -> JsonNodeFactory.instance.numberNode(Samples.round(r))).toList());
      json.put("note", "EmbeddedIndex.openParts (publisher and replica, as DocQaService.open) into a fresh cache from "
          + "a local-folder store: a disk copy here; from S3 add index_bytes / the function's S3 throughput");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + indexDir, e);
    } finally {
      Bench.deleteTree(work);
    }
    return json;
  }

  /** Bytes of the regular files under {@code dir}. */
  static long bytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      long total = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        total += Files.size(file);
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + dir, e);
    }
  }
}
