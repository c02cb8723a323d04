package dev.docqa.ingestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.IngestSettings;
import dev.docqa.document.Passage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PassageSplitterTest {

  private static final long SEED = 20261122L;

  /** Words that the uncased BERT vocabulary keeps whole, so re-tokenizing a passage counts exactly its tokens. */
  private static final String[] WORDS = {
    "the", "keeper", "lamp", "tower", "fog", "signal", "ship", "harbour", "water", "pump", "city", "river", "stone",
    "night", "light", "island", "north", "south", "winter", "summer", "café", "naïve", "東", "京", "水", "🚢", "🌊",
    "42", "1887", "of", "and", "with", "from", "was", "is", "a", "an", "in", "on"
  };

  private static HuggingFaceSpanTokenizer tokenizer;

  @BeforeAll
  static void open() {
    tokenizer = TestDocuments.miniLmTokenizer();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void tokenizerIgnoresTheFilesBuiltInTruncation() {
    String text = "light ".repeat(1000);
    assertEquals(2000, tokenizer.tokenSpans(List.of(text))[0].length, "1000 tokens as 1000 start/end pairs");
  }

  @Test
  void randomTextsKeepTheInvariants() {
    Random random = new Random(SEED);
    int[][] sizes = {{16, 0}, {16, 4}, {64, 16}, {256, 32}, {7, 6}};
    for (int round = 0; round < 40; round++) {
      int[] size = sizes[round % sizes.length];
      String text = randomText(random, 1 + random.nextInt(3000));
      // The id names seed and round in any failure message, so it can be replayed.
      String documentId = "seed-" + SEED + "-round-" + round;
      List<Passage> passages = split(documentId, text, size[0], size[1]);
      assertInvariants(documentId, text, passages, size[0], size[1]);
    }
  }

  @Test
  void passagesEndAtSentenceEndsWhenSentencesFit() {
    StringBuilder text = new StringBuilder();
    Random random = new Random(SEED);
    for (int i = 0; i < 200; i++) {
      text.append("Sentence ").append(i).append(' ');
      for (int w = random.nextInt(6); w >= 0; w--) {
        text.append(WORDS[random.nextInt(20)]).append(' ');
      }
      text.append("ends here. ");
    }
    // Sentences of 5 to 11 tokens: every passage can take its predecessor's last sentence as overlap.
    List<Passage> passages = split(text.toString(), 64, 16);
    assertInvariants("doc", text.toString(), passages, 64, 16);
    for (Passage p : passages) {
      assertTrue(p.text().startsWith("Sentence "), p.text());
      assertTrue(p.text().endsWith("ends here."), p.text());
    }
    for (int i = 1; i < passages.size(); i++) {
      assertTrue(passages.get(i).start() < passages.get(i - 1).end(), "whole-sentence overlap at passage " + i);
    }
  }

  @Test
  void veryLongSentenceIsCutAtTokenBoundariesWithOverlap() {
    String text = "Intro sentence. " + String.join(" ", java.util.Collections.nCopies(2000, "tower")) + " end.";
    List<Passage> passages = split(text, 100, 20);
    assertInvariants("doc", text, passages, 100, 20);
    // 2 + 2000 + 2 tokens; the intro stands alone, then pieces advance 80 tokens each.
    assertTrue(passages.size() >= 25 && passages.size() <= 27, "passages=" + passages.size());
    for (int i = 2; i < passages.size(); i++) {
      Passage previous = passages.get(i - 1);
      Passage current = passages.get(i);
      assertEquals(20, tokenCount(text.substring(
          text.offsetByCodePoints(0, current.start()), text.offsetByCodePoints(0, previous.end()))),
          "token overlap between pieces " + (i - 1) + " and " + i);
    }
  }

  @Test
  void pagesComeFromThePassageStart() {
    String page1 = "First page words. ".repeat(30);
    String page2 = "Second page words. ".repeat(30);
    String text = page1 + page2;
    ExtractedDocument doc = new ExtractedDocument(text, List.of(0, page1.length()), "application/pdf", null, "h");
    List<Passage> passages = new PassageSplitter(tokenizer, IngestSettings.defaults().withPassageTokens(32, 8))
        .split("doc.pdf", doc);
    assertInvariants("doc.pdf", text, passages, 32, 8);
    assertEquals(1, passages.get(0).page());
    assertEquals(2, passages.get(passages.size() - 1).page());
    for (Passage p : passages) {
      assertEquals(p.start() < page1.length() ? 1 : 2, p.page(), p.toString());
    }
  }

  @Test
  void whitespaceOnlyTextHasNoPassages() {
    assertEquals(List.of(), split(" \n\t ", 16, 4));
  }

  @Test
  void workIsLinearInDocumentSize() {
    Random random = new Random(SEED);
    String small = randomText(random, 150_000);
    String large = small.repeat(3);
    assertTrue(large.length() > 2_000_000, "multi-MB document: " + large.length());

    CountingTokenizer counting = new CountingTokenizer(tokenizer);
    PassageSplitter splitter = new PassageSplitter(counting, IngestSettings.defaults());
    List<Passage> smallPassages = splitter.split("small", doc(small));
    long smallChars = counting.chars.getAndSet(0);
    long smallCalls = counting.calls.getAndSet(0);
    List<Passage> largePassages = splitter.split("large", doc(large));
    long largeChars = counting.chars.get();
    long largeCalls = counting.calls.get();

    // Every character is tokenized exactly once, in batched calls.
    assertEquals(small.length(), smallChars);
    assertEquals(large.length(), largeChars);
    assertTrue(largeCalls <= 3 * smallCalls + 3, "calls small=" + smallCalls + " large=" + largeCalls);
    assertTrue(largeCalls < large.length() / 10_000, "batched: calls=" + largeCalls);
    // Output grows in proportion too: passages and their total text.
    double ratio = (double) largePassages.size() / smallPassages.size();
    assertTrue(ratio > 2.9 && ratio < 3.1, "passage ratio " + ratio);
    long passageChars = largePassages.stream().mapToLong(p -> p.text().length()).sum();
    assertTrue(passageChars < large.length() * 1.3, "overlap keeps output linear: " + passageChars);
    // Token counts per passage are checked on the random texts; here the offsets and coverage.
    assertInvariants("large", large, largePassages, 256, 32, false);
  }

  private List<Passage> split(String text, int target, int overlap) {
    return split("doc", text, target, overlap);
  }

  private List<Passage> split(String documentId, String text, int target, int overlap) {
    return new PassageSplitter(tokenizer, IngestSettings.defaults().withPassageTokens(target, overlap))
        .split(documentId, doc(text));
  }

  private static ExtractedDocument doc(String text) {
    return new ExtractedDocument(text, List.of(), "text/plain", "UTF-8", DocumentExtractor.sha256Hex(text));
  }

  private void assertInvariants(String documentId, String text, List<Passage> passages, int target, int overlap) {
    assertInvariants(documentId, text, passages, target, overlap, true);
  }

  private void assertInvariants(
      String documentId, String text, List<Passage> passages, int target, int overlap, boolean countTokens) {
    int[] codePoints = text.codePoints().toArray();
    int covered = 0;
    for (int i = 0; i < passages.size(); i++) {
      Passage p = passages.get(i);
      String where = documentId + " passage " + i + " " + p;
      assertEquals(i, p.ordinal(), where);
      assertEquals(documentId, p.documentId(), where);
      assertEquals(new String(codePoints, p.start(), p.end() - p.start()), p.text(), where);
      if (countTokens) {
        int tokens = tokenCount(p.text());
        assertTrue(tokens <= target, where + " has " + tokens + " > " + target + " tokens");
      }
      assertTrue(p.text().equals(p.text().strip()), where + " is trimmed");
      if (i > 0) {
        Passage previous = passages.get(i - 1);
        assertTrue(p.start() > previous.start() && p.end() > previous.end(), where + " moves forward");
        if (overlap == 0) {
          assertTrue(p.start() >= previous.end(), where + " must not overlap");
        }
      }
      // Nothing but whitespace between what is covered so far and this passage: no text is lost.
      if (p.start() > covered) {
        assertTrue(new String(codePoints, covered, p.start() - covered).isBlank(), where + " skips text");
      }
      covered = Math.max(covered, p.end());
    }
    assertTrue(new String(codePoints, covered, codePoints.length - covered).isBlank(),
        documentId + ": text after the last passage");
  }

  private static int tokenCount(String text) {
    return tokenizer.tokenSpans(List.of(text))[0].length / 2;
  }

  /** Random prose: sentences of known words, with blank lines, CRLF, headings and the odd run-on sentence. */
  static String randomText(Random random, int words) {
    StringBuilder text = new StringBuilder();
    int inSentence = 0;
    for (int i = 0; i < words; i++) {
      String word = WORDS[random.nextInt(WORDS.length)];
      text.append(inSentence == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
      inSentence++;
      int roll = random.nextInt(100);
      if (roll < 8 && inSentence > 2) {
        text.append(random.nextBoolean() ? ". " : "? ");
        inSentence = 0;
      } else if (roll < 10) {
        text.append(random.nextBoolean() ? ".\n\n" : ".\r\n");
        inSentence = 0;
      } else if (roll < 12) {
        text.append(", ");
      } else {
        text.append(' ');
      }
    }
    return text.toString();
  }

  /** Decorates the real tokenizer with the counts the linearity test needs. */
  private static final class CountingTokenizer implements SpanTokenizer {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong chars = new AtomicLong();
    private final SpanTokenizer delegate;

    CountingTokenizer(SpanTokenizer delegate) {
      this.delegate = delegate;
    }

    @Override
    public int[][] tokenSpans(List<String> texts) {
      calls.incrementAndGet();
      chars.addAndGet(texts.stream().mapToLong(String::length).sum());
      return delegate.tokenSpans(new ArrayList<>(texts));
    }
  }
}
