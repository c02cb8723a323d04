package dev.docqa.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.ModelLoadException;
import dev.docqa.storage.NoSuchObjectException;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelResolverTest {

  @TempDir Path cache;
  @TempDir Path work;

  private static Path noTypeModel() throws URISyntaxException {
    return Path.of(ModelResolverTest.class.getClassLoader().getResource("models/tiny-qa-notype/config.json").toURI())
        .getParent();
  }

  private Path copyOfModel() throws Exception {
    Path dir = Files.createDirectories(work.resolve("model"));
    try (Stream<Path> files = Files.list(noTypeModel())) {
      for (Path file : files.toList()) {
        Files.copy(file, dir.resolve(file.getFileName()));
      }
    }
    return dir;
  }

  private ModelLoadException failure(String location) {
    return assertThrows(ModelLoadException.class, () -> ModelResolver.withoutS3(cache).resolve(location));
  }

  @Test
  void readsALocalDirectory() throws Exception {
    ModelDirectory model = ModelResolver.withoutS3(cache).resolve(noTypeModel().toString());
    assertEquals("tiny-qa-notype", model.modelName());
    assertEquals(false, model.includeTokenTypes());
    assertEquals("distilbert", model.modelType());
    assertEquals(512, model.maxSequenceLength().orElseThrow());
  }

  @Test
  void copiesAClasspathModelOnceAndReusesIt() {
    ModelResolver resolver = ModelResolver.withoutS3(cache);
    ModelDirectory first = resolver.resolve("classpath:models/tiny-qa");
    ModelDirectory second = resolver.resolve("classpath:/models/tiny-qa/");
    assertEquals(first.dir(), second.dir());
    assertTrue(first.dir().startsWith(cache));
    assertTrue(first.includeTokenTypes());
    assertEquals("tiny-qa", first.modelName());
  }

  @Test
  void namesWhatIsMissingOrMalformed() throws Exception {
    assertTrue(failure(work.resolve("absent").toString()).getMessage().contains("does not exist"));

    Path model = copyOfModel();
    Files.delete(model.resolve("tokenizer.json"));
    assertTrue(failure(model.toString()).getMessage().contains("no tokenizer.json"));

    Files.copy(noTypeModel().resolve("tokenizer.json"), model.resolve("tokenizer.json"));
    Files.writeString(model.resolve("config.json"), "{\"max_position_embeddings\": ");
    assertTrue(failure(model.toString()).getMessage().contains("malformed"));
    Files.writeString(model.resolve("config.json"), "{\"max_position_embeddings\": \"many\"}");
    assertTrue(failure(model.toString()).getMessage().contains("max_position_embeddings must be a positive integer"));
    Files.delete(model.resolve("config.json"));
    assertTrue(ModelResolver.withoutS3(cache).resolve(model.toString()).maxSequenceLength().isEmpty());

    Files.copy(noTypeModel().resolve("config.json"), model.resolve("config.json"));
    Files.delete(model.resolve("tiny-qa-notype.pt"));
    assertTrue(failure(model.toString()).getMessage().contains("no tiny-qa-notype.pt"));
    Files.delete(model.resolve("serving.properties"));
    assertTrue(failure(model.toString()).getMessage().contains("exactly one TorchScript *.pt file"));
  }

  @Test
  void rejectsUnknownLocations() {
    assertTrue(failure("classpath:models/absent").getMessage().contains("no classpath resource models/absent"));
    assertTrue(failure("https://example.org/model").getMessage().contains("unsupported model location"));
    assertTrue(failure("s3://bucket/reader").getMessage().contains("no S3 access configured for model bucket bucket"));
  }

  @Test
  void downloadsAnS3PrefixOnceAndAgainWhenItChanges() throws Exception {
    Path bucket = Files.createDirectories(work.resolve("bucket"));
    Path prefix = Files.createDirectories(bucket.resolve("models/reader"));
    try (Stream<Path> files = Files.list(noTypeModel())) {
      for (Path file : files.toList()) {
        Files.copy(file, prefix.resolve(file.getFileName()));
      }
    }
    FolderStore store = new FolderStore(bucket);
    ModelResolver resolver = new ModelResolver(cache, name -> {
      assertEquals("models-bucket", name);
      return store;
    });

    ModelDirectory first = resolver.resolve("s3://models-bucket/models/reader");
    assertEquals(4, store.downloads.get());
    assertEquals("tiny-qa-notype", first.modelName());
    assertEquals(resolver.resolve("s3://models-bucket/models/reader/").dir(), first.dir());
    assertEquals(4, store.downloads.get(), "an unchanged model is not fetched again");

    Files.writeString(prefix.resolve("config.json"), "{\"model_type\": \"distilbert\", \"max_position_embeddings\": 256}");
    ModelDirectory changed = resolver.resolve("s3://models-bucket/models/reader");
    assertNotEquals(first.dir(), changed.dir());
    assertEquals(256, changed.maxSequenceLength().orElseThrow());
    try (Stream<Path> leftovers = Files.list(first.dir().getParent())) {
      assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().startsWith(".incoming-")), "no temp dirs left");
    }

    Files.delete(prefix.resolve("tokenizer.json"));
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> resolver.resolve("s3://models-bucket/models/reader"));
    assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
    assertTrue(assertThrows(ModelLoadException.class, () -> resolver.resolve("s3://models-bucket/absent"))
        .getMessage().contains("no model objects under s3://models-bucket/absent"));
  }

  /**
   * Just enough of an object store over a folder to drive the resolver's S3 path (listing, ETags, downloads); the real
   * S3 and local stores have their own contract tests.
   */
  private static final class FolderStore implements ObjectStore {
    private final Path root;
    final AtomicInteger downloads = new AtomicInteger();

    FolderStore(Path root) {
      this.root = root;
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      try (Stream<Path> files = Files.walk(root)) {
        return files.filter(Files::isRegularFile)
            .map(f -> root.relativize(f).toString().replace('\\', '/'))
            .filter(k -> k.startsWith(prefix))
            .sorted()
            .map(k -> head(k).orElseThrow())
            .toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
      Path file = root.resolve(key);
      try {
        if (!Files.isRegularFile(file)) {
          return Optional.empty();
        }
        byte[] digest = MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file));
        return Optional.of(new ObjectInfo(key, Files.size(file), HexFormat.of().formatHex(digest), Instant.EPOCH));
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void download(String key, Path target) {
      downloads.incrementAndGet();
      try {
        Files.copy(root.resolve(key), target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public InputStream open(String key) throws NoSuchObjectException {
      throw new UnsupportedOperationException("the resolver only lists and downloads");
    }

    @Override
    public String put(String key, byte[] content, PutCondition condition) {
      throw new UnsupportedOperationException("the resolver only lists and downloads");
    }

    @Override
    public String upload(Path source, String key) {
      throw new UnsupportedOperationException("the resolver only lists and downloads");
    }

    @Override
    public void delete(String key) {
      throw new UnsupportedOperationException("the resolver only lists and downloads");
    }

    @Override
    public String describe() {
      return root.toString();
    }

    @Override
    public void close() {}
  }
}
