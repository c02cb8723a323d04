package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line over an index and a reader in S3, spoken to through the real S3 protocol (s3proxy): the endpoint and
 * path-style addressing come from the settings, credentials from the default AWS chain (here its system properties).
 */
class CommandLineS3Test {

  private static final String BUCKET = "docqa-cli";
  private static final Path TINY_READER = Path.of("src/test/resources/models/tiny-qa");

  private static S3ProxyServer server;

  @TempDir Path local;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
    System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
  }

  @AfterAll
  static void stopServer() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    server.close();
  }

  private Run docqa(String... args) {
    // Only the local cache and the S3 connection matter: --index replaces the location.
    StorageSettings storage = new StorageSettings(local.resolve("unused").toString(), local.resolve("cache"),
        Duration.ZERO, StorageSettings.DEFAULT_DOCUMENT_PREFIX, StorageSettings.DEFAULT_INDEX_PREFIX,
        StorageSettings.DEFAULT_GC_GRACE, server.endpoint().toString(), S3ProxyServer.REGION, true);
    return Run.of(new CoreBackend(), DocqaSettings.defaults().withStorage(storage), args);
  }

  @Test
  void ingestsIntoAndAnswersFromAnS3IndexWithAReaderFetchedFromS3() throws IOException {
    try (ObjectStore bucket = S3ObjectStore.open(server.connection(), BUCKET, "");
        Stream<Path> files = Files.list(TINY_READER)) {
      files.forEach(file -> bucket.upload(file, "models/tiny-qa/" + file.getFileName()));
    }
    String index = "s3://" + BUCKET + "/docqa";

    Run ingest = docqa("ingest", "samples/documents/varnholm-lighthouse.txt", "--index", index);
    assertEquals(Main.EXIT_OK, ingest.exitCode(), ingest.err());
    assertTrue(ingest.out().startsWith("1 file: 1 indexed, 0 unchanged, 0 failed;"), ingest.out());
    try (ObjectStore bucket = S3ObjectStore.open(server.connection(), BUCKET, "")) {
      List<String> keys = bucket.list("docqa/index/").stream().map(ObjectInfo::key).toList();
      assertFalse(keys.isEmpty(), "the index is published to the bucket");
    }

    Run ask = docqa("ask", "Who designed Varnholm Light?", "--index", index, "--reader",
        "s3://" + BUCKET + "/models/tiny-qa", "--json");
    assertEquals(Main.EXIT_OK, ask.exitCode(), ask.err());
    JsonNode json = new ObjectMapper().readTree(ask.out());
    assertEquals("varnholm-lighthouse.txt", json.get("document").asText());
    assertTrue(Files.isDirectory(local.resolve("cache/models/s3").resolve(BUCKET).resolve("models/tiny-qa")),
        "the reader is cached below the cache folder");
  }
}
