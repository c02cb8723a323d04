package dev.docqa.index;

import java.util.Objects;

/**
 * A passage as one signal ranked it. {@code key} names the passage within the view that ranked it, equal across that
 * view's rankings (a Lucene doc id, an OpenSearch {@code _id}), so rankings can be fused by key.
 */
public record RankedHit(String key, float score) {

  public RankedHit {
    Objects.requireNonNull(key, "key");
  }
}
