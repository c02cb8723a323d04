package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQaService;
import dev.docqa.storage.LocalObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An answer names the published commit (manifest generation) its passages were retrieved from. */
class AnswerGenerationTest {

  @TempDir Path work;

  @Test
  void answersNameTheCommitTheyWereRetrievedFrom() {
    SyntheticDocuments documents = new SyntheticDocuments(3, 2, 1);
    try (LocalObjectStore store = new LocalObjectStore(work.resolve("store"));
        DocQaService service = TestServices.open(store, work.resolve("cache"), Duration.ZERO)) {
      service.ingest(SyntheticDocuments.id(0), documents.write(work.resolve("files"), 0, 0), "v0");
      assertEquals(1, service.ask(AskRequest.of("What is the first document about?")).indexGeneration());
      service.ingest(SyntheticDocuments.id(1), documents.write(work.resolve("files"), 1, 0), "v0");
      AskResult second = service.ask(AskRequest.of("What is the second document about?"));
      assertEquals(2, second.indexGeneration());
      assertEquals(0, service.read("Any?", List.of(), 0).indexGeneration(), "given passages come from no commit");
    }
    assertThrows(IllegalArgumentException.class, () -> new AskResult(null, List.of(), Map.of(), -1));
  }
}
