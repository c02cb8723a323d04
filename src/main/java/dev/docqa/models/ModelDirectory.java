package dev.docqa.models;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.ModelLoadException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A checked local model directory in the layout DJL's converter writes: a TorchScript {@code <name>.pt},
 * {@code tokenizer.json}, {@code config.json} (Hugging Face model config, read for {@code max_position_embeddings} and
 * {@code model_type}) and {@code serving.properties} ({@code option.modelName}, {@code includeTokenTypes}). The last
 * two are optional: without them the single {@code *.pt} file is the model, it takes no token type ids, and nothing
 * caps the window length.
 *
 * @param dir the directory
 * @param modelFile the TorchScript file
 * @param modelName the file's name without {@code .pt}, as DJL wants it
 * @param tokenizerFile the Hugging Face {@code tokenizer.json}
 * @param includeTokenTypes whether the model takes {@code token_type_ids} as its third input
 * @param modelType {@code model_type} from config.json, or {@code ""} when absent
 * @param maxPositions {@code max_position_embeddings} from config.json, or 0 when absent
 * @param calibratedNullThreshold {@code docqa.nullThreshold} from serving.properties (set by {@code docqa train} when
 *     it calibrates a reader on a dev set with negatives), or {@code null}
 */
public record ModelDirectory(
    Path dir,
    Path modelFile,
    String modelName,
    Path tokenizerFile,
    boolean includeTokenTypes,
    String modelType,
    int maxPositions,
    Double calibratedNullThreshold) {

  /** Model types whose position ids start after the padding index, so two positions are never usable. */
  private static final Set<String> PADDING_OFFSET_POSITIONS = Set.of("roberta", "xlm-roberta", "camembert");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads and checks {@code dir}.
   *
   * @throws ModelLoadException naming the missing or malformed part
   */
  public static ModelDirectory read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModelLoadException("model directory " + dir + " does not exist or is not a directory");
    }
    ServingProperties serving = ServingProperties.read(dir);
    Path modelFile = modelFile(dir, serving.get("option.modelName").orElse(null));
    Path tokenizer = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizer)) {
      throw new ModelLoadException("model directory " + dir + " has no tokenizer.json");
    }
    JsonNode config = config(dir);
    String fileName = modelFile.getFileName().toString();
    return new ModelDirectory(
        dir,
        modelFile,
        fileName.substring(0, fileName.length() - ".pt".length()),
        tokenizer,
        serving.flag("includeTokenTypes", false),
        config.path("model_type").asText(""),
        maxPositions(dir, config),
        serving.finiteNumber("docqa.nullThreshold").orElse(null));
  }

  /**
   * Loads the TorchScript module with tensors in and out and no translator: how the reader runs it, and so how its
   * benchmark's bare forward must run it too.
   *
   * @throws ModelLoadException when DJL cannot load it
   */
  public ZooModel<NDList, NDList> loadTorchScript() {
    Criteria<NDList, NDList> criteria = Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(dir)
        .optModelName(modelName)
        .optEngine("PyTorch")
        .optOption("mapLocation", "true")
        .optTranslator(new NoopTranslator())
        .build();
    try {
      return criteria.loadModel();
    } catch (IOException | ModelNotFoundException | MalformedModelException | EngineException e) {
      throw new ModelLoadException("cannot load TorchScript model " + modelFile + ": " + e.getMessage(), e);
    }
  }

  /** Longest input the model's position table allows (tokens), when config.json says. */
  public OptionalInt maxSequenceLength() {
    if (maxPositions == 0) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(PADDING_OFFSET_POSITIONS.contains(modelType) ? maxPositions - 2 : maxPositions);
  }

  private static Path modelFile(Path dir, String modelName) {
    if (modelName != null && !modelName.isBlank()) {
      Path named = dir.resolve(modelName.trim() + ".pt");
      if (!Files.isRegularFile(named)) {
        throw new ModelLoadException(
            "model directory " + dir + " has no " + named.getFileName() + " (option.modelName in serving.properties)");
      }
      return named;
    }
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pt")) {
      files.forEach(candidates::add);
    } catch (IOException e) {
      throw new ModelLoadException("cannot list model directory " + dir + ": " + e.getMessage(), e);
    }
    if (candidates.size() != 1) {
      throw new ModelLoadException(
          "model directory " + dir + " needs exactly one TorchScript *.pt file (or option.modelName in "
              + "serving.properties); found " + candidates.size());
    }
    return candidates.get(0);
  }

  private static JsonNode config(Path dir) {
    Path file = dir.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      return JSON.createObjectNode(); // some zoo models ship without one: then nothing caps the window length
    }
    JsonNode config;
    try {
      config = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelLoadException("malformed " + file + ": " + e.getMessage(), e);
    }
    if (config == null || !config.isObject()) {
      throw new ModelLoadException("malformed " + file + ": expected a JSON object");
    }
    return config;
  }

  private static int maxPositions(Path dir, JsonNode config) {
    JsonNode positions = config.get("max_position_embeddings");
    if (positions == null || positions.isNull()) {
      return 0;
    }
    if (!positions.canConvertToInt() || !positions.isIntegralNumber() || positions.intValue() <= 0) {
      throw new ModelLoadException(
          "malformed " + dir.resolve("config.json") + ": max_position_embeddings must be a positive integer; got "
              + positions);
    }
    return positions.intValue();
  }
}
