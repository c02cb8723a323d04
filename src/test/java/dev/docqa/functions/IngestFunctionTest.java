package dev.docqa.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.service.DocQa;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code ingest} through Funqy and the Lambda mock event server, with documents in a real S3 protocol server
 * (s3proxy) and the recording service.
 */
@QuarkusTest
@TestProfile(AdapterProfiles.Ingest.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class IngestFunctionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject DocQa docQa;
  @Inject ObjectStore store;

  @Test
  void anS3NotificationIngestsTheUploadedDocument() {
    store.put("docs/Read Me.txt", "hello from s3".getBytes(StandardCharsets.UTF_8), PutCondition.NONE);
    given()
        .contentType("application/json")
        .body("{\"Records\":[" + S3EventsTest.s3Record("ObjectCreated:Put", S3ProxyResource.BUCKET,
            S3ProxyResource.STORE_PREFIX + "docs/Read+Me.txt", "0A") + "]}")
        .when()
        .post()
        .then()
        .statusCode(200)
        .body("batchItemFailures", empty());
    assertEquals("hello from s3", ((RecordingDocQa) docQa).documents.get("Read Me.txt"));
  }

  @Test
  void anSqsBatchReportsTheMalformedMessage() throws Exception {
    store.put("docs/b.txt", "bee".getBytes(StandardCharsets.UTF_8), PutCondition.NONE);
    String good = "{\"Records\":[" + S3EventsTest.s3Record("ObjectCreated:Put", S3ProxyResource.BUCKET,
        S3ProxyResource.STORE_PREFIX + "docs/b.txt", "0B") + "]}";
    String event = "{\"Records\":[{\"messageId\":\"m-1\",\"body\":" + JSON.writeValueAsString(good)
        + "},{\"messageId\":\"m-2\",\"body\":\"garbage\"}]}";
    given()
        .contentType("application/json")
        .body(event)
        .when()
        .post()
        .then()
        .statusCode(200)
        .body("batchItemFailures.size()", equalTo(1))
        .body("batchItemFailures[0].itemIdentifier", equalTo("m-2"));
    assertEquals("bee", ((RecordingDocQa) docQa).documents.get("b.txt"));
  }
}
