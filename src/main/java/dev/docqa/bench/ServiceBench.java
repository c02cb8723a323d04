package dev.docqa.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.IngestSettings;
import dev.docqa.document.Passage;
import dev.docqa.embedding.Embedder;
import dev.docqa.ingestion.DocumentExtractor;
import dev.docqa.ingestion.ExtractedDocument;
import dev.docqa.ingestion.HuggingFaceSpanTokenizer;
import dev.docqa.ingestion.PassageSplitter;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQaService;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestOutcome;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service end to end over a generated corpus: ingestion (extract, split, embed, index, publish) against embedding
 * the same passages alone, then questions (retrieve + read) at several top-k. Leaves the published index in the store
 * for the cold-start section.
 */
final class ServiceBench {

  private static final int ASK_TOP_K = 5;

  /** The ingest and ask sections, and the ask-latency series for the plot (top-k to p50 ms). */
  record Figures(ObjectNode ingest, ObjectNode ask, Map<Integer, Double> askP50ByTopK) {}

  private final DocqaSettings settings;
  private final ModelResolver resolver;
  private final Embedder embedder;
  private final BenchSizes sizes;
  private final Path workDir;

  /**
   * @param embedder an embedder like the service's own, for the bare-embedding ceiling
   */
  ServiceBench(DocqaSettings settings, ModelResolver resolver, Embedder embedder, BenchSizes sizes, Path workDir) {
    this.settings = settings;
    this.resolver = resolver;
    this.embedder = embedder;
    this.sizes = sizes;
    this.workDir = workDir;
  }

  Figures run(Corpus corpus) {
    List<Path> documents = new ArrayList<>();
    for (int d = 0; d <= sizes.documents(); d++) { // document 0 warms up
      documents.add(corpus.writeDocument(workDir.resolve("documents"), "doc-" + d + ".txt", sizes.documentWords()));
    }
    try (ObjectStore store = ObjectStores.open(settings.storage());
        DocQaService service = DocQaService.open(settings, store, resolver)) {
      ObjectNode ingest = ingest(service, documents);
      Map<Integer, Double> byTopK = new LinkedHashMap<>();
      ObjectNode ask = ask(service, corpus, byTopK);
      return new Figures(ingest, ask, byTopK);
    }
  }

  private ObjectNode ingest(DocQaService service, List<Path> documents) {
    service.ingest(id(documents.getFirst()), documents.getFirst(), "v1");
    long began = System.nanoTime();
    int passages = 0;
    // One batch, as the CLI ingests a folder: one index commit and publish for all of them.
    List<DocumentSource> batch =
        documents.subList(1, documents.size()).stream().map(d -> new DocumentSource(id(d), d, "v1")).toList();
    for (IngestOutcome outcome : service.ingestAll(batch)) {
      if (outcome.status() != IngestOutcome.Status.INDEXED) {
        throw new IllegalStateException("benchmark document not indexed: " + outcome);
      }
      passages += outcome.passages();
    }
    double ingestSeconds = (System.nanoTime() - began) / 1e9;

    // The same passages, embedded alone in the same per-document calls.
    List<List<String>> texts = new ArrayList<>();
    long extractNanos = 0;
    long splitNanos = 0;
    IngestSettings ingestSettings = settings.ingest();
    try (DocumentExtractor extractor = new DocumentExtractor(ingestSettings);
        HuggingFaceSpanTokenizer tokenizer =
            HuggingFaceSpanTokenizer.open(resolver.resolve(settings.reader().model()).tokenizerFile())) {
      PassageSplitter splitter = new PassageSplitter(tokenizer, ingestSettings);
      for (Path document : documents) {
        long extractBegan = System.nanoTime();
        ExtractedDocument extracted = extractor.extract(id(document), document);
        long splitBegan = System.nanoTime();
        texts.add(splitter.split(id(document), extracted).stream().map(Passage::text).toList());
        if (texts.size() > 1) { // document 0 warms up
          extractNanos += splitBegan - extractBegan;
          splitNanos += System.nanoTime() - splitBegan;
        }
      }
    }
    embedder.embedPassages(texts.getFirst());
    began = System.nanoTime();
    for (List<String> document : texts.subList(1, texts.size())) {
      embedder.embedPassages(document);
    }
    double embedSeconds = (System.nanoTime() - began) / 1e9;
    int embedded = texts.subList(1, texts.size()).stream().mapToInt(List::size).sum();
    if (embedded != passages) {
      throw new IllegalStateException("split differs from ingest: " + embedded + " vs " + passages + " passages");
    }

    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("documents", documents.size() - 1);
    json.put("passages", passages);
    json.put("passages_per_s", Samples.round(passages / ingestSeconds));
    json.put("raw_embed_passages_per_s", Samples.round(passages / embedSeconds));
    json.put("efficiency", Samples.round(embedSeconds / ingestSeconds));
    // Where ingest time goes: the rest (ingest - extract - split - embed) is indexing and publishing.
    ObjectNode seconds = json.putObject("seconds");
    seconds.put("ingest", Samples.round(ingestSeconds));
    seconds.put("extract", Samples.round(extractNanos / 1e9));
    seconds.put("split", Samples.round(splitNanos / 1e9));
    seconds.put("embed", Samples.round(embedSeconds));
    json.put("note", "ingest: extract, split, embed each document, then index and publish them as one "
        + "commit to a local store (DocQa.ingestAll, as the CLI ingests a folder) after one warm-up document; raw: "
        + "the same passages through the embedder alone, same per-document calls");
    return json;
  }

  private ObjectNode ask(DocQaService service, Corpus corpus, Map<Integer, Double> byTopK) {
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < sizes.askQuestions(); i++) {
      questions.add(corpus.question());
    }
    double[] retrieveMs = new double[questions.size()];
    double[] readMs = new double[questions.size()];
    Samples total = Samples.time(2, questions.size(), i -> {
      AskResult result = service.ask(new AskRequest(questions.get(i), ASK_TOP_K, null, null, 0));
      retrieveMs[i] = result.timingsMs().get("retrieve");
      readMs[i] = result.timingsMs().get("read");
    });
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("top_k", ASK_TOP_K);
    json.put("questions", questions.size());
    json.put("retriever", settings.retrieval().mode().id());
    json.put("query_embedding_included", true);
    json.put("p50_ms", Samples.round(total.median()));
    json.put("p95_ms", Samples.round(total.percentile(95)));
    json.put("retrieve_p50_ms", Samples.round(Samples.of(retrieveMs).median()));
    json.put("read_p50_ms", Samples.round(Samples.of(readMs).median()));
    ObjectNode series = json.putObject("p50_ms_by_top_k");
    for (int topK : sizes.askTopKs()) {
      Samples samples = Samples.time(1, sizes.topKQuestions(),
          i -> service.ask(new AskRequest(questions.get(i % questions.size()), topK, null, null, 0)));
      byTopK.put(topK, samples.median());
      series.put(Integer.toString(topK), Samples.round(samples.median()));
    }
    return json;
  }


  private static String id(Path document) {
    return document.getFileName().toString();
  }
}
