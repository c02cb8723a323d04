package dev.docqa.opensearch;

import dev.docqa.DocqaException;
import dev.docqa.document.Passage;
import dev.docqa.index.EmptyIndexException;
import dev.docqa.index.IndexView;
import dev.docqa.index.RankRequest;
import dev.docqa.index.RankedHit;
import dev.docqa.index.Rankings;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.indexing.Sequencers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.opensearch.core.MgetResponse;
import org.opensearch.client.opensearch.core.MsearchResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.opensearch.client.opensearch.core.msearch.MultiSearchResponseItem;
import org.opensearch.client.opensearch.core.msearch.RequestItem;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * A view of an OpenSearch index: each call reads the index as it is then (searches see the engine's last refresh,
 * document lookups are real-time), so {@link #generation()} is {@code 0}. {@link #rank} sends one {@code _msearch} and
 * keeps the passages it ranked, so {@link #passages} needs no round trip. Not thread-safe (one request's view).
 */
final class OpenSearchView implements IndexView {

  /** Heads per page when listing documents ({@code search_after}, so no 10,000-hit limit). */
  private static final int PAGE = 1000;
  /** Passages per {@code _mget} when exporting a document (each carries its vector). */
  private static final int EXPORT_BATCH = 500;

  private final OpenSearchClient client;
  private final Calls calls;
  private final OpenSearchSettings settings;
  private final int dimension;
  private final Map<String, PassageSource> ranked = new HashMap<>();

  OpenSearchView(OpenSearchClient client, Calls calls, OpenSearchSettings settings, int dimension) {
    this.client = client;
    this.calls = calls;
    this.settings = settings;
    this.dimension = dimension;
  }

  @Override
  public long generation() {
    return 0;
  }

  @Override
  public boolean isEmpty() {
    try {
      SearchResponse<Void> response = calls.run("counting passages", () -> client.search(s -> s
          .index(settings.index()).size(0).trackTotalHits(t -> t.count(1)).query(IndexLayout.passages()), Void.class));
      return response.hits().total() == null || response.hits().total().value() == 0;
    } catch (Calls.Rejected e) {
      if (e.missingIndex()) {
        return true;
      }
      throw e;
    }
  }

  @Override
  public Rankings rank(RankRequest request) {
    if (request.vector() != null && request.vector().length != dimension) {
      throw new DocqaException("the question vector has dimension " + request.vector().length + ", but OpenSearch "
          + "index " + settings.index() + " holds vectors of dimension " + dimension);
    }
    List<RequestItem> searches = new ArrayList<>();
    searches.add(RequestItem.of(r -> r.header(h -> h).body(b -> b
        .size(0).trackTotalHits(t -> t.count(1)).query(IndexLayout.passages()))));
    List<Query> filters = IndexLayout.passageFilters(request.documentPrefix());
    int lexical = -1;
    if (!request.terms().isEmpty()) {
      List<Query> terms = request.terms().stream().map(term -> IndexLayout.term(IndexLayout.TEXT, term)).toList();
      lexical = searches.size();
      searches.add(RequestItem.of(r -> r.header(h -> h).body(b -> b
          .size(request.depth())
          .query(q -> q.bool(bool -> bool.should(terms).minimumShouldMatch("1").filter(filters)))
          .source(s -> s.filter(f -> f.excludes(IndexLayout.VECTOR))))));
    }
    int semantic = -1;
    if (request.vector() != null) {
      List<Float> vector = new ArrayList<>(request.vector().length);
      for (float v : request.vector()) {
        vector.add(v);
      }
      semantic = searches.size();
      searches.add(RequestItem.of(r -> r.header(h -> h).body(b -> b
          .size(request.depth())
          .query(q -> q.knn(k -> k.field(IndexLayout.VECTOR).vector(vector).k(request.candidates())
              .filter(f -> f.bool(bool -> bool.filter(filters)))))
          .source(s -> s.filter(f -> f.excludes(IndexLayout.VECTOR))))));
    }
    MsearchResponse<PassageSource> response;
    try {
      response = calls.run("ranking passages",
          () -> client.msearch(m -> m.index(settings.index()).searches(searches), PassageSource.class));
    } catch (Calls.Rejected e) {
      if (e.missingIndex()) {
        throw missingIndex();
      }
      throw e;
    }
    List<MultiSearchResponseItem<PassageSource>> results = response.responses();
    if (total(results.getFirst()) == 0) {
      throw new EmptyIndexException("nothing is indexed in OpenSearch index " + settings.index() + " at "
          + settings.endpoint() + " yet: ingest documents first");
    }
    return new Rankings(
        lexical < 0 ? List.of() : hits(results.get(lexical), score -> score),
        semantic < 0 ? List.of() : hits(results.get(semantic), IndexLayout::cosine));
  }

  @Override
  public List<Passage> passages(List<RankedHit> hits) {
    List<Passage> passages = new ArrayList<>(hits.size());
    for (RankedHit hit : hits) {
      PassageSource source = ranked.get(hit.key());
      if (source == null) {
        throw new IllegalArgumentException("not a passage this view ranked; key=" + hit.key());
      }
      passages.add(source.passage());
    }
    return passages;
  }

  @Override
  public Optional<IndexedDocument> document(String documentId) {
    return head(documentId).flatMap(HeadSource::document);
  }

  @Override
  public List<IndexedDocument> documents() {
    List<IndexedDocument> documents = new ArrayList<>();
    List<FieldValue> after = null;
    while (true) {
      List<FieldValue> from = after;
      SearchResponse<HeadSource> page;
      try {
        page = calls.run("listing documents", () -> client.search(s -> {
          s.index(settings.index()).size(PAGE)
              .query(q -> q.bool(b -> b.filter(IndexLayout.presentHeads())))
              .sort(o -> o.field(f -> f.field(IndexLayout.DOC_ID).order(SortOrder.Asc)));
          return from == null ? s : s.searchAfter(from);
        }, HeadSource.class));
      } catch (Calls.Rejected e) {
        if (e.missingIndex()) {
          return documents;
        }
        throw e;
      }
      List<Hit<HeadSource>> hits = page.hits().hits();
      for (Hit<HeadSource> hit : hits) {
        hit.source().document().ifPresent(documents::add);
      }
      if (hits.size() < PAGE) {
        return documents;
      }
      after = hits.getLast().sort();
    }
  }

  @Override
  public Optional<DocumentPassages> export(String documentId) {
    Optional<HeadSource> head = head(documentId).filter(h -> !h.tombstone());
    if (head.isEmpty()) {
      return Optional.empty();
    }
    HeadSource h = head.get();
    List<Passage> passages = new ArrayList<>(h.passages());
    List<float[]> vectors = new ArrayList<>(h.passages());
    for (int from = 0; from < h.passages(); from += EXPORT_BATCH) {
      List<String> ids = new ArrayList<>();
      for (int ordinal = from; ordinal < Math.min(h.passages(), from + EXPORT_BATCH); ordinal++) {
        ids.add(IndexLayout.passageId(documentId, h.token(), ordinal));
      }
      MgetResponse<PassageSource> response = calls.run("exporting a document",
          () -> client.mget(m -> m.index(settings.index()).ids(ids).realtime(true), PassageSource.class));
      for (MultiGetResponseItem<PassageSource> item : response.docs()) {
        if (!item.isResult() || !item.result().found()) {
          // A newer version replaced it while we read: the caller copies what it finds next time.
          return Optional.empty();
        }
        PassageSource source = item.result().source();
        passages.add(source.passage());
        vectors.add(source.vector());
      }
    }
    IndexedDocument document = h.document().orElseThrow();
    return Optional.of(new DocumentPassages(documentId, document.contentHash(), document.sourceVersion(), passages,
        vectors, document.pages(), document.origin(),
        document.indexedAt() == null ? Instant.EPOCH : document.indexedAt()));
  }

  @Override
  public Optional<String> otherDocumentFrom(String origin, String documentId) {
    if (origin == null || origin.isEmpty()) {
      return Optional.empty();
    }
    List<Query> filters = new ArrayList<>(IndexLayout.presentHeads());
    filters.add(IndexLayout.term(IndexLayout.ORIGIN, origin));
    try {
      SearchResponse<HeadSource> response = calls.run("looking up documents by origin", () -> client.search(s -> s
          .index(settings.index()).size(1)
          .query(q -> q.bool(b -> b.filter(filters).mustNot(IndexLayout.term(IndexLayout.DOC_ID, documentId))))
          .sort(o -> o.field(f -> f.field(IndexLayout.DOC_ID).order(SortOrder.Asc))), HeadSource.class));
      return response.hits().hits().stream().findFirst().map(hit -> hit.source().documentId());
    } catch (Calls.Rejected e) {
      if (e.missingIndex()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<String> newerSequencer(String documentId, String sequencer) {
    if (sequencer == null) {
      return Optional.empty();
    }
    ChangeValidation.requireSequencer(sequencer);
    Optional<HeadSource> head = head(documentId);
    if (head.isEmpty() || Sequencers.isNewer(sequencer, head.get().sequencer())) {
      return Optional.empty();
    }
    // Stale; but a write that broke off between its head and its cleanup (the engine unreachable, the process killed)
    // leaves the passages it replaced searchable, and its retry, stale by then, must still reach the write to remove
    // them (the write finds it stale and cleans up).
    return hasReplacedPassages(head.get()) ? Optional.empty() : Optional.of(head.get().sequencer());
  }

  /** Whether passages of the head's document remain that the head replaced: what a write's cleanup removes. */
  private boolean hasReplacedPassages(HeadSource head) {
    Query replaced = IndexLayout.replacedPassages(head.documentId(), head.generation(), head.token());
    SearchResponse<Void> response = calls.run("looking for replaced passages", () -> client.search(s -> s
        .index(settings.index()).size(0).trackTotalHits(t -> t.count(1)).query(replaced), Void.class));
    return response.hits().total() != null && response.hits().total().value() > 0;
  }

  @Override
  public void close() {
    ranked.clear();
  }

  private Optional<HeadSource> head(String documentId) {
    try {
      GetResponse<HeadSource> response = calls.run("reading a document head", () -> client.get(g -> g
          .index(settings.index()).id(IndexLayout.headId(documentId)).realtime(true), HeadSource.class));
      return response.found() ? Optional.of(response.source()) : Optional.empty();
    } catch (Calls.Rejected e) {
      if (e.missingIndex()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The hits of one search of {@link #rank}, scored by {@code score}, their passages kept. */
  private List<RankedHit> hits(MultiSearchResponseItem<PassageSource> item, DoubleUnaryOperator score) {
    List<RankedHit> hits = new ArrayList<>();
    for (Hit<PassageSource> hit : result(item).hits().hits()) {
      ranked.put(hit.id(), hit.source());
      hits.add(new RankedHit(hit.id(), (float) score.applyAsDouble(hit.score() == null ? 0 : hit.score())));
    }
    return hits;
  }

  private long total(MultiSearchResponseItem<PassageSource> item) {
    var total = result(item).hits().total();
    return total == null ? 0 : total.value();
  }

  private org.opensearch.client.opensearch.core.msearch.MultiSearchItem<PassageSource> result(
      MultiSearchResponseItem<PassageSource> item) {
    if (item.isFailure()) {
      var failure = item.failure();
      int status = failure.status() == null ? 500 : failure.status();
      DocqaException error = calls.failure("ranking passages", status, failure.error(), null);
      if (error instanceof Calls.Rejected rejected && rejected.missingIndex()) {
        throw missingIndex();
      }
      throw error;
    }
    return item.result();
  }

  private EmptyIndexException missingIndex() {
    return new EmptyIndexException("OpenSearch index " + settings.index() + " at " + settings.endpoint()
        + " does not exist: ingest documents first");
  }
}
