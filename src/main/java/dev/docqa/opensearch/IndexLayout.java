package dev.docqa.opensearch;

import java.util.Collection;
import java.util.List;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.mapping.DynamicMapping;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * docqa's layout of an OpenSearch index: the mapping, the two kinds of documents (heads, one per written version of a
 * docqa document, and passages) and the queries every read uses. Every document gets the {@code _id} the engine
 * assigns: Amazon OpenSearch Serverless vector collections accept no other. Stateless.
 */
final class IndexLayout {

  static final String KIND = "kind";
  static final String KIND_HEAD = "head";
  static final String KIND_PASSAGE = "passage";

  static final String DOC_ID = "doc_id";
  static final String TOKEN = "token";
  static final String GENERATION = "generation";

  // Head fields.
  static final String CONTENT_HASH = "content_hash";
  static final String SOURCE_VERSION = "source_version";
  static final String ORIGIN = "origin";
  static final String INDEXED_AT = "indexed_at";
  static final String PASSAGES = "passages";
  static final String PAGES = "pages";
  static final String SEQUENCER = "sequencer";
  static final String TOMBSTONE = "tombstone";
  static final String RECORDED_AT = "recorded_at";

  // Passage fields.
  static final String ORDINAL = "ordinal";
  static final String TEXT = "text";
  static final String START = "start";
  static final String END = "end";
  static final String PAGE = "page";
  static final String VECTOR = "vector";

  /** OpenSearch's built-in analyzer that matches Lucene's {@code EnglishAnalyzer} (the core analyses questions). */
  static final String TEXT_ANALYZER = "english";
  /** Cosine similarity: vectors are unit length; OpenSearch scores it as {@code (1 + cosine) / 2}. */
  static final String SPACE_TYPE = "cosinesimil";

  private IndexLayout() {}

  /**
   * The mapping of a docqa index with vectors of {@code dimension}. Strict: a document with a field not named here is
   * rejected, so nothing writes another layout into the index unnoticed.
   */
  static TypeMapping mapping(int dimension, OpenSearchSettings.KnnEngine engine) {
    return TypeMapping.of(m -> m
        .dynamic(DynamicMapping.Strict)
        .properties(KIND, p -> p.keyword(k -> k))
        .properties(DOC_ID, p -> p.keyword(k -> k))
        .properties(TOKEN, p -> p.keyword(k -> k))
        .properties(GENERATION, p -> p.long_(l -> l))
        .properties(CONTENT_HASH, p -> p.keyword(k -> k.index(false)))
        .properties(SOURCE_VERSION, p -> p.keyword(k -> k.index(false)))
        .properties(ORIGIN, p -> p.keyword(k -> k))
        .properties(INDEXED_AT, p -> p.long_(l -> l.index(false)))
        .properties(PASSAGES, p -> p.integer(i -> i.index(false)))
        .properties(PAGES, p -> p.integer(i -> i.index(false)))
        .properties(SEQUENCER, p -> p.keyword(k -> k.index(false)))
        .properties(TOMBSTONE, p -> p.boolean_(b -> b))
        .properties(RECORDED_AT, p -> p.long_(l -> l))
        .properties(ORDINAL, p -> p.integer(i -> i.index(false)))
        .properties(TEXT, p -> p.text(t -> t.analyzer(TEXT_ANALYZER)))
        .properties(START, p -> p.integer(i -> i.index(false)))
        .properties(END, p -> p.integer(i -> i.index(false)))
        .properties(PAGE, p -> p.integer(i -> i.index(false)))
        .properties(VECTOR, p -> p.knnVector(v -> v
            .dimension(dimension)
            .method(h -> h.name("hnsw").spaceType(SPACE_TYPE).engine(engine.mappingName())))));
  }

  /** OpenSearch's score of a {@code cosinesimil} k-NN hit, {@code (1 + cosine) / 2}, back to the cosine. */
  static float cosine(double score) {
    return (float) Math.max(-1, Math.min(1, 2 * score - 1));
  }

  /** Passages only. */
  static Query passages() {
    return term(KIND, KIND_PASSAGE);
  }

  /** Heads of present (not removed) documents. */
  static List<Query> presentHeads() {
    return List.of(term(KIND, KIND_HEAD), Query.of(q -> q.term(t -> t.field(TOMBSTONE).value(FieldValue.of(false)))));
  }

  /** Passages of documents whose id starts with {@code prefix} ({@code null}: all passages). */
  static List<Query> passageFilters(String documentPrefix) {
    return documentPrefix == null
        ? List.of(passages())
        : List.of(passages(), Query.of(q -> q.prefix(p -> p.field(DOC_ID).value(documentPrefix))));
  }

  /** Heads of the documents. */
  static Query heads(Collection<String> documentIds) {
    List<FieldValue> ids = documentIds.stream().map(FieldValue::of).toList();
    return Query.of(q -> q.bool(b -> b
        .filter(term(KIND, KIND_HEAD))
        .filter(f -> f.terms(t -> t.field(DOC_ID).terms(v -> v.value(ids))))));
  }

  /** The passages of one written version of a document. */
  static Query version(String documentId, String token) {
    return Query.of(q -> q.bool(b -> b.filter(passages()).filter(term(DOC_ID, documentId)).filter(term(TOKEN, token))));
  }

  /**
   * Passages of {@code documentId} that a cleanup removes: those of the replaced versions ({@code replaced} tokens),
   * and strays that no head names ({@code named} tokens), written before {@code strayBefore} (epoch milliseconds) by
   * a writer that died before its head.
   */
  static Query removable(String documentId, Collection<String> replaced, Collection<String> named, long strayBefore) {
    List<FieldValue> replacedTokens = replaced.stream().map(FieldValue::of).toList();
    List<FieldValue> namedTokens = named.stream().map(FieldValue::of).toList();
    Query ofReplaced = Query.of(q -> q.terms(t -> t.field(TOKEN).terms(v -> v.value(replacedTokens))));
    Query stray = Query.of(q -> q.bool(b -> b
        .mustNot(m -> m.terms(t -> t.field(TOKEN).terms(v -> v.value(namedTokens))))
        .filter(f -> f.range(r -> r.field(RECORDED_AT).lt(JsonData.of(strayBefore))))));
    return Query.of(q -> q.bool(b -> b
        .filter(passages())
        .filter(term(DOC_ID, documentId))
        .should(ofReplaced).should(stray).minimumShouldMatch("1")));
  }

  /** Documents with these {@code _id}s. */
  static Query ids(List<String> ids) {
    return Query.of(q -> q.ids(i -> i.values(ids)));
  }

  static Query term(String field, String value) {
    return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
  }

}
