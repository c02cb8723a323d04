package dev.docqa.training;

import dev.docqa.indexing.PassageSchema;
import dev.docqa.retrieval.Retriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Distractor paragraphs for shared normalisation: the other paragraphs of a question's article, ranked for the question
 * by docqa's own BM25 query ({@link Retriever#lexicalQuery}) over an in-memory Lucene index of every paragraph.
 * Paragraphs that contain the question's answer text are never distractors (they would teach the model that a right
 * answer is wrong). Under the span objective nothing is indexed. Not thread-safe.
 */
final class Distractors implements AutoCloseable {

  private static final String ARTICLE = "article";
  private static final String PARAGRAPH = "paragraph";
  private static final int MAX_QUERY_TERMS = 64;

  private final TrainingExamples examples;
  private final Analyzer analyzer;
  private final ByteBuffersDirectory directory;
  private final DirectoryReader reader;

  private Distractors(TrainingExamples examples, Analyzer analyzer, ByteBuffersDirectory directory,
      DirectoryReader reader) {
    this.examples = examples;
    this.analyzer = analyzer;
    this.directory = directory;
    this.reader = reader;
  }

  static Distractors open(TrainingExamples examples, Objective objective) {
    if (objective == Objective.SPAN) {
      return new Distractors(examples, null, null, null);
    }
    Analyzer analyzer = PassageSchema.newAnalyzer();
    ByteBuffersDirectory directory = new ByteBuffersDirectory();
    try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer))) {
      List<List<String>> articles = examples.articles();
      for (int a = 0; a < articles.size(); a++) {
        for (int p = 0; p < articles.get(a).size(); p++) {
          Document document = new Document();
          document.add(new IntField(ARTICLE, a, Field.Store.NO));
          document.add(new StoredField(PARAGRAPH, p));
          document.add(new TextField(PassageSchema.TEXT, articles.get(a).get(p), Field.Store.NO));
          writer.addDocument(document);
        }
      }
      writer.commit();
      return new Distractors(examples, analyzer, directory, DirectoryReader.open(directory));
    } catch (IOException e) {
      throw new UncheckedIOException("indexing paragraphs for distractors failed", e);
    }
  }

  /** Up to {@code count} paragraphs of the example's article, best first; never its own, never one with its answer. */
  List<Integer> pick(TrainingExamples.Example example, int count) {
    if (count == 0 || reader == null) {
      return List.of();
    }
    BooleanQuery.Builder query = Retriever.lexicalQuery(analyzer, example.question(), MAX_QUERY_TERMS);
    if (query == null) {
      return List.of();
    }
    query.add(IntField.newExactQuery(ARTICLE, example.article()), BooleanClause.Occur.FILTER);
    List<String> paragraphs = examples.articles().get(example.article());
    try {
      IndexSearcher searcher = new IndexSearcher(reader);
      List<Integer> picked = new ArrayList<>();
      for (ScoreDoc hit : searcher.search(query.build(), count + 8).scoreDocs) {
        int p = searcher.storedFields().document(hit.doc).getField(PARAGRAPH).numericValue().intValue();
        boolean holdsAnswer = !example.answerText().isEmpty() && paragraphs.get(p).contains(example.answerText());
        if (p != example.paragraph() && !holdsAnswer && picked.size() < count) {
          picked.add(p);
        }
      }
      return picked;
    } catch (IOException e) {
      throw new UncheckedIOException("searching distractors failed", e);
    }
  }

  @Override
  public void close() {
    try {
      if (reader != null) {
        reader.close();
        directory.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
