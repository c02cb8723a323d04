package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real {@code docqa} command line in a child JVM, pointed at an S3-compatible test server: production reads the S3
 * endpoint from configuration the CLI has no flag for, so this main supplies it (path-style addressing) and runs
 * {@link Main} unchanged. Credentials come from the default AWS chain ({@code -Daws.accessKeyId}, ...).
 *
 * <p>System properties: {@code docqa.test.s3Endpoint} (required), {@code docqa.test.cacheDir} (required, one per
 * process). Arguments are those of {@code docqa}, e.g. {@code ingest DIR --index s3://bucket/prefix}.
 */
public final class CliOverS3 {

  private CliOverS3() {}

  public static void main(String[] args) {
    // As Main.main: POI's Log4j API calls get the simple logger rather than a warning about a missing provider.
    System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
    String endpoint = required("docqa.test.s3Endpoint");
    Path cache = Path.of(required("docqa.test.cacheDir"));
    StorageSettings storage = new StorageSettings(cache.resolve("unused").toString(), cache, Duration.ZERO,
        StorageSettings.DEFAULT_DOCUMENT_PREFIX, StorageSettings.DEFAULT_INDEX_PREFIX,
        StorageSettings.DEFAULT_GC_GRACE, endpoint, StorageSettings.DEFAULT_S3_REGION, true);
    DocqaSettings settings = DocqaSettings.defaults().withStorage(storage);
    System.exit(new Main(new CoreBackend(), settings, System.out, System.err).run(args));
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("system property " + property + " must be set");
    }
    return value;
  }
}
