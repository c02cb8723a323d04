package dev.docqa.training;

import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ServingProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a model being trained as a reader folder in docqa's layout: {@code <name>.pt} (plain TorchScript),
 * {@code tokenizer.json} and {@code config.json} from the base, and {@code serving.properties} with the base's
 * settings plus what the run records ({@code docqa.*} keys).
 */
final class ReaderFolder {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReaderFolder() {}

  /** The TorchScript module with its current weights, switched to inference mode while it is written. */
  static void writeModel(PtSymbolBlock block, Path file) throws IOException {
    JniUtils.enableInferenceMode(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      JniUtils.writeModule(block, out, false);
    } finally {
      JniUtils.enableTrainingMode(block);
    }
  }

  /**
   * A complete reader folder at {@code dir} (created; must not exist).
   *
   * @param modelFile the TorchScript file to copy in as {@code <name>.pt}
   * @param recorded {@code docqa.*} keys for serving.properties
   */
  static void write(Path dir, String name, Path modelFile, ModelDirectory base, Map<String, String> recorded,
      String note) throws IOException {
    Files.createDirectories(dir);
    Files.copy(modelFile, dir.resolve(name + ".pt"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(base.tokenizerFile(), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    ObjectNode config = Files.isRegularFile(base.dir().resolve("config.json"))
        ? (ObjectNode) JSON.readTree(base.dir().resolve("config.json").toFile())
        : JSON.createObjectNode();
    config.put("docqa_note", note);
    Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config)
        + "\n");
    Map<String, String> serving = new TreeMap<>();
    ServingProperties inherited = ServingProperties.read(base.dir());
    inherited.keys().stream()
        .filter(key -> !key.startsWith("docqa."))
        .forEach(key -> serving.put(key, inherited.get(key).orElse("")));
    serving.put("engine", "PyTorch");
    serving.put("option.modelName", name);
    serving.put("option.mapLocation", "true");
    serving.put("includeTokenTypes", Boolean.toString(base.includeTokenTypes()));
    serving.putAll(recorded);
    try (Writer out = Files.newBufferedWriter(dir.resolve("serving.properties"), StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> entry : serving.entrySet()) {
        out.write(entry.getKey() + "=" + escape(entry.getValue()) + "\n");
      }
    }
  }

  /**
   * Sets {@code docqa.*} keys in a reader folder's serving.properties, replacing earlier values of the same keys and
   * keeping every other line; the file is swapped in whole, so a reader never sees it half-written.
   */
  static void record(Path dir, Map<String, String> recorded) throws IOException {
    Path file = dir.resolve("serving.properties");
    StringBuilder lines = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!recorded.containsKey(key(line))) {
        lines.append(line).append('\n');
      }
    }
    recorded.forEach((key, value) -> lines.append(key).append('=').append(escape(value)).append('\n'));
    Path staging = Files.createTempFile(dir, ".serving", ".properties");
    try {
      Files.writeString(staging, lines, StandardCharsets.UTF_8);
      Files.move(staging, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(staging);
    }
  }

  /** The key of a properties line as {@link java.util.Properties} reads it (escapes aside: docqa keys have none). */
  private static String key(String line) {
    String trimmed = line.stripLeading();
    int end = 0;
    while (end < trimmed.length() && "=: \t".indexOf(trimmed.charAt(end)) < 0) {
      end++;
    }
    return trimmed.substring(0, end);
  }

  /** The base's own lineage ({@code docqa.base} in its serving.properties), or the location it was named by. */
  static String lineage(ModelDirectory base, String location) {
    return ServingProperties.read(base.dir()).get("docqa.base").map(earlier -> location + " <- " + earlier)
        .orElse(location);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:");
  }
}
