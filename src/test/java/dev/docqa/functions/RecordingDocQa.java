package dev.docqa.functions;

import dev.docqa.document.Passage;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import dev.docqa.service.IngestOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A stand-in for the service that records what the handlers asked of it, so event handling can be tested without
 * models. Documents are kept as their text; {@code ask} answers with a caller-chosen function.
 */
final class RecordingDocQa implements DocQa {

  final Map<String, String> documents = Collections.synchronizedMap(new TreeMap<>());
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final List<AskRequest> questions = Collections.synchronizedList(new ArrayList<>());
  volatile Function<AskRequest, AskResult> answers = request -> answer("forty-two", "guide.txt");
  volatile RuntimeException failIngestWith;

  @Override
  public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
    calls.add("ingest " + documentId + " " + sourceVersion);
    if (failIngestWith != null) {
      throw failIngestWith;
    }
    try {
      documents.put(documentId, Files.readString(content));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new IngestOutcome(documentId, IngestOutcome.Status.INDEXED, 1, null);
  }

  @Override
  public boolean delete(String documentId) {
    calls.add("delete " + documentId);
    return documents.remove(documentId) != null;
  }

  @Override
  public AskResult ask(AskRequest request) {
    questions.add(request);
    return answers.apply(request);
  }

  @Override
  public AskResult read(String question, List<dev.docqa.document.Passage> passages, int alternatives) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<dev.docqa.document.Passage> retrieve(String question, Integer topK, dev.docqa.config.RetrieverMode mode) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}

  static AskResult answer(String text, String documentId) {
    String passageText = "The answer is " + text + ".";
    Passage passage = new Passage(documentId, 2, passageText, 100, 100 + passageText.length(), 3);
    int start = passageText.indexOf(text);
    Answer answer = new Answer(text, 7.5, 0.9, passage, start, start + text.length());
    return new AskResult(answer, List.of(), Map.of("total", 12.0));
  }
}
