package dev.docqa.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SquadDatasetTest {

  static final String V2 = """
      {"version": "v2.0", "data": [{"title": "Rivers", "paragraphs": [
        {"context": "The 🌊 Rhine flows north.", "qas": [
          {"id": "r1", "question": "Which way does the Rhine flow?", "is_impossible": false,
           "answers": [{"text": "north", "answer_start": 18}, {"text": "north.", "answer_start": 18}]},
          {"id": "r2", "question": "Who owns the Rhine?", "is_impossible": true, "answers": [],
           "plausible_answers": [{"text": "Rhine", "answer_start": 6}]}]}]}]}
      """;

  static SquadDataset parse(String json) throws IOException {
    return SquadDataset.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
  }

  @Test
  void readsV2WithUnanswerableQuestions() throws IOException {
    SquadDataset dataset = parse(V2);
    assertEquals(SquadScoring.V2_0, dataset.scoring());
    assertEquals("Rivers", dataset.articles().getFirst().title());
    List<SquadDataset.Question> questions = dataset.questions();
    assertEquals(List.of("r1", "r2"), questions.stream().map(SquadDataset.Question::id).toList());
    assertTrue(questions.get(0).answerable());
    assertEquals(List.of("north", "north."), questions.get(0).goldTexts());
    assertFalse(questions.get(1).answerable());
  }

  @Test
  void answerOffsetsArePythonIndexesThatIsCodePoints() throws IOException {
    SquadDataset.GoldAnswer north = parse(V2).questions().getFirst().answers().getFirst();
    String context = parse(V2).articles().getFirst().paragraphs().getFirst().context();
    int from = context.offsetByCodePoints(0, north.start());
    int to = context.offsetByCodePoints(0, north.end());
    assertEquals("north", context.substring(from, to));
  }

  @Test
  void aFileWithoutVersionOrUnanswerableQuestionsIsScoredAsV11() throws IOException {
    SquadDataset dataset = parse("""
        {"data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [
          {"id": "1", "question": "q", "answers": [{"text": "c", "answer_start": 0}]}]}]}]}""");
    assertEquals(SquadScoring.V1_1, dataset.scoring());
  }

  @Test
  void rejectsMalformedFilesWithTheReason() {
    assertEquals("SQuAD file has no \"data\" array: test.json",
        assertThrows(InvalidInputException.class, () -> parse("{\"version\": \"1.1\"}")).getMessage());
    assertTrue(assertThrows(InvalidInputException.class, () -> parse("[1, 2"))
        .getMessage().startsWith("not a SQuAD JSON file: test.json"));
    assertEquals("SQuAD file has no questions: test.json",
        assertThrows(InvalidInputException.class, () -> parse("{\"data\": []}")).getMessage());
    String repeated = """
        {"data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [
          {"id": "1", "question": "q", "answers": []}, {"id": "1", "question": "q2", "answers": []}]}]}]}""";
    assertEquals("SQuAD question ids must be unique; repeated id=1",
        assertThrows(InvalidInputException.class, () -> parse(repeated)).getMessage());
    assertEquals("SQuAD file not found: no/such.json",
        assertThrows(InvalidInputException.class, () -> SquadDataset.read(Path.of("no/such.json"))).getMessage());
  }
}
