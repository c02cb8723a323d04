package dev.docqa.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.document.Passage;
import dev.docqa.reading.Answer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code ask} function's answer JSON ({@link AnswerView} through a plain Jackson mapper, as the handler and Funqy
 * write it) is the CLI's {@code ask --json} line: same fixtures and expected lines as {@code cli.JsonOutputTest}.
 */
class AnswerViewTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anAnswerIsTheCliLineWithDocumentOffsetsInCodePoints() throws Exception {
    Passage passage = new Passage("guide.md", 2, "Docqa splits text into passages.", 100, 132, 3);
    Answer best = new Answer("passages", 7.5, 0.8, passage, 23, 31);
    Passage other = new Passage("notes.txt", 0, "🌊 text", 0, 6, null);
    Answer alternative = new Answer("text", 1.25, 0.1, other, 2, 6);
    AskResult result = new AskResult(best, List.of(alternative), Map.of("total", 16.00049, "read", 12.5));

    assertEquals(
        "{\"answer\":\"passages\",\"score\":7.5,\"confidence\":0.8,\"document\":\"guide.md\",\"start\":123,\"end\":131,"
            + "\"page\":3,\"passage\":{\"text\":\"Docqa splits text into passages.\",\"start\":100,\"end\":132},"
            + "\"alternatives\":[{\"answer\":\"text\",\"score\":1.25,\"confidence\":0.1,\"document\":\"notes.txt\","
            + "\"start\":2,\"end\":6,\"page\":null,\"passage\":{\"text\":\"🌊 text\",\"start\":0,\"end\":6}}],"
            + "\"timings_ms\":{\"read\":12.5,\"total\":16.0}}",
        JSON.writeValueAsString(AnswerView.of(result)));
  }

  @Test
  void noAnswerKeepsEveryKeyWithNullsAndZeros() throws Exception {
    assertEquals(
        "{\"answer\":null,\"score\":0.0,\"confidence\":0.0,\"document\":null,\"start\":0,\"end\":0,\"page\":null,"
            + "\"passage\":null,\"alternatives\":[],\"timings_ms\":{}}",
        JSON.writeValueAsString(AnswerView.of(new AskResult(null, List.of(), Map.of()))));
  }
}
