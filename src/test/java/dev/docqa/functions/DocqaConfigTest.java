package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.RetrieverMode;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocqaConfigTest {

  private static DocqaConfig config(Map<String, String> values) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .withSources(new MapBackedConfigSource("test", values) {})
            .withMapping(DocqaConfig.class)
            .build();
    return config.getConfigMapping(DocqaConfig.class);
  }

  @Test
  void theDefaultsAreTheCoreDefaults() {
    assertEquals(DocqaSettings.defaults(), config(Map.of()).toSettings());
  }

  @Test
  void valuesOverrideDefaults() {
    DocqaSettings settings =
        config(
                Map.of(
                    "docqa.storage.location", "s3://bucket/docqa",
                    "docqa.storage.max-staleness", "PT5S",
                    "docqa.storage.s3-endpoint", "http://127.0.0.1:9000",
                    "docqa.retrieval.mode", "bm25",
                    "docqa.retrieval.top-k", "8"))
            .toSettings();
    assertEquals("s3://bucket/docqa", settings.storage().location());
    assertEquals(Duration.ofSeconds(5), settings.storage().maxStaleness());
    assertEquals("http://127.0.0.1:9000", settings.storage().s3Endpoint());
    assertEquals(RetrieverMode.BM25, settings.retrieval().mode());
    assertEquals(8, settings.retrieval().topK());
  }

  @Test
  void badValuesNameTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> config(Map.of("docqa.storage.index-prefix", "index")).toSettings());
    assertTrue(e.getMessage().contains("indexPrefix=index"), e.getMessage());
  }
}
