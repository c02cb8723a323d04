package dev.docqa.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3ConnectionTest {

  @Test
  void retriesRejectLimitsThatCannotWork() {
    IllegalArgumentException noAttempt = assertThrows(IllegalArgumentException.class,
        () -> new S3Connection.Retries(0, Duration.ofSeconds(1), Duration.ofSeconds(2)));
    assertTrue(noAttempt.getMessage().contains("maxAttempts=0"), noAttempt.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new S3Connection.Retries(3, Duration.ZERO, Duration.ofSeconds(2)));
    IllegalArgumentException shortCall = assertThrows(IllegalArgumentException.class,
        () -> new S3Connection.Retries(3, Duration.ofSeconds(5), Duration.ofSeconds(2)));
    assertTrue(shortCall.getMessage().contains("callTimeout=PT2S"), shortCall.getMessage());
  }

  @Test
  void theShortConstructorTakesTheDefaultRetriesAndToStringHidesTheSecret() {
    S3Connection connection = new S3Connection(URI.create("http://127.0.0.1:1"), "us-east-1", "id", "s3cr3t", true);
    assertEquals(S3Connection.Retries.DEFAULT, connection.retries());
    S3Connection.Retries quick = new S3Connection.Retries(2, Duration.ofMillis(100), Duration.ofMillis(300));
    assertEquals(quick, connection.withRetries(quick).retries());
    assertFalse(connection.toString().contains("s3cr3t"), connection.toString());
    assertThrows(IllegalArgumentException.class,
        () -> new S3Connection(null, "us-east-1", null, null, false, null));
  }
}
