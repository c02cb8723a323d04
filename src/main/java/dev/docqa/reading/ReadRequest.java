package dev.docqa.reading;

import dev.docqa.InvalidInputException;
import dev.docqa.document.Passage;
import java.util.List;

/**
 * One question and the passages to read for it.
 *
 * @param question the question, not blank
 * @param passages at least one passage; each is read in stride windows
 */
public record ReadRequest(String question, List<Passage> passages) {

  public ReadRequest {
    if (question == null || question.isBlank()) {
      throw new InvalidInputException(
          "question must not be blank; question=" + (question == null ? "null" : "\"" + question + "\""));
    }
    if (passages == null || passages.isEmpty()) {
      throw new InvalidInputException("at least one passage is needed to read; passages=" + passages);
    }
    for (int i = 0; i < passages.size(); i++) {
      if (passages.get(i) == null) {
        throw new InvalidInputException("passage " + i + " is null");
      }
    }
    passages = List.copyOf(passages);
  }
}
