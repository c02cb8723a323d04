package dev.docqa.opensearch;

import dev.docqa.DocqaException;
import dev.docqa.index.ChangeOutcome;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexUnavailableException;
import dev.docqa.index.IndexView;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.PassageWrites;
import dev.docqa.indexing.Sequencers;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.indices.GetMappingResponse;
import org.opensearch.client.opensearch.indices.get_mapping.IndexMappingRecord;

/**
 * docqa's passage index in an OpenSearch index: BM25 over the {@code english}-analysed passage text, HNSW k-NN over
 * unit passage vectors ({@code cosinesimil}), and heads that say which version of each document is current. Any number
 * of instances, in any number of processes, may write the same index at once. Thread-safe; {@link #close()} releases
 * the client.
 *
 * <h2>Ordering</h2>
 *
 * Nothing is ever overwritten in place: every change of a document appends a head ({@link HeadSource}) that names
 * the random write token of its passages, and the document's current version is its newest head by {@link
 * HeadSource#NEWEST_FIRST} (the S3 sequencer first). Readers only see passages that the current head of their
 * document names ({@link OpenSearchView}), so the order of events is settled when they are read, whatever order the
 * writers finished in. A write of a batch:
 *
 * <ol>
 *   <li>reads the current heads and decides each change: {@code STALE} when it has a sequencer that is not newer than
 *       the head's ({@link Sequencers#isNewer}); {@code UNCHANGED} when the head holds the same content hash ({@link
 *       PassageWrites#isCurrent}), recording a newer sequencer in a new head over the same passages; else a new
 *       version under a fresh token;
 *   <li>bulk-indexes the passages of new versions, then the heads;
 *   <li>waits until both are searchable: a {@code _refresh} where the engine offers one, else it polls (Amazon
 *       OpenSearch Serverless refreshes on its own);
 *   <li>cleans up: reads the heads of the batch's documents again and deletes, by {@code _id}, the passages of every
 *       head but the newest, strays that no head names and that are older than {@link #STRAY_AGE} (a writer that died
 *       between passages and head), and then those heads. A change whose head turned out not to be the newest (a
 *       concurrent writer's newer event) is reported {@code STALE}.
 * </ol>
 *
 * Once a write has returned, searches cite only the current version of each of its documents; an older event can
 * never replace a newer one, and a removed document is never cited. Passages of replaced versions stay in the index
 * (unseen) until a cleanup removes them; the last writer's cleanup removes what every other left, and a retried event
 * repairs a write that broke off before its cleanup ({@link OpenSearchView#newerSequencer} lets it through).
 *
 * <p>Deletes append a tombstone head (no passages; kept so that an older event stays stale). Changes without a
 * sequencer are always applied and keep the head's sequencer.
 *
 * <p>Uses only what Amazon OpenSearch Serverless vector collections offer as well as domains and self-managed
 * clusters: documents with engine-assigned {@code _id}s written by {@code _bulk}, deletes by {@code _id}, {@code
 * _search} and {@code _msearch}; {@code _refresh} when it is there.
 */
public final class OpenSearchIndex implements IndexBackend {

  /** Bulk requests are cut before they reach this size (OpenSearch's default limit is 100 MB, AWS's 10 MB). */
  static final long MAX_BULK_BYTES = 5L << 20;
  /** Documents per cleanup search (each adds a few clauses to its query). */
  private static final int CLEANUP_DOCUMENTS_PER_REQUEST = 200;
  /** Passages per cleanup page, and per delete bulk. */
  private static final int CLEANUP_PAGE = 1000;
  /**
   * Passages that no head names are removed once they are this old: by then the writer that wrote them has written
   * its head or died (a Lambda function runs for 15 minutes at most).
   */
  static final Duration STRAY_AGE = Duration.ofMinutes(20);
  /** How long a write waits for what it wrote to become searchable where it cannot refresh. */
  private static final Duration VISIBILITY_TIMEOUT = Duration.ofMinutes(2);

  private final OpenSearchSettings settings;
  // Set once in open() (from the mapping when opened with 0), before the instance is handed out.
  private int dimension;
  private final Connection connection;
  private final OpenSearchClient client;
  private final Calls calls;
  private final Heads heads;
  /** Whether the engine answers {@code _refresh}; {@code null} until the first write asks. */
  private volatile Boolean refreshes;
  private final SecureRandom random = new SecureRandom();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Test seam: runs after a round's passages are written, before its heads (another writer's turn). */
  private volatile Runnable beforeHeads = () -> {};

  private OpenSearchIndex(OpenSearchSettings settings, int dimension, Connection connection) {
    this.settings = settings;
    this.dimension = dimension;
    this.connection = connection;
    this.client = connection.client();
    this.calls = new Calls(settings.endpoint().toString());
    this.heads = new Heads(client, calls, settings.index());
  }

  /**
   * Opens the index, creating it with docqa's mapping when it does not exist.
   *
   * @param dimension the embedder's vector dimension; {@code 0} to use an existing index with whatever dimension it has
   *     (to read it, or copy vectors of that dimension into it)
   * @throws DocqaException when the index exists with another vector dimension, or is not a docqa index, or (with
   *     dimension 0) does not exist
   * @throws dev.docqa.index.IndexUnavailableException when the endpoint cannot be reached
   */
  public static OpenSearchIndex open(OpenSearchSettings settings, int dimension) {
    if (dimension < 0) {
      throw new IllegalArgumentException("dimension must be >= 0; dimension=" + dimension);
    }
    OpenSearchIndex index = new OpenSearchIndex(settings, dimension, Connection.open(settings));
    boolean success = false;
    try {
      index.createOrCheck();
      success = true;
      return index;
    } finally {
      if (!success) {
        index.close();
      }
    }
  }

  /** An instance that sends nothing until used: no creation, no mapping check. */
  static OpenSearchIndex attach(OpenSearchSettings settings, int dimension) {
    Objects.requireNonNull(settings, "settings");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1; dimension=" + dimension);
    }
    return new OpenSearchIndex(settings, dimension, Connection.open(settings));
  }

  public OpenSearchSettings settings() {
    return settings;
  }

  public int dimension() {
    return dimension;
  }

  /** Runs {@code hook} in each write round between passages and heads, where another writer can get in the way. */
  void beforeHeadWrites(Runnable hook) {
    this.beforeHeads = Objects.requireNonNull(hook, "hook");
  }

  /** The client's transport (tests check which one the settings' signing picked). */
  org.opensearch.client.transport.OpenSearchTransport transport() {
    return connection.transport();
  }

  @Override
  public IndexView acquire() {
    requireOpen();
    return new OpenSearchView(client, calls, heads, settings, dimension);
  }

  @Override
  public List<ChangeOutcome> write(List<DocumentPassages> changes, List<String> sequencers, Instant now) {
    requireOpen();
    Objects.requireNonNull(now, "now");
    ChangeValidation.requireValid(changes, sequencers, dimension);
    List<Change> list = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      list.add(new Change(changes.get(i).documentId(), changes.get(i), sequencers.get(i)));
    }
    return apply(list, now);
  }

  @Override
  public ChangeOutcome delete(String documentId, String sequencer, Instant now) {
    requireOpen();
    Objects.requireNonNull(now, "now");
    ChangeValidation.requireDocumentId(documentId);
    ChangeValidation.requireSequencer(sequencer);
    return apply(List.of(new Change(documentId, null, sequencer)), now).getFirst();
  }

  @Override
  public List<String> deleteAll(List<String> documentIds) {
    requireOpen();
    List<Change> deletes = new ArrayList<>();
    for (String id : new LinkedHashSet<>(documentIds)) {
      ChangeValidation.requireDocumentId(id);
      deletes.add(new Change(id, null, null));
    }
    List<String> deleted = new ArrayList<>();
    for (ChangeOutcome outcome : apply(deletes, Instant.now())) {
      if (outcome.status() == ChangeOutcome.Status.DELETED) {
        deleted.add(outcome.documentId());
      }
    }
    return deleted;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "OpenSearchIndex[" + settings.location() + ", dimension " + dimension + "]";
  }

  // ---- Opening

  private void createOrCheck() {
    String name = settings.index();
    boolean exists = calls.run("checking index " + name,
        () -> client.indices().exists(e -> e.index(name)).value());
    if (!exists && dimension == 0) {
      throw new DocqaException("OpenSearch index " + name + " at " + settings.endpoint() + " does not exist");
    }
    if (!exists) {
      TypeMapping mapping = IndexLayout.mapping(dimension, settings.knnEngine());
      try {
        calls.run("creating index " + name,
            () -> client.indices().create(c -> c.index(name).settings(s -> s.knn(true)).mappings(mapping)));
      } catch (Calls.Rejected e) {
        // Another process created it meanwhile: check it like any existing index.
        if (!"resource_already_exists_exception".equals(e.type())) {
          throw e;
        }
      }
    }
    GetMappingResponse mappings = calls.run("reading the mapping of index " + name,
        () -> client.indices().getMapping(g -> g.index(name)));
    for (IndexMappingRecord record : mappings.result().values()) {
      Map<String, Property> properties =
          record.mappings() == null ? Map.of() : record.mappings().properties();
      Property vector = properties.get(IndexLayout.VECTOR);
      if (vector == null || !vector.isKnnVector() || !properties.containsKey(IndexLayout.KIND)
          || !properties.containsKey(IndexLayout.TOKEN)) {
        throw new DocqaException("OpenSearch index " + name + " at " + settings.endpoint()
            + " is not a docqa index (no knn_vector field '" + IndexLayout.VECTOR + "' or no '" + IndexLayout.KIND
            + "'/'" + IndexLayout.TOKEN + "' fields): name another index");
      }
      Integer existing = vector.knnVector().dimension();
      if (dimension == 0 && existing != null) {
        dimension = existing;
      }
      if (existing == null || existing != dimension) {
        throw new DocqaException("OpenSearch index " + name + " at " + settings.endpoint() + " holds vectors of "
            + "dimension " + existing + ", but the embedder makes vectors of dimension " + dimension
            + ": use the embedder the index was built with, or another index");
      }
    }
  }

  // ---- Writing

  /** One document change: a write ({@code passages} non-null) or a delete. */
  private record Change(String documentId, DocumentPassages passages, String sequencer) {}

  /**
   * What to write for one change: {@code head} ({@code null}: nothing) and the passages of a new version; {@code
   * outcome} once the head is written.
   */
  private record Plan(int change, ChangeOutcome outcome, HeadSource head, List<PassageSource> passages) {}

  private List<ChangeOutcome> apply(List<Change> changes, Instant now) {
    if (changes.isEmpty()) {
      return List.of();
    }
    List<String> documentIds = changes.stream().map(Change::documentId).toList();
    Map<String, List<HeadSource.Stored>> current = heads.toWrite(documentIds);
    ChangeOutcome[] outcomes = new ChangeOutcome[changes.size()];
    List<Plan> writes = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      List<HeadSource.Stored> known = current.get(changes.get(i).documentId());
      Plan plan = decide(i, changes.get(i), known == null ? null : known.getFirst().source(), now);
      outcomes[i] = plan.outcome();
      if (plan.head() != null) {
        writes.add(plan);
      }
    }
    Map<String, Plan> written = new HashMap<>();
    if (!writes.isEmpty()) {
      int passages = writePassages(writes);
      beforeHeads.run();
      List<String> headIds = writeHeads(writes);
      for (int i = 0; i < writes.size(); i++) {
        written.put(headIds.get(i), writes.get(i));
      }
      awaitSearchable(headIds, writes, passages);
    }
    cleanUp(documentIds, changes, written, outcomes);
    return List.of(outcomes);
  }

  private Plan decide(int index, Change change, HeadSource head, Instant now) {
    String id = change.documentId();
    String known = head == null ? null : head.sequencer();
    if (change.sequencer() != null && head != null && !Sequencers.isNewer(change.sequencer(), known)) {
      return new Plan(index, ChangeOutcome.stale(id, known), null, List.of());
    }
    String sequencer = change.sequencer() != null ? change.sequencer() : known;
    long generation = (head == null ? 0 : head.generation()) + 1;
    boolean present = head != null && !head.tombstone();
    DocumentPassages document = change.passages();
    if (document == null || document.passages().isEmpty()) {
      ChangeOutcome.Status status = document != null
          ? ChangeOutcome.Status.INDEXED
          : present ? ChangeOutcome.Status.DELETED : ChangeOutcome.Status.ABSENT;
      ChangeOutcome outcome = new ChangeOutcome(id, status, 0, null);
      if (!present && change.sequencer() == null) {
        return new Plan(index, outcome, null, List.of()); // nothing to remove, no order to record
      }
      return new Plan(index, outcome, HeadSource.tombstone(id, sequencer, newToken(), generation, now), List.of());
    }
    if (present && PassageWrites.isCurrent(head.document(), document.contentHash(), document.origin())) {
      ChangeOutcome unchanged = new ChangeOutcome(id, ChangeOutcome.Status.UNCHANGED, 0, null);
      if (change.sequencer() == null) {
        return new Plan(index, unchanged, null, List.of());
      }
      return new Plan(index, unchanged, head.withSequencer(change.sequencer(), generation, now), List.of());
    }
    String token = newToken();
    long recordedAt = System.currentTimeMillis();
    List<PassageSource> passages = new ArrayList<>(document.passages().size());
    for (int p = 0; p < document.passages().size(); p++) {
      passages.add(PassageSource.of(document.passages().get(p), document.vectors().get(p), token, recordedAt));
    }
    return new Plan(index, new ChangeOutcome(id, ChangeOutcome.Status.INDEXED, passages.size(), null),
        HeadSource.present(document, sequencer, token, generation, now), passages);
  }

  /** Indexes the passages of new versions, in bulks well under the engine's request limit; returns how many. */
  private int writePassages(List<Plan> plans) {
    List<BulkOperation> bulk = new ArrayList<>();
    long bytes = 0;
    int count = 0;
    for (Plan plan : plans) {
      for (PassageSource passage : plan.passages()) {
        bulk.add(BulkOperation.of(b -> b.index(i -> i.document(passage))));
        count++;
        bytes += estimatedBytes(passage);
        if (bytes >= MAX_BULK_BYTES) {
          runBulk("writing passages", bulk);
          bulk = new ArrayList<>();
          bytes = 0;
        }
      }
    }
    if (!bulk.isEmpty()) {
      runBulk("writing passages", bulk);
    }
    return count;
  }

  /** Appends the heads; returns the {@code _id} the engine gave each, in order. */
  private List<String> writeHeads(List<Plan> plans) {
    List<BulkOperation> bulk = new ArrayList<>(plans.size());
    for (Plan plan : plans) {
      bulk.add(BulkOperation.of(b -> b.index(i -> i.document(plan.head()))));
    }
    return runBulk("writing document heads", bulk);
  }

  /** Runs a bulk request that must succeed whole; returns each item's {@code _id}. */
  private List<String> runBulk(String what, List<BulkOperation> operations) {
    BulkResponse response = calls.run(what,
        () -> client.bulk(b -> b.index(settings.index()).operations(operations)));
    List<String> ids = new ArrayList<>(operations.size());
    for (BulkResponseItem item : response.items()) {
      if (item.error() != null) {
        throw calls.failure(what, item.status(), item.error(), null);
      }
      ids.add(item.id());
    }
    return ids;
  }

  /**
   * Step 3: returns once the heads ({@code _id}s) and the passages of the plans are searchable: after a {@code
   * _refresh}, or, where the engine has none (Amazon OpenSearch Serverless), once searches find them all.
   */
  private void awaitSearchable(List<String> headIds, List<Plan> plans, int passages) {
    if (refresh()) {
      return;
    }
    List<FieldValue> tokens = plans.stream()
        .filter(plan -> !plan.passages().isEmpty())
        .map(plan -> FieldValue.of(plan.head().token()))
        .toList();
    Query newPassages = Query.of(q -> q.bool(b -> b.filter(IndexLayout.passages())
        .filter(f -> f.terms(t -> t.field(IndexLayout.TOKEN).terms(v -> v.value(tokens))))));
    long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
    long pause = 100;
    while (count(IndexLayout.ids(headIds)) < headIds.size() || (passages > 0 && count(newPassages) < passages)) {
      if (System.nanoTime() > deadline) {
        throw new IndexUnavailableException("OpenSearch at " + settings.endpoint() + " has not made the "
            + headIds.size() + " head(s) and " + passages + " passage(s) written to index " + settings.index()
            + " searchable within " + VISIBILITY_TIMEOUT.toSeconds() + " s; the retried write completes it", null);
      }
      sleep(pause);
      pause = Math.min(2000, pause * 2);
    }
  }

  /** Refreshes the index where the engine lets us; returns whether it did. */
  private boolean refresh() {
    if (Boolean.FALSE.equals(refreshes)) {
      return false;
    }
    String name = settings.index();
    try {
      calls.run("refreshing index " + name, () -> client.indices().refresh(r -> r.index(name)));
      refreshes = true;
      return true;
    } catch (Calls.Rejected e) {
      if (e.missingIndex()) {
        throw e;
      }
      refreshes = false; // Serverless: no _refresh; it makes writes searchable on its own
      return false;
    }
  }

  private long count(Query query) {
    SearchResponse<Void> response = calls.run("waiting for writes to become searchable", () -> client.search(s -> s
        .index(settings.index()).size(0).trackTotalHits(t -> t.enabled(true)).query(query), Void.class));
    return response.hits().total() == null ? 0 : response.hits().total().value();
  }

  /**
   * Step 4: deletes the passages of replaced versions and strays, then the replaced heads, of the documents; reports
   * a written change whose head is not its document's newest, behind a newer or equal sequencer, as stale.
   *
   * @param written the plans whose heads were written, by the heads' {@code _id}
   */
  private void cleanUp(List<String> documentIds, List<Change> changes, Map<String, Plan> written,
      ChangeOutcome[] outcomes) {
    Map<String, List<HeadSource.Stored>> all = heads.toWrite(documentIds);
    long strayBefore = System.currentTimeMillis() - STRAY_AGE.toMillis();
    List<Query> removable = new ArrayList<>();
    List<String> replacedHeads = new ArrayList<>();
    for (String id : documentIds) {
      List<HeadSource.Stored> list = all.get(id);
      if (list == null) {
        continue; // never written: nothing to clean, and a first version may be on its way
      }
      HeadSource newest = list.getFirst().source();
      Set<String> named = new HashSet<>();
      Set<String> replaced = new HashSet<>();
      for (HeadSource.Stored head : list) {
        named.add(head.source().token());
        if (head != list.getFirst()) {
          replaced.add(head.source().token());
          replacedHeads.add(head.id());
          Plan plan = written.get(head.id());
          String sequencer = plan == null ? null : changes.get(plan.change()).sequencer();
          if (sequencer != null && !Sequencers.isNewer(sequencer, newest.sequencer())) {
            outcomes[plan.change()] = ChangeOutcome.stale(id, newest.sequencer()); // a concurrent newer event won
          }
        }
      }
      replaced.remove(newest.token());
      removable.add(IndexLayout.removable(id, replaced, named, strayBefore));
    }
    List<String> passages = new ArrayList<>();
    for (int from = 0; from < removable.size(); from += CLEANUP_DOCUMENTS_PER_REQUEST) {
      List<Query> chunk = removable.subList(from, Math.min(removable.size(), from + CLEANUP_DOCUMENTS_PER_REQUEST));
      passages.addAll(matchingIds(Query.of(q -> q.bool(b -> b.should(chunk).minimumShouldMatch("1")))));
    }
    // Passages before their heads: a cleanup that breaks off leaves heads that still lead the next one to them.
    deleteByIds(passages);
    deleteByIds(replacedHeads);
    List<String> deleted = new ArrayList<>(passages);
    deleted.addAll(replacedHeads);
    if (!deleted.isEmpty() && !refresh()) {
      awaitGone(deleted);
    }
  }

  /** Where the engine cannot refresh: returns once searches no longer find the deleted documents. */
  private void awaitGone(List<String> deleted) {
    long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
    long pause = 100;
    for (int from = 0; from < deleted.size(); ) {
      List<String> chunk = deleted.subList(from, Math.min(deleted.size(), from + CLEANUP_PAGE));
      if (count(IndexLayout.ids(chunk)) == 0) {
        from += chunk.size();
        continue;
      }
      if (System.nanoTime() > deadline) {
        throw new IndexUnavailableException("OpenSearch at " + settings.endpoint() + " still finds " + chunk.size()
            + " deleted document(s) of index " + settings.index() + " after " + VISIBILITY_TIMEOUT.toSeconds()
            + " s; the retried write completes it", null);
      }
      sleep(pause);
      pause = Math.min(2000, pause * 2);
    }
  }

  /** The {@code _id}s of the passages {@code query} matches. */
  private List<String> matchingIds(Query query) {
    List<String> ids = new ArrayList<>();
    List<FieldValue> after = null;
    while (true) {
      List<FieldValue> from = after;
      SearchResponse<Void> page = calls.run("finding replaced passages", () -> client.search(s -> {
        s.index(settings.index()).size(CLEANUP_PAGE).query(query).source(src -> src.fetch(false))
            .sort(o -> o.field(f -> f.field(IndexLayout.DOC_ID).order(SortOrder.Asc)))
            .sort(o -> o.field(f -> f.field(IndexLayout.TOKEN).order(SortOrder.Asc)))
            .sort(o -> o.field(f -> f.field(IndexLayout.ORDINAL).order(SortOrder.Asc)))
            .sort(o -> o.field(f -> f.field(IndexLayout.RECORDED_AT).order(SortOrder.Asc)));
        return from == null ? s : s.searchAfter(from);
      }, Void.class));
      List<Hit<Void>> hits = page.hits().hits();
      hits.forEach(hit -> ids.add(hit.id()));
      if (hits.size() < CLEANUP_PAGE) {
        return ids;
      }
      after = hits.getLast().sort();
    }
  }

  private void deleteByIds(List<String> ids) {
    for (int from = 0; from < ids.size(); from += CLEANUP_PAGE) {
      List<BulkOperation> bulk = new ArrayList<>();
      for (String id : ids.subList(from, Math.min(ids.size(), from + CLEANUP_PAGE))) {
        bulk.add(BulkOperation.of(b -> b.delete(d -> d.id(id))));
      }
      BulkResponse response = calls.run("removing replaced versions",
          () -> client.bulk(b -> b.index(settings.index()).operations(bulk)));
      for (BulkResponseItem item : response.items()) {
        if (item.error() != null && item.status() != 404) { // 404: another cleanup removed it first
          throw calls.failure("removing replaced versions", item.status(), item.error(), null);
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IndexUnavailableException("interrupted while waiting for OpenSearch to make writes searchable", e);
    }
  }

  private long estimatedBytes(PassageSource passage) {
    // JSON of the text (escapes at most double it) and of the vector (about 12 characters per float).
    return 300 + 2L * passage.text().length() + 14L * dimension;
  }

  private String newToken() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("OpenSearch index " + settings.index() + " is closed");
    }
  }
}
