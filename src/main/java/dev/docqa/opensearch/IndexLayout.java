package dev.docqa.opensearch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.mapping.DynamicMapping;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * docqa's layout of an OpenSearch index: the mapping, the two kinds of documents (a head per docqa document, a
 * document per passage) and their {@code _id}s, and the filters every read uses. Stateless.
 *
 * <p>{@code _id}s hash the docqa document id (SHA-256, hex), so they stay far below OpenSearch's 512-byte limit
 * whatever the id's length: {@code h:HASH} for the head, {@code p:HASH:TOKEN:ORDINAL} for a passage.
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
        .properties(RECORDED_AT, p -> p.long_(l -> l.index(false)))
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

  static String headId(String documentId) {
    return "h:" + hash(documentId);
  }

  static String passageId(String documentId, String token, int ordinal) {
    return "p:" + hash(documentId) + ":" + token + ":" + ordinal;
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

  /**
   * Passages of {@code documentId} that a head of generation {@code generation} and write token {@code token} does
   * not name and no newer head can name: what a write's cleanup removes.
   */
  static Query replacedPassages(String documentId, long generation, String token) {
    return Query.of(q -> q.bool(b -> b
        .filter(passages())
        .filter(term(DOC_ID, documentId))
        .filter(f -> f.range(r -> r.field(GENERATION).lte(JsonData.of(generation))))
        .mustNot(term(TOKEN, token))));
  }

  static Query term(String field, String value) {
    return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
  }

  private static String hash(String documentId) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(documentId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
