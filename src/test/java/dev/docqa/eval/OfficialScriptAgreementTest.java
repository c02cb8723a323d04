package dev.docqa.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agreement with the official scripts on 400 seeded random cases (articles in every case, ASCII and non-ASCII
 * punctuation, Unicode letters and whitespace, empty golds and predictions). {@code official-scores.json} holds the
 * values CPython 3.11 computed with the functions of {@code evaluate-v2.0.py} ({@code normalize_answer}, {@code
 * compute_exact}, {@code compute_f1}, the gold filtering of {@code get_raw_scores}) and {@code evaluate-v1.1.py}
 * ({@code f1_score}, {@code exact_match_score}, max over ground truths).
 */
class OfficialScriptAgreementTest {

  @Test
  void everyCaseScoresAsTheOfficialScripts() throws IOException {
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("official-scores.json")) {
      cases = new ObjectMapper().readTree(in).get("cases");
    }
    int checked = 0;
    for (JsonNode c : cases) {
      List<String> gold = new ArrayList<>();
      c.get("gold").forEach(text -> gold.add(text.asText()));
      String prediction = c.get("prediction").asText();
      String label = "gold=" + gold + " prediction=" + prediction;
      assertEquals(c.get("normalized_prediction").asText(), SquadScoring.normalize(prediction), label);
      assertEquals(c.get("v2_exact").asDouble(), SquadScoring.V2_0.exactMax(gold, prediction), label);
      assertEquals(c.get("v2_f1").asDouble(), SquadScoring.V2_0.f1Max(gold, prediction), 1e-12, label);
      if (c.has("v1_exact")) {
        assertEquals(c.get("v1_exact").asDouble(), SquadScoring.V1_1.exactMax(gold, prediction), label);
        assertEquals(c.get("v1_f1").asDouble(), SquadScoring.V1_1.f1Max(gold, prediction), 1e-12, label);
      }
      checked++;
    }
    assertEquals(400, checked);
  }
}
