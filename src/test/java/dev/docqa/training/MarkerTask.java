package dev.docqa.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated SQuAD v1.1 task that a tiny reader can learn only if gradients flow and labels are right: the answer is
 * the word right after the word "marker", somewhere in a context of random words that may span several windows.
 */
final class MarkerTask {

  static final String QUESTION = "which word follows the marker?";
  private static final String[] WORDS = ("apple river stone cloud garden silver window tiger music paper forest "
      + "candle bridge ocean winter lemon copper valley harbor meadow").split(" ");
  private static final ObjectMapper JSON = new ObjectMapper();

  private MarkerTask() {}

  /** Writes {@code articles} articles of three paragraphs, one question each; contexts of 8 to {@code maxWords}. */
  static Path write(Path file, int articles, int maxWords, long seed) throws IOException {
    Random random = new Random(seed);
    ObjectNode root = JSON.createObjectNode().put("version", "1.1");
    ArrayNode data = root.putArray("data");
    for (int a = 0; a < articles; a++) {
      ObjectNode article = data.addObject().put("title", "article " + a);
      ArrayNode paragraphs = article.putArray("paragraphs");
      for (int p = 0; p < 3; p++) {
        List<String> words = new ArrayList<>();
        for (int i = 0, n = 8 + random.nextInt(Math.max(1, maxWords - 8)); i < n; i++) {
          words.add(WORDS[random.nextInt(WORDS.length)]);
        }
        int at = random.nextInt(words.size());
        String answer = WORDS[random.nextInt(WORDS.length)];
        words.add(at, "marker");
        words.add(at + 1, answer);
        String context = String.join(" ", words);
        int start = String.join(" ", words.subList(0, at + 1)).length() + 1;
        ObjectNode paragraph = paragraphs.addObject().put("context", context);
        ObjectNode qa = paragraph.putArray("qas").addObject()
            .put("id", "s" + seed + "-" + a + "-" + p)
            .put("question", QUESTION);
        qa.putArray("answers").addObject().put("text", answer).put("answer_start", start);
      }
    }
    JSON.writeValue(file.toFile(), root);
    return file;
  }
}
