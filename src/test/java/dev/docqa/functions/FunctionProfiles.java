package dev.docqa.functions;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Test profiles exporting one function each, as a deployment does ({@code quarkus.funqy.export}), with the real
 * service. Readers look at the published index on every question, so a change made by another writer (a second
 * service in the race and crash tests) is seen at once.
 */
final class FunctionProfiles {

  private FunctionProfiles() {}

  /** Exports {@code ask}. */
  public static final class Ask implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.funqy.export", "ask", "docqa.storage.max-staleness", "PT0S");
    }
  }

  /** Exports {@code ingest}. */
  public static final class Ingest implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.funqy.export", "ingest", "docqa.storage.max-staleness", "PT0S");
    }
  }

  /** Exports {@code ingest}; the index is OpenSearch (its location comes from {@link OpenSearchResource}). */
  public static final class IngestOnOpenSearch implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.funqy.export", "ingest");
    }
  }

  /**
   * Exports {@code ask}; the index is OpenSearch behind {@link OpenSearchResource}'s relay, and a request that takes
   * longer than {@value #SHORT_REQUEST_TIMEOUT} counts as the engine being unavailable.
   */
  public static final class AskOnOpenSearch implements QuarkusTestProfile {
    static final String SHORT_REQUEST_TIMEOUT = "PT3S";

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.funqy.export", "ask", "docqa.index.request-timeout", SHORT_REQUEST_TIMEOUT);
    }
  }
}
