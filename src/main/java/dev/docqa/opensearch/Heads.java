package dev.docqa.opensearch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * Reads heads by search, as the engine's last refresh shows them, and orders each document's heads newest first
 * ({@link HeadSource#NEWEST_FIRST}): the first is the document's current version. To a reader, a missing index has no
 * heads; a writer is told ({@link Calls.Rejected#missingIndex}), so it does not write into an index it did not create.
 * Immutable.
 */
final class Heads {

  /** Heads per page ({@code search_after}, so no 10,000-hit limit). */
  private static final int PAGE = 1000;
  /** Document ids per {@code terms} filter. */
  private static final int IDS_PER_QUERY = 500;

  private final OpenSearchClient client;
  private final Calls calls;
  private final String index;

  Heads(OpenSearchClient client, Calls calls, String index) {
    this.client = client;
    this.calls = calls;
    this.index = index;
  }

  /** The heads of each of the documents that has any, newest first; none when the index is missing. */
  Map<String, List<HeadSource.Stored>> of(Collection<String> documentIds) {
    return of(documentIds, true);
  }

  /** As {@link #of(Collection)}, for a writer: a missing index is a {@link Calls.Rejected}. */
  Map<String, List<HeadSource.Stored>> toWrite(Collection<String> documentIds) {
    return of(documentIds, false);
  }

  private Map<String, List<HeadSource.Stored>> of(Collection<String> documentIds, boolean missingIsEmpty) {
    Map<String, List<HeadSource.Stored>> heads = new HashMap<>();
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(documentIds));
    for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
      Query query = IndexLayout.heads(ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY)));
      scan(query, missingIsEmpty,
          head -> heads.computeIfAbsent(head.source().documentId(), id -> new ArrayList<>()).add(head));
    }
    heads.values().forEach(list -> list.sort((a, b) -> HeadSource.NEWEST_FIRST.compare(a.source(), b.source())));
    return heads;
  }

  /** The current version of a document (a tombstone when it was removed); empty when it was never written. */
  Optional<HeadSource> current(String documentId) {
    List<HeadSource.Stored> heads = of(List.of(documentId)).get(documentId);
    return heads == null ? Optional.empty() : Optional.of(heads.getFirst().source());
  }

  /** Every document's current head, in document id order. */
  void eachCurrent(Query filter, Consumer<HeadSource> consumer) {
    List<HeadSource> group = new ArrayList<>();
    scan(filter, true, head -> {
      if (!group.isEmpty() && !group.getFirst().documentId().equals(head.source().documentId())) {
        consumer.accept(newest(group));
        group.clear();
      }
      group.add(head.source());
    });
    if (!group.isEmpty()) {
      consumer.accept(newest(group));
    }
  }

  private static HeadSource newest(List<HeadSource> group) {
    return group.stream().min(HeadSource.NEWEST_FIRST).orElseThrow();
  }

  /** All heads {@code query} matches, by document id (then generation, token). */
  private void scan(Query query, boolean missingIsEmpty, Consumer<HeadSource.Stored> consumer) {
    pages(query, PAGE, missingIsEmpty, page -> {
      page.forEach(consumer);
      return true;
    });
  }

  /**
   * Hands the heads {@code query} matches to {@code page}, {@code size} at a time, by document id (then generation,
   * token), while it returns {@code true}; none when the index is missing.
   */
  void pages(Query query, int size, Predicate<List<HeadSource.Stored>> page) {
    pages(query, size, true, page);
  }

  private void pages(Query query, int size, boolean missingIsEmpty, Predicate<List<HeadSource.Stored>> page) {
    List<FieldValue> after = null;
    while (true) {
      List<FieldValue> from = after;
      SearchResponse<HeadSource> response;
      try {
        response = calls.run("reading document heads", () -> client.search(s -> {
          s.index(index).size(size).query(query)
              .sort(o -> o.field(f -> f.field(IndexLayout.DOC_ID).order(SortOrder.Asc)))
              .sort(o -> o.field(f -> f.field(IndexLayout.GENERATION).order(SortOrder.Asc)))
              .sort(o -> o.field(f -> f.field(IndexLayout.TOKEN).order(SortOrder.Asc)));
          return from == null ? s : s.searchAfter(from);
        }, HeadSource.class));
      } catch (Calls.Rejected e) {
        if (e.missingIndex() && missingIsEmpty) {
          return;
        }
        throw e;
      }
      List<Hit<HeadSource>> hits = response.hits().hits();
      List<HeadSource.Stored> heads = hits.stream().map(hit -> new HeadSource.Stored(hit.id(), hit.source())).toList();
      if (!page.test(heads) || hits.size() < size) {
        return;
      }
      after = hits.getLast().sort();
    }
  }
}
