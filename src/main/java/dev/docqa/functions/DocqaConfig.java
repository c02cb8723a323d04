package dev.docqa.functions;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.IndexSettings;
import dev.docqa.config.IngestSettings;
import dev.docqa.config.ReaderSettings;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * docqa's settings as Quarkus reads them ({@code docqa.*} in {@code application.properties}, or environment variables
 * such as {@code DOCQA_STORAGE_LOCATION}). The defaults are {@link DocqaSettings#defaults()}; {@link #toSettings()}
 * builds the core settings the service takes.
 */
@ConfigMapping(prefix = "docqa")
public interface DocqaConfig {

  Storage storage();

  Reader reader();

  Embedder embedder();

  Ingest ingest();

  Retrieval retrieval();

  Functions functions();

  Index index();

  /** The core settings; validation errors name the bad value. */
  default DocqaSettings toSettings() {
    Storage s = storage();
    Reader r = reader();
    Ingest i = ingest();
    return new DocqaSettings(
        new ReaderSettings(r.model(), r.maxSeqLength(), r.docStride(), r.maxAnswerLength(), r.maxBatchSize(),
            r.intraOpThreads(), r.noAnswer(), r.nullThreshold().orElse(null)),
        new EmbedderSettings(embedder().model(), embedder().batchSize()),
        new IngestSettings(i.maxDocumentBytes(), i.extractionTimeout(), i.passageTargetTokens(),
            i.passageOverlapTokens()),
        new RetrievalSettings(RetrieverMode.parse(retrieval().mode()), retrieval().topK()),
        new StorageSettings(s.location(), Path.of(s.cacheDir()), s.maxStaleness(), s.documentPrefix(),
            s.indexPrefix(), s.gcGrace(), s.s3Endpoint().orElse(null), s.s3Region(), s.s3PathStyle()),
        new IndexSettings(index().location(), index().knnEngine().orElse(null), index().requestTimeout()));
  }

  /**
   * {@code docqa.index.*}: where the passage index lives (see {@link IndexSettings}). {@code embedded} (the default)
   * keeps Lucene files under the storage location's index prefix; {@code opensearch+https://HOST/INDEX} names an
   * OpenSearch index, SigV4-signed for {@code aoss} on {@code *.aoss.amazonaws.com} hosts and {@code es} on
   * {@code *.es.amazonaws.com} hosts.
   */
  interface Index {
    @WithDefault(IndexSettings.EMBEDDED)
    String location();

    /** {@code lucene} or {@code faiss}; unset: {@code faiss} on a Serverless endpoint, else {@code lucene}. */
    Optional<String> knnEngine();

    @WithDefault("PT30S")
    Duration requestTimeout();
  }

  /** {@code docqa.storage.*}: see {@link StorageSettings}. */
  interface Storage {
    @WithDefault("docqa-data/store")
    String location();

    @WithDefault("docqa-data/cache")
    String cacheDir();

    @WithDefault("PT2S")
    Duration maxStaleness();

    @WithDefault(StorageSettings.DEFAULT_DOCUMENT_PREFIX)
    String documentPrefix();

    @WithDefault(StorageSettings.DEFAULT_INDEX_PREFIX)
    String indexPrefix();

    @WithDefault("PT15M")
    Duration gcGrace();

    /** Only for code that builds its own S3 client; the functions use Quarkus' {@code quarkus.s3.*} client. */
    Optional<String> s3Endpoint();

    @WithDefault(StorageSettings.DEFAULT_S3_REGION)
    String s3Region();

    @WithDefault("false")
    boolean s3PathStyle();
  }

  /** {@code docqa.reader.*}: see {@link ReaderSettings}. */
  interface Reader {
    @WithDefault(ReaderSettings.DEFAULT_MODEL)
    String model();

    @WithDefault("384")
    int maxSeqLength();

    @WithDefault("128")
    int docStride();

    @WithDefault("15")
    int maxAnswerLength();

    @WithDefault("4")
    int maxBatchSize();

    @WithDefault("0")
    int intraOpThreads();

    /** Whether "no answer" is a possible outcome by default (a request's {@code no_answer} overrides it). */
    @WithDefault("false")
    boolean noAnswer();

    /** The no-answer margin; absent: the model's calibrated {@code docqa.nullThreshold}, else 0. */
    Optional<Double> nullThreshold();
  }

  /** {@code docqa.embedder.*}: see {@link EmbedderSettings}. */
  interface Embedder {
    @WithDefault(EmbedderSettings.DEFAULT_MODEL)
    String model();

    @WithDefault("32")
    int batchSize();
  }

  /** {@code docqa.ingest.*}: see {@link IngestSettings}. */
  interface Ingest {
    @WithDefault("104857600")
    long maxDocumentBytes();

    @WithDefault("PT2M")
    Duration extractionTimeout();

    @WithDefault("256")
    int passageTargetTokens();

    @WithDefault("32")
    int passageOverlapTokens();
  }

  /** {@code docqa.functions.*}: settings of the Lambda adapters only. */
  interface Functions {
    /**
     * The bucket whose notifications {@code ingest} accepts. Defaults to the bucket of an {@code s3://} storage
     * location; needed only when the store is a local folder fed by S3-shaped events (tests, local runs).
     */
    Optional<String> eventBucket();
  }

  /** {@code docqa.retrieval.*}: see {@link RetrievalSettings}. */
  interface Retrieval {
    @WithDefault("hybrid")
    String mode();

    @WithDefault("5")
    int topK();
  }
}
