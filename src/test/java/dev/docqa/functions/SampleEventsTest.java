package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.events.DocumentEvent;
import dev.docqa.service.AskRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example events in {@code samples/events/} parse as the functions read them, so the samples cannot rot. */
class SampleEventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EVENTS = Path.of("samples/events");

  @Test
  void directAndApiGatewayAsksBecomeRequests() throws IOException {
    AskEvent direct = JSON.readValue(EVENTS.resolve("ask.json").toFile(), AskEvent.class);
    assertFalse(direct.isApiGateway());
    AskRequest request = AskHandler.toRequest(direct);
    assertEquals(RetrieverMode.HYBRID, request.retriever());
    assertEquals(5, request.topK());

    AskEvent http = JSON.readValue(EVENTS.resolve("apigw-v2-ask.json").toFile(), AskEvent.class);
    assertTrue(http.isApiGateway());
    assertEquals(5, AskHandler.toRequest(AskHandler.queryOf(http)).topK());
  }

  @Test
  void s3AndSqsNotificationsBecomeDocumentEventsUnderTheDefaultPrefix() throws IOException {
    for (String file : List.of("s3-object-created.json", "s3-object-removed.json", "sqs-s3-object-created.json")) {
      IngestEvent event = JSON.readValue(EVENTS.resolve(file).toFile(), IngestEvent.class);
      List<DocumentEvent> changes =
          event.getRecords().stream().flatMap(record -> S3Events.of(record).stream()).toList();
      assertFalse(changes.isEmpty(), file);
      for (DocumentEvent change : changes) {
        assertTrue(change.key().startsWith(StorageSettings.DEFAULT_DOCUMENT_PREFIX), file + ": " + change.key());
        assertEquals(file.contains("removed") ? DocumentEvent.Kind.REMOVED : DocumentEvent.Kind.CREATED,
            change.kind(), file);
      }
    }
  }
}
