package dev.docqa.reading;

import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ModelResolver;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Where the project's tiny random-weight test models are (made by src/tools/make_test_models.py). */
final class TinyModels {

  /** The tiny reader that takes input_ids, attention_mask, token_type_ids (BERT layout, like the default reader). */
  static final String WITH_TYPES = "classpath:models/tiny-qa";

  private TinyModels() {}

  /** A test-resource model directory, e.g. {@code tiny-qa-notype} (input_ids, attention_mask only). */
  static Path testModel(String name) {
    URL url = TinyModels.class.getClassLoader().getResource("models/" + name + "/config.json");
    if (url == null) {
      throw new IllegalStateException("missing test model " + name + ": run src/tools/make_test_models.py");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ModelDirectory resolve(String location, Path cache) {
    return ModelResolver.withoutS3(cache).resolve(location);
  }
}
