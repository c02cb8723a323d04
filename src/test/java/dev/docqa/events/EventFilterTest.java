package dev.docqa.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.docqa.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventFilterTest {

  @Test
  void theFilterKeepsOneBucketAndPrefix() {
    EventFilter filter = new EventFilter("b", "store/docs/");
    assertEquals(Optional.of("a/b.pdf"), filter.documentId(event("b", "store/docs/a/b.pdf")));
    assertEquals(Optional.empty(), filter.documentId(event("other", "store/docs/a.pdf")));
    assertEquals(Optional.empty(), filter.documentId(event("b", "store/index/x")));
    assertEquals(Optional.empty(), filter.documentId(event("b", "store/docs/folder/")));
  }

  @Test
  void anEventWithASequencerThatIsNotHexIsInvalidInput() {
    assertThrows(InvalidInputException.class,
        () -> new DocumentEvent(DocumentEvent.Kind.CREATED, "b", "k", "e", null, "zz-not-hex", null));
  }

  private static DocumentEvent event(String bucket, String key) {
    return new DocumentEvent(DocumentEvent.Kind.CREATED, bucket, key, "e", null, "01", null);
  }
}
