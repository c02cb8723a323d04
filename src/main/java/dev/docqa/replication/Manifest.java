package dev.docqa.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.storage.StorageException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One published index commit: the Lucene files that make it up and the object keys holding them.
 *
 * @param generation the manifest generation (1, 2, ...), one per published commit
 * @param writer the id of the publish attempt that wrote it, so a writer recognises its own manifest
 * @param segmentsFile the commit point, e.g. {@code segments_5}
 * @param files every file of the commit, {@code segmentsFile} included
 */
record Manifest(long generation, String writer, String segmentsFile, List<IndexFile> files) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  Manifest {
    files = List.copyOf(files);
  }

  /**
   * One immutable Lucene file.
   *
   * @param name the Lucene file name, e.g. {@code _3.cfs}
   * @param key the object key holding its bytes (unique per upload: two writers may both create a {@code _3.cfs})
   * @param size its length in bytes
   * @param checksum the CRC32 in its Lucene codec footer, verified after download
   */
  record IndexFile(String name, String key, long size, long checksum) {}

  Map<String, IndexFile> filesByName() {
    return files.stream().collect(Collectors.toUnmodifiableMap(IndexFile::name, Function.identity()));
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a manifest always serialises", e);
    }
  }

  static Manifest fromJson(String json, String where) {
    try {
      return JSON.readValue(json, Manifest.class);
    } catch (JsonProcessingException e) {
      throw new StorageException("corrupt index manifest " + where, e);
    }
  }
}
