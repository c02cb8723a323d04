package dev.docqa.eval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A SQuAD v1.1 or v2.0 file: articles of paragraphs, each with its questions and gold answers. Immutable.
 *
 * @param scoring the official script whose rules apply: {@link SquadScoring#V2_0} when the file says {@code "version":
 *     "v2.0"} or has unanswerable questions, else {@link SquadScoring#V1_1}
 * @param articles in file order
 */
public record SquadDataset(SquadScoring scoring, List<Article> articles) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public SquadDataset {
    Objects.requireNonNull(scoring, "scoring");
    articles = List.copyOf(articles);
  }

  /** One article: a title and its paragraphs. */
  public record Article(String title, List<Paragraph> paragraphs) {
    public Article {
      title = title == null ? "" : title;
      paragraphs = List.copyOf(paragraphs);
    }
  }

  /** One context paragraph and the questions asked about it. */
  public record Paragraph(String context, List<Question> questions) {
    public Paragraph {
      Objects.requireNonNull(context, "context");
      questions = List.copyOf(questions);
    }
  }

  /**
   * One question.
   *
   * @param answers gold answers; empty when the question is unanswerable (SQuAD v2.0)
   */
  public record Question(String id, String text, List<GoldAnswer> answers) {
    public Question {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(text, "text");
      answers = List.copyOf(answers);
    }

    /** The official scripts' {@code has_ans}: any gold answer at all. */
    public boolean answerable() {
      return !answers.isEmpty();
    }

    public List<String> goldTexts() {
      return answers.stream().map(GoldAnswer::text).toList();
    }
  }

  /**
   * One gold answer span.
   *
   * @param start code-point offset in the paragraph's context (a Python string index, as SQuAD's {@code answer_start})
   */
  public record GoldAnswer(String text, int start) {
    public GoldAnswer {
      Objects.requireNonNull(text, "text");
    }

    /** Code-point offset (exclusive) of the span's end in the context. */
    public int end() {
      return start + text.codePointCount(0, text.length());
    }
  }

  /** All questions, in file order. */
  public List<Question> questions() {
    return articles.stream()
        .flatMap(article -> article.paragraphs().stream())
        .flatMap(paragraph -> paragraph.questions().stream())
        .toList();
  }

  /**
   * Reads a SQuAD JSON file.
   *
   * @throws InvalidInputException when the file is missing, not JSON, not SQuAD-shaped, has no questions or repeats a
   *     question id
   */
  public static SquadDataset read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("SQuAD file not found: " + file, e);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read SQuAD file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads SQuAD JSON from a stream; {@code source} names it in messages. */
  public static SquadDataset parse(InputStream in, String source) throws IOException {
    FileJson file;
    try {
      file = JSON.readValue(in, FileJson.class);
    } catch (IOException e) {
      throw new InvalidInputException("not a SQuAD JSON file: " + source + ": " + firstLine(e.getMessage()), e);
    }
    if (file == null || file.data() == null) {
      throw new InvalidInputException("SQuAD file has no \"data\" array: " + source);
    }
    List<Article> articles = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    boolean unanswerable = false;
    for (ArticleJson article : file.data()) {
      List<Paragraph> paragraphs = new ArrayList<>();
      for (ParagraphJson paragraph : nonNull(article.paragraphs())) {
        if (paragraph.context() == null) {
          throw new InvalidInputException("SQuAD paragraph without \"context\" in article '" + article.title() + "'");
        }
        List<Question> questions = new ArrayList<>();
        for (QuestionJson qa : nonNull(paragraph.qas())) {
          if (qa.id() == null || qa.question() == null) {
            throw new InvalidInputException("SQuAD question needs \"id\" and \"question\"; id=" + qa.id());
          }
          if (!ids.add(qa.id())) {
            throw new InvalidInputException("SQuAD question ids must be unique; repeated id=" + qa.id());
          }
          List<GoldAnswer> answers = nonNull(qa.answers()).stream()
              .map(answer -> new GoldAnswer(Objects.requireNonNullElse(answer.text(), ""), answer.answerStart()))
              .toList();
          unanswerable |= answers.isEmpty() || qa.impossible();
          questions.add(new Question(qa.id(), qa.question(), answers));
        }
        paragraphs.add(new Paragraph(paragraph.context(), questions));
      }
      articles.add(new Article(article.title(), paragraphs));
    }
    boolean v2 = (file.version() != null && file.version().replaceFirst("^v", "").startsWith("2")) || unanswerable;
    SquadDataset dataset = new SquadDataset(v2 ? SquadScoring.V2_0 : SquadScoring.V1_1, articles);
    if (dataset.questions().isEmpty()) {
      throw new InvalidInputException("SQuAD file has no questions: " + source);
    }
    return dataset;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  // The file's JSON shape; only what evaluation needs (plausible_answers and the like are ignored).

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record FileJson(String version, List<ArticleJson> data) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record ArticleJson(String title, List<ParagraphJson> paragraphs) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record ParagraphJson(String context, List<QuestionJson> qas) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record QuestionJson(
      String id, String question, List<AnswerJson> answers, @JsonProperty("is_impossible") boolean impossible) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record AnswerJson(String text, @JsonProperty("answer_start") int answerStart) {}
}
