package dev.docqa.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.ModelLoadException;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.embedding.Embedders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One reader of {@code serving.properties} for both model kinds: a malformed file or value is a
 * {@link ModelLoadException} naming the file, key and value, whether a reader ({@link ModelDirectory}) or an embedder
 * ({@link Embedders}) reads it.
 */
class ServingPropertiesTest {

  @TempDir Path dir;

  @Test
  void typedValuesWithFallbacks() throws Exception {
    Files.writeString(dir.resolve("serving.properties"),
        "engine = PyTorch \nincludeTokenTypes=TRUE\nmaxLength=384\ndocqa.nullThreshold=-1.5\nblank=\n");
    ServingProperties props = ServingProperties.read(dir);
    assertEquals(Optional.of("PyTorch"), props.get("engine"));
    assertEquals(Optional.empty(), props.get("blank"));
    assertTrue(props.flag("includeTokenTypes", false));
    assertFalse(props.flag("absent", false));
    assertEquals(384, props.positiveInt("maxLength", 256));
    assertEquals(256, props.positiveInt("absent", 256));
    assertEquals(Optional.of(-1.5), props.finiteNumber("docqa.nullThreshold"));
    assertEquals(Optional.empty(), ServingProperties.read(dir.resolve("no-such-dir")).get("engine"));
  }

  @Test
  void malformedValuesNameFileKeyAndValue() throws Exception {
    Files.writeString(dir.resolve("serving.properties"),
        "includeTokenTypes=yes\nmaxLength=0\ndocqa.nullThreshold=NaN\n");
    ServingProperties props = ServingProperties.read(dir);
    ModelLoadException flag = assertThrows(ModelLoadException.class, () -> props.flag("includeTokenTypes", false));
    assertTrue(flag.getMessage().contains("includeTokenTypes must be true or false; got yes"), flag.getMessage());
    assertTrue(flag.getMessage().contains(dir.resolve("serving.properties").toString()), flag.getMessage());
    assertThrows(ModelLoadException.class, () -> props.positiveInt("maxLength", 256));
    assertThrows(ModelLoadException.class, () -> props.finiteNumber("docqa.nullThreshold"));
  }

  /** A broken {@code \\u} escape made {@link java.util.Properties#load} throw a raw IllegalArgumentException. */
  @Test
  void aMalformedFileIsAModelLoadExceptionForBothModelKinds() throws Exception {
    Path tiny = Path.of(getClass().getResource("/models/tiny-embedder").toURI());
    for (String file : new String[] {"tokenizer.json", "tiny-embedder.pt", "config.json"}) {
      Files.copy(tiny.resolve(file), dir.resolve(file));
    }
    Files.writeString(dir.resolve("serving.properties"), "engine=PyTorch\noption.modelName=tiny\\u00zz-embedder\n");

    ModelLoadException embedder = assertThrows(ModelLoadException.class,
        () -> Embedders.openDirectory(dir, new EmbedderSettings(dir.toString(), 4)));
    assertTrue(embedder.getMessage().contains("cannot read " + dir.resolve("serving.properties")),
        embedder.getMessage());
    ModelLoadException reader = assertThrows(ModelLoadException.class, () -> ModelDirectory.read(dir));
    assertEquals(embedder.getMessage(), reader.getMessage(), "the same reader, the same message");
  }
}
