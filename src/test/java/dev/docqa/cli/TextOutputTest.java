package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.docqa.document.Passage;
import dev.docqa.eval.EvalReport;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TextOutputTest {

  private static String print(Consumer<PrintStream> printer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      printer.accept(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void marksTheAnswerInItsPassageByCodePoints() {
    Passage passage = new Passage("d.txt", 0, "Der 🌊 Rhein\nfließt nach Norden.", 40, 71, null);
    Answer answer = new Answer("Norden", 1, 0.5, passage, 24, 30);
    assertEquals("Der 🌊 Rhein fließt nach **Norden**.", TextOutput.highlighted(answer));
    assertEquals("d.txt, characters 64-70", TextOutput.source(answer));
  }

  @Test
  void noAnswerStillListsTheAlternatives() {
    Answer alternative = new Answer("passages", 0.5, 0.1, JsonOutputTest.PASSAGE, 23, 31);
    String text = print(out -> TextOutput.ask(new AskResult(null, List.of(alternative), Map.of()), out));
    assertEquals("""
        No answer: the reader found none in what it read.
        Alternatives:
          1. passages  (guide.md, page 3, characters 123-131; score 0.500, confidence 0.100)
        """, text);
  }

  @Test
  void evalShowsGroupsRecallAndLatency() {
    EvalReport report = new EvalReport(new EvalReport.Scores(50, 62.5, 4), new EvalReport.Scores(33.25, 50, 3),
        new EvalReport.Scores(100, 100, 1), Map.of(1, 0.5, 5, 0.75, 10, 1.0, 20, 1.0), 12.5, 40, "hybrid", 5);
    assertEquals("""
        SQuAD evaluation (retriever hybrid, top-k 5)
          all          EM  50.00  F1  62.50  (4 questions)
          has answer   EM  33.25  F1  50.00  (3 questions)
          no answer    EM 100.00  F1 100.00  (1 question)
          recall@k     @1 0.500  @5 0.750  @10 1.000  @20 1.000
          latency      p50 12.5 ms  p95 40.0 ms
        """, print(out -> TextOutput.eval(report, out)));
  }
}
