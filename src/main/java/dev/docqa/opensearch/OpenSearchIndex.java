package dev.docqa.opensearch;

import dev.docqa.DocqaException;
import dev.docqa.index.ChangeOutcome;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexView;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.PassageWrites;
import dev.docqa.indexing.Sequencers;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Conflicts;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.DeleteByQueryResponse;
import org.opensearch.client.opensearch.core.MgetResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.get.GetResult;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.opensearch.client.opensearch.indices.GetMappingResponse;
import org.opensearch.client.opensearch.indices.get_mapping.IndexMappingRecord;

/**
 * docqa's passage index in an OpenSearch index: BM25 over the {@code english}-analysed passage text, HNSW k-NN over
 * unit passage vectors ({@code cosinesimil}), one head document per docqa document that says which version of its
 * passages is current and which S3 sequencer was applied last. Any number of instances, in any number of processes,
 * may write the same index at once. Thread-safe; {@link #close()} releases the client.
 *
 * <h2>Ordering</h2>
 *
 * Every change of a document goes through its head ({@code _id} {@code h:SHA256(id)}), written with optimistic
 * concurrency ({@code if_seq_no}/{@code if_primary_term}, {@code op_type=create} for a first head), so the heads of a
 * document form one sequence whatever the writers. Each head carries a generation, one more than the head it replaced,
 * and the random write token of its passages ({@code _id} {@code p:SHA256(id):TOKEN:ORDINAL}, fields {@code token}
 * and {@code generation}). A write of a batch:
 *
 * <ol>
 *   <li>reads the heads (real-time multi-get) and decides each change: {@code STALE} when it has a sequencer that is
 *       not newer than the head's ({@link Sequencers#isNewer}); {@code UNCHANGED} when the head holds the same content
 *       hash ({@link PassageWrites#isCurrent}), recording a newer sequencer in a new head over the same passages;
 *       else a new version: a fresh token, generation + 1;
 *   <li>bulk-indexes the passages of new versions, tagged with token and generation;
 *   <li>bulk-writes the heads with optimistic concurrency; a change whose head lost to another writer is read and
 *       decided again from step 1 (another writer's newer event makes it {@code STALE});
 *   <li>refreshes, reads every head of the batch again, and deletes by query the passages of each document with
 *       {@code generation <= head's} and {@code token != head's}, then refreshes.
 * </ol>
 *
 * Passages are written before their head, so a head never names passages that were not written; at most one head of
 * each generation is ever written, so a passage is deleted only once its version is replaced or lost its head race,
 * never while another writer's version, written for a newer generation, waits for its head. The last writer's cleanup
 * removes what every other left, and a batch that failed half-way (network, crash) is repaired by its retry: the
 * cleanup runs for {@code UNCHANGED} and {@code STALE} changes too. Once a write has returned, the index holds only
 * the passages of the newest version of each of its documents, and an older event can never replace a newer one. (The
 * early order check of a view, {@link OpenSearchView#newerSequencer}, lets such a retry through while the passages it
 * would clean up remain, though its event is already recorded.)
 *
 * <p>Searches are not transactions: between steps 2 and 4 a reader can see the passages of both versions of a
 * document (the old ones until the cleanup, the new ones from the engine's next refresh, about a second), and a
 * losing writer's passages until its cleanup. A writer that dies between steps 2 and 3 leaves its passages searchable
 * until the document is written again (a retried event does).
 *
 * <p>Deletes write a tombstone head (no passages; kept so that an older event stays stale) and clean up alike. Changes
 * without a sequencer are always applied and keep the head's sequencer.
 *
 * <p>Needs what self-managed OpenSearch and Amazon OpenSearch Service domains offer: documents with chosen {@code
 * _id}s, {@code if_seq_no} writes, real-time {@code _mget}, {@code _refresh} and {@code _delete_by_query}. Amazon
 * OpenSearch Serverless vector collections assign their own {@code _id}s, so this layout does not fit them as is.
 */
public final class OpenSearchIndex implements IndexBackend {

  /** Bulk requests are cut before they reach this size (OpenSearch's default limit is 100 MB, AWS's 10 MB). */
  static final long MAX_BULK_BYTES = 5L << 20;
  /** Rounds of head conflicts one batch may lose before it gives up (each round someone wins). */
  private static final int MAX_ROUNDS = 50;
  /** Documents per cleanup request (each adds a few clauses to its query). */
  private static final int CLEANUP_DOCUMENTS_PER_REQUEST = 200;

  private final OpenSearchSettings settings;
  // Set once in open() (from the mapping when opened with 0), before the instance is handed out.
  private int dimension;
  private final Connection connection;
  private final OpenSearchClient client;
  private final Calls calls;
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
    return new OpenSearchView(client, calls, settings, dimension);
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

  /** A head as read, with what optimistic concurrency needs to replace it. */
  private record Head(HeadSource source, long seqNo, long primaryTerm) {}

  /**
   * What to write for one change: {@code head} ({@code null}: nothing) over {@code read} (the head it replaces, {@code
   * null}: none), and the passages of a new version; {@code outcome} once the head is written.
   */
  private record Plan(int change, ChangeOutcome outcome, HeadSource head, Head read, List<PassageWrite> passages) {}

  private record PassageWrite(String id, PassageSource source) {}

  private List<ChangeOutcome> apply(List<Change> changes, Instant now) {
    if (changes.isEmpty()) {
      return List.of();
    }
    ChangeOutcome[] outcomes = new ChangeOutcome[changes.size()];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      pending.add(i);
    }
    for (int round = 1; !pending.isEmpty(); round++) {
      if (round > MAX_ROUNDS) {
        throw new DocqaException("OpenSearch index " + settings.index() + " at " + settings.endpoint()
            + ": the heads of " + pending.size() + " document(s) kept changing under " + MAX_ROUNDS
            + " attempts to write them (too many concurrent writers?); retry the batch");
      }
      Map<String, Head> heads = readHeads(pending.stream().map(i -> changes.get(i).documentId()).toList());
      List<Plan> writes = new ArrayList<>();
      for (int i : pending) {
        Change change = changes.get(i);
        Plan plan = decide(i, change, heads.get(change.documentId()), now);
        if (plan.head() == null) {
          outcomes[i] = plan.outcome();
        } else {
          writes.add(plan);
        }
      }
      pending = new ArrayList<>();
      if (writes.isEmpty()) {
        break;
      }
      writePassages(writes);
      beforeHeads.run();
      Set<Plan> lost = writeHeads(writes);
      for (Plan plan : writes) {
        if (lost.contains(plan)) {
          pending.add(plan.change()); // decided again on the head that won
        } else {
          outcomes[plan.change()] = plan.outcome();
        }
      }
    }
    cleanUp(changes.stream().map(Change::documentId).toList());
    return List.of(outcomes);
  }

  private Plan decide(int index, Change change, Head read, Instant now) {
    HeadSource head = read == null ? null : read.source();
    String id = change.documentId();
    String known = head == null ? null : head.sequencer();
    if (change.sequencer() != null && head != null && !Sequencers.isNewer(change.sequencer(), known)) {
      return new Plan(index, ChangeOutcome.stale(id, known), null, read, List.of());
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
        return new Plan(index, outcome, null, read, List.of()); // nothing to remove, no order to record
      }
      return new Plan(index, outcome, HeadSource.tombstone(id, sequencer, newToken(), generation, now), read,
          List.of());
    }
    if (present && PassageWrites.isCurrent(head.document(), document.contentHash(), document.origin())) {
      ChangeOutcome unchanged = new ChangeOutcome(id, ChangeOutcome.Status.UNCHANGED, 0, null);
      if (change.sequencer() == null) {
        return new Plan(index, unchanged, null, read, List.of());
      }
      return new Plan(index, unchanged, head.withSequencer(change.sequencer(), generation, now), read, List.of());
    }
    String token = newToken();
    List<PassageWrite> passages = new ArrayList<>(document.passages().size());
    for (int p = 0; p < document.passages().size(); p++) {
      passages.add(new PassageWrite(IndexLayout.passageId(id, token, p),
          PassageSource.of(document.passages().get(p), document.vectors().get(p), token, generation)));
    }
    return new Plan(index, new ChangeOutcome(id, ChangeOutcome.Status.INDEXED, passages.size(), null),
        HeadSource.present(document, sequencer, token, generation, now), read, passages);
  }

  /** The heads of the documents, read in real time; absent ones are missing from the map. */
  private Map<String, Head> readHeads(List<String> documentIds) {
    Map<String, Head> heads = new HashMap<>();
    if (documentIds.isEmpty()) {
      return heads;
    }
    List<String> ids = documentIds.stream().map(IndexLayout::headId).toList();
    MgetResponse<HeadSource> response = calls.run("reading document heads",
        () -> client.mget(m -> m.index(settings.index()).ids(ids).realtime(true), HeadSource.class));
    for (MultiGetResponseItem<HeadSource> item : response.docs()) {
      if (item.isFailure()) {
        var error = item.failure().error();
        int status = "index_not_found_exception".equals(error.type()) ? 404 : 500;
        throw calls.failure("reading document heads", status, error, null);
      }
      GetResult<HeadSource> result = item.result();
      if (result.found()) {
        HeadSource source = result.source();
        heads.put(source.documentId(), new Head(source, result.seqNo(), result.primaryTerm()));
      }
    }
    return heads;
  }

  /** Indexes the passages of new versions, in bulks well under the engine's request limit. */
  private void writePassages(List<Plan> plans) {
    List<BulkOperation> bulk = new ArrayList<>();
    long bytes = 0;
    for (Plan plan : plans) {
      for (PassageWrite passage : plan.passages()) {
        bulk.add(BulkOperation.of(b -> b.index(i -> i.id(passage.id()).document(passage.source()))));
        bytes += estimatedBytes(passage.source());
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
  }

  /** Writes the heads, each only over the head it was decided on; returns the plans whose head lost to another. */
  private Set<Plan> writeHeads(List<Plan> plans) {
    List<BulkOperation> bulk = new ArrayList<>(plans.size());
    for (Plan plan : plans) {
      String id = IndexLayout.headId(plan.head().documentId());
      Head read = plan.read();
      bulk.add(read == null
          ? BulkOperation.of(b -> b.create(c -> c.id(id).document(plan.head())))
          : BulkOperation.of(b -> b.index(i -> i.id(id).document(plan.head())
              .ifSeqNo(read.seqNo()).ifPrimaryTerm(read.primaryTerm()))));
    }
    BulkResponse response = calls.run("writing document heads",
        () -> client.bulk(b -> b.index(settings.index()).operations(bulk)));
    Set<Plan> lost = Collections.newSetFromMap(new IdentityHashMap<>());
    List<BulkResponseItem> items = response.items();
    for (int i = 0; i < items.size(); i++) {
      BulkResponseItem item = items.get(i);
      if (item.error() == null) {
        continue;
      }
      if (item.status() == 409) {
        lost.add(plans.get(i));
      } else {
        throw calls.failure("writing document heads", item.status(), item.error(), null);
      }
    }
    return lost;
  }

  private void runBulk(String what, List<BulkOperation> operations) {
    BulkResponse response = calls.run(what,
        () -> client.bulk(b -> b.index(settings.index()).operations(operations)));
    if (response.errors()) {
      for (BulkResponseItem item : response.items()) {
        if (item.error() != null) {
          throw calls.failure(what, item.status(), item.error(), null);
        }
      }
    }
  }

  /**
   * Step 4: once everything written so far is searchable, deletes the passages of each document that no head names
   * and no newer head can name: {@code generation <= head's}, {@code token != head's}.
   */
  private void cleanUp(List<String> documentIds) {
    String name = settings.index();
    calls.run("refreshing index " + name, () -> client.indices().refresh(r -> r.index(name)));
    Map<String, Head> heads = readHeads(documentIds);
    List<Query> stale = new ArrayList<>();
    for (String id : documentIds) {
      Head head = heads.get(id);
      if (head == null) {
        continue; // never written: nothing to clean, and a first version may be on its way
      }
      stale.add(IndexLayout.replacedPassages(id, head.source().generation(), head.source().token()));
    }
    for (int from = 0; from < stale.size(); from += CLEANUP_DOCUMENTS_PER_REQUEST) {
      List<Query> chunk = stale.subList(from, Math.min(stale.size(), from + CLEANUP_DOCUMENTS_PER_REQUEST));
      DeleteByQueryResponse response = calls.run("removing replaced passages",
          () -> client.deleteByQuery(d -> d.index(name)
              .query(q -> q.bool(b -> b.should(chunk).minimumShouldMatch("1")))
              .conflicts(Conflicts.Proceed)
              .refresh(Refresh.True)));
      if (!response.failures().isEmpty()) {
        var failure = response.failures().getFirst();
        throw calls.failure("removing replaced passages", failure.status(), failure.cause(), null);
      }
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
