package dev.docqa.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** {@code ask} through Funqy and the Lambda mock event server (test port 8081), with the recording service. */
@QuarkusTest
@TestProfile(AdapterProfiles.Ask.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class AskFunctionTest {

  @Test
  void aDirectInvocationReturnsTheAnswerJson() {
    given()
        .contentType("application/json")
        .body("{\"question\":\"What is the answer?\",\"top_k\":3}")
        .when()
        .post()
        .then()
        .statusCode(200)
        .body("answer.text", equalTo("forty-two"))
        .body("answer.document_id", equalTo("guide.txt"))
        .body("timings_ms.total", equalTo(12.0f));
  }

  @Test
  void anApiGatewayEventGetsAnHttpResponse() {
    given()
        .contentType("application/json")
        .body(
            """
            {"version":"2.0","routeKey":"POST /ask","rawPath":"/ask","isBase64Encoded":false,
             "body":"{\\"question\\":\\"Why?\\"}",
             "requestContext":{"requestId":"r-1","http":{"method":"POST","path":"/ask"}}}
            """)
        .when()
        .post()
        .then()
        .statusCode(200)
        .body("statusCode", equalTo(200))
        .body("body", containsString("forty-two"));
  }

  @Test
  void aBadApiGatewayRequestIs400WithTheRule() {
    given()
        .contentType("application/json")
        .body(
            """
            {"version":"2.0","routeKey":"POST /ask","rawPath":"/ask","isBase64Encoded":false,
             "body":"{\\"question\\":\\"Why?\\",\\"top_k\\":0}",
             "requestContext":{"requestId":"r-2","http":{"method":"POST","path":"/ask"}}}
            """)
        .when()
        .post()
        .then()
        .statusCode(200)
        .body("statusCode", equalTo(400))
        .body("body", containsString("top_k must be in [1, 100]; top_k=0"))
        .body("body", not(containsString("at dev.docqa")));
  }
}
