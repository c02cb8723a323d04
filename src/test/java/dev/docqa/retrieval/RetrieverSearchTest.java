package dev.docqa.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.docqa.InvalidInputException;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.embedding.Embedder;
import dev.docqa.embedding.Embedders;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.PassageIndex;
import dev.docqa.indexing.VectorFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Retriever#search} with a caller-made embedding ranks exactly as {@link Retriever#retrieve}, same checks. */
class RetrieverSearchTest {

  private static final List<String> TEXTS = List.of(
      "The lighthouse keeper climbs the tower at dusk to light the lamp.",
      "Harbour fees are paid at the customs house before ships unload.",
      "Kestrel verbs take a suffix for the past tense and another for the future.",
      "The water system draws from two reservoirs north of the city.");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(RetrieverMode.class)
  void searchWithTheQuestionsEmbeddingMatchesRetrieve(RetrieverMode mode) throws Exception {
    try (Embedder embedder = tinyEmbedder(); PassageIndex index = index(embedder)) {
      Retriever retriever = new Retriever(index, embedder, RetrievalSettings.defaults());
      String question = "  When is the lighthouse lamp lit?  ";

      List<ScoredPassage> retrieved = retriever.retrieve(question, mode, 3, null);
      float[] vector = mode == RetrieverMode.BM25 ? null : embedder.embedQuery(question.strip());
      List<ScoredPassage> searched = retriever.search(question, vector, mode, 3, null);

      assertFalse(retrieved.isEmpty());
      assertEquals(retrieved, searched);
    }
  }

  @Test
  void searchChecksItsArgumentsLikeRetrieve() throws Exception {
    try (Embedder embedder = tinyEmbedder(); PassageIndex index = index(embedder)) {
      Retriever retriever = new Retriever(index, embedder, RetrievalSettings.defaults());
      float[] vector = embedder.embedQuery("lamp");

      assertThrows(InvalidInputException.class, () -> retriever.search(" ", vector, RetrieverMode.HYBRID, 3, null));
      assertThrows(InvalidInputException.class, () -> retriever.search("lamp", vector, RetrieverMode.HYBRID, 0, null));
      assertThrows(InvalidInputException.class,
          () -> retriever.search("lamp", vector, RetrieverMode.DENSE, 3, "d".repeat(Retriever.MAX_PREFIX_CHARS + 1)));
      assertThrows(IllegalArgumentException.class, () -> retriever.search("lamp", null, RetrieverMode.DENSE, 3, null));
    }
  }

  private static Embedder tinyEmbedder() throws Exception {
    Path tiny = Path.of(RetrieverSearchTest.class.getResource("/models/tiny-embedder").toURI());
    return Embedders.openDirectory(tiny, new EmbedderSettings(tiny.toString(), 4));
  }

  private PassageIndex index(Embedder embedder) {
    PassageIndex index = PassageIndex.open(dir.resolve("index"), embedder.dimension(), VectorFormat.FLOAT32);
    for (int i = 0; i < TEXTS.size(); i++) {
      String text = TEXTS.get(i);
      String id = "doc-" + i + ".txt";
      index.replace(new DocumentPassages(id, "hash-" + i, "v1",
          List.of(new Passage(id, 0, text, 0, text.length(), null)), embedder.embedPassages(List.of(text))));
    }
    return index;
  }
}
