package dev.docqa.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.docqa.DocqaException;
import dev.docqa.ModelLoadException;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Resolves a model location to a local directory ({@link #fetch}), or to a checked reader {@link ModelDirectory}
 * ({@link #resolve}). Locations:
 *
 * <ul>
 *   <li>a local directory path;
 *   <li>{@code classpath:models/name}: resources copied once into the cache (DJL needs files; works from a jar). The
 *       resource folder must hold {@code serving.properties} naming the model ({@code option.modelName}), since
 *       classpath folders cannot be listed;
 *   <li>{@code s3://bucket/prefix}: every object under the prefix downloaded once into the cache, keyed by the
 *       objects' keys and ETags, so a changed model is fetched again and an unchanged one never is;
 *   <li>{@code djl://...}: a DJL model-zoo URL, fetched through DJL's own cache (connected deployments only).
 * </ul>
 *
 * <p>Cache entries appear atomically: files are written to a temporary sibling directory, then renamed into
 * place, so concurrent processes sharing the cache never see a half-written model. Thread-safe. The object stores
 * returned by the {@code s3Stores} function belong to the caller; the resolver never closes them.
 */
public final class ModelResolver {

  private static final System.Logger LOG = System.getLogger(ModelResolver.class.getName());
  private static final String CLASSPATH = "classpath:";
  private static final String S3 = "s3://";
  private static final String DJL = "djl://";
  private static final List<String> CLASSPATH_FILES = List.of("serving.properties", "config.json", "tokenizer.json");

  private final Path cacheDir;
  private final Function<String, ObjectStore> s3Stores;

  /**
   * @param cacheDir where classpath and S3 models are copied (e.g. {@link #defaultCacheDir()}; on Lambda under /tmp)
   * @param s3Stores opens an object store rooted at the given bucket, for {@code s3://} locations
   */
  public ModelResolver(Path cacheDir, Function<String, ObjectStore> s3Stores) {
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    this.s3Stores = Objects.requireNonNull(s3Stores, "s3Stores");
  }

  /** A resolver for local, classpath and model-zoo locations; {@code s3://} locations fail with a clear message. */
  public static ModelResolver withoutS3(Path cacheDir) {
    return new ModelResolver(
        cacheDir,
        bucket -> {
          throw new ModelLoadException("no S3 access configured for model bucket " + bucket);
        });
  }

  /** {@code ${java.io.tmpdir}/docqa-models}: the one writable place on AWS Lambda too. */
  public static Path defaultCacheDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "docqa-models");
  }

  /**
   * The checked local reader-model directory for {@code location}.
   *
   * @throws ModelLoadException when the model cannot be found, fetched, or is incomplete or malformed
   */
  public ModelDirectory resolve(String location) {
    return ModelDirectory.read(fetch(location));
  }

  /**
   * The local directory holding the files at {@code location}, fetched into the cache when remote; its layout is for
   * the caller to check (a reader and an embedder need different files).
   *
   * @throws ModelLoadException when the location cannot be found or fetched
   */
  public Path fetch(String location) {
    Objects.requireNonNull(location, "location");
    String trimmed = location.trim();
    if (trimmed.startsWith(CLASSPATH)) {
      return fromClasspath(trimmed.substring(CLASSPATH.length()));
    }
    if (trimmed.startsWith(S3)) {
      return fromS3(trimmed);
    }
    if (trimmed.startsWith(DJL)) {
      return fromModelZoo(trimmed);
    }
    if (trimmed.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new ModelLoadException(
          "unsupported model location " + location + ": use a directory, classpath:, s3:// or djl://");
    }
    try {
      Path dir = Path.of(trimmed);
      if (!Files.isDirectory(dir)) {
        throw new ModelLoadException("model directory " + dir + " does not exist or is not a directory");
      }
      return dir;
    } catch (InvalidPathException e) {
      throw new ModelLoadException("model location " + location + " is not a valid path: " + e.getMessage(), e);
    }
  }

  private Path fromClasspath(String resource) {
    String base = stripSlashes(resource);
    if (base.isEmpty()) {
      throw new ModelLoadException("classpath model location needs a resource folder, e.g. classpath:models/minilm-squad");
    }
    ClassLoader loader = ModelResolver.class.getClassLoader();
    Properties serving = new Properties();
    try (InputStream in = loader.getResourceAsStream(base + "/serving.properties")) {
      if (in == null) {
        throw new ModelLoadException(
            "no classpath resource " + base + "/serving.properties (a classpath model must name its files there)");
      }
      serving.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed \\uXXXX escape, as ServingProperties reports it for folders
      throw new ModelLoadException("cannot read classpath resource " + base + "/serving.properties: " + e.getMessage(),
          e);
    }
    String modelName = serving.getProperty("option.modelName", "").trim();
    if (modelName.isEmpty()) {
      throw new ModelLoadException("classpath resource " + base + "/serving.properties does not set option.modelName");
    }
    List<String> files = Stream.concat(CLASSPATH_FILES.stream(), Stream.of(modelName + ".pt")).toList();
    return publish(
        cacheDir.resolve("classpath").resolve(base),
        temp -> {
          MessageDigest digest = sha256();
          for (String file : files) {
            try (InputStream in = loader.getResourceAsStream(base + "/" + file)) {
              if (in == null) {
                throw new ModelLoadException("no classpath resource " + base + "/" + file);
              }
              digest.update(file.getBytes(StandardCharsets.UTF_8));
              try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp.resolve(file)), digest)) {
                in.transferTo(out);
              }
            }
          }
          return HexFormat.of().formatHex(digest.digest(), 0, 8);
        });
  }

  private Path fromS3(String location) {
    String rest = location.substring(S3.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : stripSlashes(rest.substring(slash + 1));
    if (bucket.isEmpty()) {
      throw new ModelLoadException("model location " + location + " names no bucket");
    }
    String listPrefix = prefix.isEmpty() ? "" : prefix + "/";
    ObjectStore store = s3Stores.apply(bucket);
    List<ObjectInfo> objects;
    try {
      objects = store.list(listPrefix).stream().filter(o -> !o.key().endsWith("/")).toList();
    } catch (DocqaException e) {
      throw new ModelLoadException("cannot list model objects under " + location + ": " + e.getMessage(), e);
    }
    if (objects.isEmpty()) {
      throw new ModelLoadException("no model objects under " + location);
    }
    MessageDigest digest = sha256();
    for (ObjectInfo object : objects) {
      String line = object.key() + '\0' + object.etag() + '\0' + object.size() + '\n';
      digest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    String version = HexFormat.of().formatHex(digest.digest(), 0, 8);
    Path target = cacheDir.resolve("s3").resolve(bucket).resolve(prefix.isEmpty() ? "_root" : prefix);
    if (Files.isDirectory(target.resolve(version))) {
      return target.resolve(version); // fetched before: same keys, same ETags
    }
    return publish(
        target,
        temp -> {
          for (ObjectInfo object : objects) {
            String relative = object.key().substring(listPrefix.length());
            Path file = temp.resolve(relative).normalize();
            if (!file.startsWith(temp) || relative.contains("..")) {
              throw new ModelLoadException("refusing model object key " + object.key() + " under " + location);
            }
            Files.createDirectories(file.getParent());
            try {
              store.download(object.key(), file);
            } catch (DocqaException e) {
              throw new ModelLoadException(
                  "cannot download " + S3 + bucket + "/" + object.key() + ": " + e.getMessage(), e);
            }
          }
          return version;
        });
  }

  private static Path fromModelZoo(String url) {
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelUrls(url)
            .optEngine("PyTorch")
            .optTranslator(new NoopTranslator())
            .build();
    // DJL fetches zoo models only while loading; the directory stays in its cache and is read from there.
    try (ZooModel<NDList, NDList> model = criteria.loadModel()) {
      return model.getModelPath();
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new ModelLoadException("cannot fetch model " + url + " from the DJL model zoo: " + e.getMessage(), e);
    }
  }

  /** Fills a temporary directory and renames it to {@code target/<version>} unless that exists. */
  private Path publish(Path target, Filler filler) {
    Path temp = null;
    try {
      Files.createDirectories(target);
      temp = Files.createTempDirectory(target, ".incoming-");
      String version = filler.fill(temp);
      Path published = target.resolve(version);
      if (Files.isDirectory(published)) {
        return published;
      }
      try {
        Files.move(temp, published, StandardCopyOption.ATOMIC_MOVE);
        temp = null;
      } catch (AtomicMoveNotSupportedException e) {
        throw new ModelLoadException("model cache " + cacheDir + " does not support atomic renames", e);
      } catch (FileSystemException e) {
        // Another process published the same version first: use theirs. Linux reports renaming onto its non-empty
        // directory as a plain FileSystemException ("Directory not empty"), not as one of the typed subclasses.
        if (!Files.isDirectory(published)) {
          throw e;
        }
      }
      return published;
    } catch (IOException e) {
      throw new ModelLoadException("cannot write model cache under " + target + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        deleteTree(temp);
      }
    }
  }

  /** Removes a temporary directory; a failure is logged, not thrown, so it never hides the outcome it follows. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove temporary model directory " + dir, e);
    }
  }

  private static String stripSlashes(String path) {
    int from = 0;
    int to = path.length();
    while (from < to && path.charAt(from) == '/') {
      from++;
    }
    while (to > from && path.charAt(to - 1) == '/') {
      to--;
    }
    return path.substring(from, to);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @FunctionalInterface
  private interface Filler {
    /** Writes the model files into {@code dir} and returns a version string naming that content. */
    String fill(Path dir) throws IOException;
  }
}
