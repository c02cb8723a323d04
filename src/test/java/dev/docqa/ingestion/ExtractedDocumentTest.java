package dev.docqa.ingestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractedDocumentTest {

  @Test
  void pageAtFindsThePageHoldingAnOffset() {
    // Page 2 is empty: pages 2 and 3 both start at offset 10, and the text there belongs to page 3.
    ExtractedDocument doc = document(List.of(0, 10, 10, 25));
    assertEquals(1, doc.pageAt(0));
    assertEquals(1, doc.pageAt(9));
    assertEquals(3, doc.pageAt(10));
    assertEquals(3, doc.pageAt(24));
    assertEquals(4, doc.pageAt(25));
    assertEquals(4, doc.pageAt(1000));
    assertEquals(4, doc.pageCount());
  }

  @Test
  void textBeforeTheFirstPageCountsAsPageOne() {
    assertEquals(1, document(List.of(5, 20)).pageAt(2));
  }

  @Test
  void noPagesMeansNoPageNumber() {
    ExtractedDocument doc = document(List.of());
    assertNull(doc.pageAt(0));
    assertEquals(0, doc.pageCount());
  }

  @Test
  void pageStartsAreCopiedAndValidated() {
    List<Integer> starts = new ArrayList<>(List.of(0, 10));
    ExtractedDocument doc = document(starts);
    starts.add(20);
    assertEquals(List.of(0, 10), doc.pageStarts());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> document(List.of(10, 5)));
    assertTrue(e.getMessage().contains("[10, 5]"), e.getMessage());
  }

  private static ExtractedDocument document(List<Integer> pageStarts) {
    return new ExtractedDocument("x".repeat(40), pageStarts, "application/pdf", null, "hash");
  }
}
