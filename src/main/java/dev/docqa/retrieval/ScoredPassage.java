package dev.docqa.retrieval;

import dev.docqa.document.Passage;
import java.util.Objects;

/**
 * A retrieved passage with its provenance and score. The score's scale depends on the mode: BM25 score, cosine
 * similarity in [-1, 1] (dense), or reciprocal-rank-fusion score (hybrid). Higher is better within one result list.
 */
public record ScoredPassage(Passage passage, float score) {

  public ScoredPassage {
    Objects.requireNonNull(passage, "passage");
  }
}
