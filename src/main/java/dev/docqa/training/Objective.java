package dev.docqa.training;

/** What the span loss normalises over. */
public enum Objective {
  /** Softmax over the tokens of each window alone (the Hugging Face recipe). */
  SPAN("span"),
  /**
   * Softmax over all windows of a question's group: its gold paragraph and distractor paragraphs (Clark and Gardner
   * 2018), so that logits become comparable across passages, as docqa's global ranking assumes.
   */
  SHARED_NORM("shared-norm");

  private final String id;

  Objective(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The objective named {@code id} ({@code span} or {@code shared-norm}). */
  public static Objective of(String id) {
    for (Objective objective : values()) {
      if (objective.id.equals(id)) {
        return objective;
      }
    }
    throw new IllegalArgumentException("objective must be span or shared-norm; objective=" + id);
  }
}
