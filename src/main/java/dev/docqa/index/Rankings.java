package dev.docqa.index;

import java.util.List;

/** The two rankings of one {@link IndexView#rank} call, best first; a signal that was not asked for is empty. */
public record Rankings(List<RankedHit> lexical, List<RankedHit> semantic) {

  public Rankings {
    lexical = List.copyOf(lexical);
    semantic = List.copyOf(semantic);
  }
}
