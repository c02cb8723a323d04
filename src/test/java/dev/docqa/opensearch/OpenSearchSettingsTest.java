package dev.docqa.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.opensearch.OpenSearchSettings.KnnEngine;
import dev.docqa.opensearch.OpenSearchSettings.Signing;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Location strings and settings rules; no server. */
class OpenSearchSettingsTest {

  @Test
  void plainHttpWithPortAndIndex() {
    OpenSearchSettings settings = OpenSearchSettings.parse("opensearch+http://localhost:9201/docqa-passages");
    assertEquals(URI.create("http://localhost:9201"), settings.endpoint());
    assertEquals("docqa-passages", settings.index());
    assertEquals(KnnEngine.LUCENE, settings.knnEngine());
    assertEquals(Signing.NONE, settings.signing());
    assertNull(settings.region());
    assertEquals(OpenSearchSettings.DEFAULT_REQUEST_TIMEOUT, settings.requestTimeout());
    assertEquals("opensearch+http://localhost:9201/docqa-passages", settings.location());
    assertEquals(settings, OpenSearchSettings.parse(settings.location()), "the location reads back");
  }

  @Test
  void defaultPorts() {
    assertEquals(URI.create("http://search.internal:9200"),
        OpenSearchSettings.parse("opensearch+http://search.internal/docqa").endpoint());
    assertEquals(URI.create("https://search.internal:443"),
        OpenSearchSettings.parse("opensearch+https://search.internal/docqa/").endpoint());
  }

  @Test
  void amazonOpenSearchServiceDomainsAreSignedForEs() {
    OpenSearchSettings settings =
        OpenSearchSettings.parse("opensearch+https://search-docs-abc123.eu-west-1.es.amazonaws.com/docqa");
    assertEquals(Signing.ES, settings.signing());
    assertEquals("es", settings.signing().service());
    assertEquals("eu-west-1", settings.region());
    assertEquals(KnnEngine.LUCENE, settings.knnEngine());
    assertEquals(URI.create("https://search-docs-abc123.eu-west-1.es.amazonaws.com:443"), settings.endpoint());
  }

  @Test
  void serverlessCollectionsAreSignedForAossAndUseFaiss() {
    OpenSearchSettings settings =
        OpenSearchSettings.parse("opensearch+https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com/docqa");
    assertEquals(Signing.AOSS, settings.signing());
    assertEquals("aoss", settings.signing().service());
    assertEquals("us-east-1", settings.region());
    assertEquals(KnnEngine.FAISS, settings.knnEngine());
    assertEquals("us-gov-west-1", OpenSearchSettings.parse(
        "opensearch+https://abc.us-gov-west-1.aoss.amazonaws.com/docqa").region());
  }

  @Test
  void anAwsHostWithoutRegionLeavesItToTheEnvironment() {
    OpenSearchSettings settings = OpenSearchSettings.parse("opensearch+https://vpce.es.amazonaws.com/docqa");
    assertEquals(Signing.ES, settings.signing());
    assertNull(settings.region());
  }

  @Test
  void settingsCanBeAdjusted() {
    OpenSearchSettings settings = OpenSearchSettings.parse("opensearch+https://proxy.example.com/docqa")
        .withKnnEngine(KnnEngine.FAISS)
        .withSigning(Signing.AOSS, "ap-southeast-2")
        .withRequestTimeout(Duration.ofSeconds(5));
    assertEquals(KnnEngine.FAISS, settings.knnEngine());
    assertEquals(Signing.AOSS, settings.signing());
    assertEquals("ap-southeast-2", settings.region());
    assertEquals(Duration.ofSeconds(5), settings.requestTimeout());
    assertTrue(settings.toString().contains("aoss ap-southeast-2"), settings.toString());
  }

  @Test
  void recognisesLocations() {
    assertTrue(OpenSearchSettings.isLocation("opensearch+http://h/i"));
    assertTrue(OpenSearchSettings.isLocation("OpenSearch+https://h/i"));
    assertFalse(OpenSearchSettings.isLocation("s3://bucket/prefix"));
    assertFalse(OpenSearchSettings.isLocation("/var/lib/docqa"));
    assertFalse(OpenSearchSettings.isLocation(null));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "s3://bucket/index                                     | starts with opensearch+http",
      "opensearch+ftp://host/index                           | starts with opensearch+http",
      "opensearch+http://host                                | ends with /INDEX",
      "opensearch+http://host/                               | ends with /INDEX",
      "opensearch+http://host/a/b                            | names one index",
      "opensearch+http://user:secret@host/index              | takes no user or password",
      "opensearch+http://host/index?engine=faiss             | takes no ?query",
      "opensearch+http://host/Index                          | lower case",
      "opensearch+http://host/_index                         | nor start with _",
      "opensearch+http://host/in*dex                         | must not contain '*'",
      "opensearch+http://host:99999/index                    | port must be 1 to 65535",
      "opensearch+http://search-x.us-east-1.es.amazonaws.com/i | take opensearch+https://",
      "opensearch+http:///index                              | needs a host",
      "opensearch+http://ho st/index                         | not a valid OpenSearch location",
  })
  void invalidLocationsNameTheProblemInOneLine(String location, String problem) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OpenSearchSettings.parse(location));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), "no password in messages: " + e.getMessage());
  }

  @Test
  void rulesOfTheSettingsThemselves() {
    URI endpoint = URI.create("http://localhost:9200");
    assertThrows(IllegalArgumentException.class, () -> new OpenSearchSettings(endpoint, "i", KnnEngine.LUCENE,
        Signing.ES, "us-east-1", Duration.ofSeconds(1)), "signing needs https");
    assertThrows(IllegalArgumentException.class, () -> new OpenSearchSettings(endpoint, "i", KnnEngine.LUCENE,
        Signing.NONE, null, Duration.ZERO), "timeout must be positive");
    assertThrows(IllegalArgumentException.class, () -> new OpenSearchSettings(URI.create("http://localhost:9200/x"),
        "i", KnnEngine.LUCENE, Signing.NONE, null, Duration.ofSeconds(1)), "no path in the endpoint");
    assertThrows(IllegalArgumentException.class, () -> new OpenSearchSettings(URI.create("https://h:443"), "i",
        KnnEngine.LUCENE, Signing.ES, "Mars", Duration.ofSeconds(1)), "not a region");
    assertThrows(IllegalArgumentException.class, () -> OpenSearchSettings.of(endpoint, "x".repeat(256)));
  }
}
