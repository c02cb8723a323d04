package dev.docqa.models;

import dev.docqa.ModelLoadException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * A model directory's {@code serving.properties} (DJL's serving format: {@code engine}, {@code option.modelName}, plus
 * docqa's keys such as {@code includeTokenTypes}, {@code maxLength}, {@code docqa.nullThreshold}), read once and with
 * typed, checked getters. The one reader of the file for readers and embedders alike: whatever is malformed, the file
 * itself or a value, is a {@link ModelLoadException} naming the file, the key and the value.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServingProperties {

  /** The file name inside a model directory. */
  public static final String FILE_NAME = "serving.properties";

  private final Path file;
  private final Properties properties;

  private ServingProperties(Path file, Properties properties) {
    this.file = file;
    this.properties = properties;
  }

  /**
   * Reads {@code dir/serving.properties}; a directory without one has no properties.
   *
   * @throws ModelLoadException when the file cannot be read or is not a properties file (e.g. a malformed
   *     {@code \\uXXXX} escape)
   */
  public static ServingProperties read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    Properties properties = new Properties();
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return new ServingProperties(file, properties);
  }

  /** Every key, sorted (a trained reader copies its base's). */
  public java.util.SortedSet<String> keys() {
    return new java.util.TreeSet<>(properties.stringPropertyNames());
  }

  /** The value of {@code key}, trimmed; empty when absent or blank. */
  public Optional<String> get(String key) {
    String value = properties.getProperty(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /**
   * {@code true} or {@code false} (any case), or {@code fallback} when absent.
   *
   * @throws ModelLoadException for any other value
   */
  public boolean flag(String key, boolean fallback) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw malformed(key, "true or false", value.get());
    };
  }

  /**
   * A positive integer, or {@code fallback} when absent.
   *
   * @throws ModelLoadException when it is not a positive integer
   */
  public int positiveInt(String key, int fallback) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      throw malformed(key, "a positive integer", value.get());
    }
    throw malformed(key, "a positive integer", value.get());
  }

  /**
   * A finite number, or empty when absent.
   *
   * @throws ModelLoadException when it is not a finite number
   */
  public Optional<Double> finiteNumber(String key) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      double parsed = Double.parseDouble(value.get());
      if (Double.isFinite(parsed)) {
        return Optional.of(parsed);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw malformed(key, "a finite number", value.get());
  }

  /** The file these properties come from (it may not exist). */
  public Path file() {
    return file;
  }

  private ModelLoadException malformed(String key, String expected, String value) {
    return new ModelLoadException("malformed " + file + ": " + key + " must be " + expected + "; got " + value);
  }

  @Override
  public String toString() {
    return "ServingProperties[" + file + ", " + properties.stringPropertyNames() + "]";
  }
}
