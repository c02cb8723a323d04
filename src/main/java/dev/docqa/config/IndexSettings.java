package dev.docqa.config;

import java.time.Duration;

/**
 * Which index backend holds the passages.
 *
 * @param location {@value #EMBEDDED} (the Lucene index published with the documents, as {@link StorageSettings} says)
 *     or an OpenSearch index: {@code opensearch+http://HOST:PORT/INDEX}, {@code opensearch+https://HOST/INDEX}
 *     (SigV4-signed on AWS: {@code es} for domains, {@code aoss} for Serverless collections)
 * @param knnEngine the k-NN engine of an OpenSearch index docqa creates: {@code lucene}, or {@code faiss} (what
 *     Serverless vector collections use); {@code null}: {@code faiss} on a Serverless endpoint, else {@code lucene}
 * @param requestTimeout how long one OpenSearch request may take before the index counts as unavailable
 */
public record IndexSettings(String location, String knnEngine, Duration requestTimeout) {

  public static final String EMBEDDED = "embedded";
  public static final String OPENSEARCH_SCHEME = "opensearch+";

  public IndexSettings {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("index location must be '" + EMBEDDED + "' or opensearch+http(s)://HOST/INDEX");
    }
    if (!location.equals(EMBEDDED) && !location.startsWith(OPENSEARCH_SCHEME)) {
      throw new IllegalArgumentException("index location must be '" + EMBEDDED
          + "' or opensearch+http(s)://HOST/INDEX; location=" + location);
    }
    if (knnEngine != null && knnEngine.isBlank()) {
      knnEngine = null;
    }
    if (knnEngine != null && !"lucene".equals(knnEngine) && !"faiss".equals(knnEngine)) {
      throw new IllegalArgumentException("knnEngine must be lucene or faiss; knnEngine=" + knnEngine);
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive; requestTimeout=" + requestTimeout);
    }
  }

  public static IndexSettings defaults() {
    return new IndexSettings(EMBEDDED, null, Duration.ofSeconds(30));
  }

  /** Whether passages live in the embedded Lucene index rather than OpenSearch. */
  public boolean isEmbedded() {
    return location.equals(EMBEDDED);
  }

  public IndexSettings withLocation(String value) {
    return new IndexSettings(value, knnEngine, requestTimeout);
  }
}
