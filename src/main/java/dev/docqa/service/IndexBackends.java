package dev.docqa.service;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.IndexSettings;
import dev.docqa.index.IndexBackend;
import dev.docqa.opensearch.OpenSearchIndex;
import dev.docqa.opensearch.OpenSearchSettings;
import dev.docqa.replication.EmbeddedIndex;
import dev.docqa.storage.ObjectStore;
import java.util.Locale;

/** Opens the index backend that {@link IndexSettings} names: the one place that knows every backend. */
public final class IndexBackends {

  private IndexBackends() {}

  /**
   * The backend of {@code settings}: the embedded index published in {@code store}, or OpenSearch.
   *
   * @param dimension the length of the vectors that will be written; {@code 0} to only read (an OpenSearch index must
   *     then exist)
   * @throws dev.docqa.DocqaException when the index cannot be opened or holds vectors of another dimension
   * @throws dev.docqa.index.IndexUnavailableException when OpenSearch cannot be reached
   */
  public static IndexBackend open(DocqaSettings settings, ObjectStore store, int dimension) {
    IndexSettings index = settings.index();
    if (index.isEmbedded()) {
      return EmbeddedIndex.openParts(store, settings.storage()).withDimension(dimension);
    }
    return OpenSearchIndex.open(openSearch(index), dimension);
  }

  /** The OpenSearch connection {@code index} describes. */
  public static OpenSearchSettings openSearch(IndexSettings index) {
    OpenSearchSettings settings = OpenSearchSettings.parse(index.location()).withRequestTimeout(index.requestTimeout());
    return index.knnEngine() == null
        ? settings
        : settings.withKnnEngine(OpenSearchSettings.KnnEngine.valueOf(index.knnEngine().toUpperCase(Locale.ROOT)));
  }
}
