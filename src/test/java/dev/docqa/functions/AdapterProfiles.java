package dev.docqa.functions;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Test profiles exporting one function each, with the recording service. */
final class AdapterProfiles {

  private AdapterProfiles() {}

  /** Exports {@code ask}. */
  public static final class Ask implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.funqy.export", "ask", "docqa-test.recording-service", "true");
    }
  }

  /** Exports {@code ingest}. */
  public static final class Ingest implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.funqy.export", "ingest", "docqa-test.recording-service", "true");
    }
  }
}
