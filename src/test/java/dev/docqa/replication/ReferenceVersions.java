package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.docqa.replication.PublishedCommits.Row;
import dev.docqa.service.DocQaService;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestOutcome;
import dev.docqa.storage.LocalObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact passages of every version of every synthetic document, from one quiet ingest of each into a private index:
 * a document in an index under test is whole when its passages equal one of these lists, and half or mixed otherwise.
 * Immutable once computed.
 */
final class ReferenceVersions {

  private final Map<String, List<List<Row>>> versions;

  private ReferenceVersions(Map<String, List<List<Row>>> versions) {
    this.versions = versions;
  }

  /** Ingests every version of every document of {@code documents} into a local index under {@code work}. */
  static ReferenceVersions compute(SyntheticDocuments documents, Path work) {
    Map<String, List<List<Row>>> versions = new HashMap<>();
    try (LocalObjectStore store = new LocalObjectStore(work.resolve("store"));
        DocQaService service = TestServices.open(store, work.resolve("cache"), Duration.ZERO)) {
      List<DocumentSource> all = new ArrayList<>();
      for (int v = 0; v < documents.versions(); v++) {
        for (int i = 0; i < documents.count(); i++) {
          all.add(new DocumentSource(key(v, i), documents.write(work.resolve("files-v" + v), i, v), "reference"));
        }
      }
      for (IngestOutcome outcome : service.ingestAll(all)) {
        assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());
      }
      Map<String, List<Row>> indexed = new PublishedCommits(store, "index/", work.resolve("read")).newestDocuments();
      for (int i = 0; i < documents.count(); i++) {
        List<List<Row>> byVersion = new ArrayList<>();
        for (int v = 0; v < documents.versions(); v++) {
          byVersion.add(List.copyOf(indexed.get(key(v, i))));
        }
        versions.put(SyntheticDocuments.id(i), List.copyOf(byVersion));
      }
    }
    return new ReferenceVersions(Map.copyOf(versions));
  }

  /** The version whose passages {@code rows} are exactly, or -1 when they are none (half, mixed or duplicated). */
  int versionOf(String id, List<Row> rows) {
    List<List<Row>> known = versions.get(id);
    return known == null ? -1 : known.indexOf(rows);
  }

  private static String key(int version, int index) {
    return "v" + version + "/" + SyntheticDocuments.id(index);
  }
}
