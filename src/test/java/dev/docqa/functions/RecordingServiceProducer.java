package dev.docqa.functions;

import dev.docqa.service.DocQa;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Gives the functions a {@link RecordingDocQa} in the adapter tests, which check event binding and HTTP mapping through
 * Funqy and the Lambda mock event server; only built when {@code docqa-test.recording-service=true}, so end-to-end
 * tests get the real service.
 */
@Singleton
@IfBuildProperty(name = "docqa-test.recording-service", stringValue = "true")
public class RecordingServiceProducer {

  @Produces
  @Singleton
  DocQa recordingService() {
    return new RecordingDocQa();
  }
}
