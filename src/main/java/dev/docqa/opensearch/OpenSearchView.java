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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.MsearchResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.msearch.MultiSearchResponseItem;
import org.opensearch.client.opensearch.core.msearch.RequestItem;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * A view of an OpenSearch index: each call reads the index as the engine's last refresh shows it, so {@link
 * #generation()} is {@code 0}. Only the passages that the current head of their document names are seen ({@link
 * OpenSearchIndex}). {@link #rank} sends one {@code _msearch}, reads the heads of the documents it found, and keeps the
 * passages it ranked, so {@link #passages} needs no round trip. Not thread-safe (one request's view).
 */
final class OpenSearchView implements IndexView {

  /** Passages per page when exporting a document (each carries its vector). */
  private static final int EXPORT_PAGE = 500;
  /** Candidate heads per page when looking documents up by origin. */
  private static final int ORIGIN_PAGE = 100;

  private final OpenSearchClient client;
  private final Calls calls;
  private final Heads heads;
  private final OpenSearchSettings settings;
  private final int dimension;
  private final Map<String, PassageSource> ranked = new HashMap<>();

  OpenSearchView(OpenSearchClient client, Calls calls, Heads heads, OpenSearchSettings settings, int dimension) {
    this.client = client;
    this.calls = calls;
    this.heads = heads;
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
    List<Hit<PassageSource>> lexicalHits = lexical < 0 ? List.of() : result(results.get(lexical)).hits().hits();
    List<Hit<PassageSource>> semanticHits = semantic < 0 ? List.of() : result(results.get(semantic)).hits().hits();
    Map<String, String> currentTokens = currentTokens(lexicalHits, semanticHits);
    return new Rankings(hits(lexicalHits, currentTokens, score -> score),
        hits(semanticHits, currentTokens, IndexLayout::cosine));
  }

  /** The write token of the current version of each present document among the hits. */
  private Map<String, String> currentTokens(List<Hit<PassageSource>> lexical, List<Hit<PassageSource>> semantic) {
    Set<String> documentIds = new HashSet<>();
    lexical.forEach(hit -> documentIds.add(hit.source().documentId()));
    semantic.forEach(hit -> documentIds.add(hit.source().documentId()));
    Map<String, String> tokens = new HashMap<>();
    heads.of(documentIds).forEach((id, list) -> {
      HeadSource current = list.getFirst().source();
      if (!current.tombstone()) {
        tokens.put(id, current.token());
      }
    });
    return tokens;
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
    return heads.current(documentId).flatMap(HeadSource::document);
  }

  @Override
  public List<IndexedDocument> documents() {
    List<IndexedDocument> documents = new ArrayList<>();
    heads.eachCurrent(IndexLayout.term(IndexLayout.KIND, IndexLayout.KIND_HEAD),
        head -> head.document().ifPresent(documents::add));
    return documents;
  }

  @Override
  public Optional<DocumentPassages> export(String documentId) {
    Optional<HeadSource> current = heads.current(documentId).filter(h -> !h.tombstone());
    if (current.isEmpty()) {
      return Optional.empty();
    }
    HeadSource head = current.get();
    Query version = IndexLayout.version(documentId, head.token());
    List<Passage> passages = new ArrayList<>(head.passages());
    List<float[]> vectors = new ArrayList<>(head.passages());
    List<FieldValue> after = null;
    while (passages.size() < head.passages()) {
      List<FieldValue> from = after;
      SearchResponse<PassageSource> page = calls.run("exporting a document", () -> client.search(s -> {
        s.index(settings.index()).size(EXPORT_PAGE).query(version)
            .sort(o -> o.field(f -> f.field(IndexLayout.ORDINAL).order(SortOrder.Asc)));
        return from == null ? s : s.searchAfter(from);
      }, PassageSource.class));
      List<Hit<PassageSource>> hits = page.hits().hits();
      for (Hit<PassageSource> hit : hits) {
        passages.add(hit.source().passage());
        vectors.add(hit.source().vector());
      }
      if (hits.size() < EXPORT_PAGE) {
        break;
      }
      after = hits.getLast().sort();
    }
    if (passages.size() != head.passages()) {
      return Optional.empty(); // replaced while we read: the caller copies what it finds next time
    }
    IndexedDocument document = head.document().orElseThrow();
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
    Query candidates = Query.of(q -> q.bool(b -> b.filter(filters)
        .mustNot(IndexLayout.term(IndexLayout.DOC_ID, documentId))));
    List<String> found = new ArrayList<>(1);
    heads.pages(candidates, ORIGIN_PAGE, page -> {
      // A head with the origin may be a replaced version: the document's current head decides.
      Map<String, List<HeadSource.Stored>> current =
          heads.of(page.stream().map(head -> head.source().documentId()).toList());
      new TreeMap<>(current).values().stream()
          .map(list -> list.getFirst().source())
          .filter(head -> !head.tombstone() && origin.equals(head.origin()))
          .findFirst()
          .ifPresent(head -> found.add(head.documentId()));
      return found.isEmpty();
    });
    return found.stream().findFirst();
  }

  @Override
  public Optional<String> newerSequencer(String documentId, String sequencer) {
    if (sequencer == null) {
      return Optional.empty();
    }
    ChangeValidation.requireSequencer(sequencer);
    List<HeadSource.Stored> list = heads.of(List.of(documentId)).get(documentId);
    if (list == null || Sequencers.isNewer(sequencer, list.getFirst().source().sequencer())) {
      return Optional.empty();
    }
    // Stale; but a write that broke off before its cleanup (the engine unreachable, the process killed) leaves
    // replaced versions behind, and its retry, stale by then, must still reach the write to remove them.
    return list.size() > 1 ? Optional.empty() : Optional.of(list.getFirst().source().sequencer());
  }

  @Override
  public void close() {
    ranked.clear();
  }

  /** The hits of one search of {@link #rank} that the current heads name, scored by {@code score}, kept. */
  private List<RankedHit> hits(List<Hit<PassageSource>> found, Map<String, String> currentTokens,
      DoubleUnaryOperator score) {
    List<RankedHit> hits = new ArrayList<>();
    for (Hit<PassageSource> hit : found) {
      PassageSource source = hit.source();
      if (!source.token().equals(currentTokens.get(source.documentId()))) {
        continue; // a replaced version not cleaned up yet, or a new one whose head is not searchable yet
      }
      ranked.put(hit.id(), source);
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
