package dev.docqa.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {

  @Test
  void defaultsLeaveRoomForAQuestionInA384TokenWindow() {
    IngestSettings defaults = IngestSettings.defaults();
    assertEquals(256, defaults.passageTargetTokens());
    assertEquals(32, defaults.passageOverlapTokens());
    assertEquals(IngestSettings.DEFAULT_MAX_EXTRACTED_CHARS, defaults.maxExtractedChars());
    assertTrue(defaults.passageTargetTokens() + 64 + 3 <= DocqaSettings.defaults().reader().maxSeqLength());
  }

  @Test
  void withersChangeOneField() {
    IngestSettings changed =
        IngestSettings.defaults().withPassageTokens(100, 10).withExtractionTimeout(Duration.ofSeconds(5));
    assertEquals(100, changed.passageTargetTokens());
    assertEquals(10, changed.passageOverlapTokens());
    assertEquals(Duration.ofSeconds(5), changed.extractionTimeout());
    assertEquals(IngestSettings.defaults().maxDocumentBytes(), changed.maxDocumentBytes());
  }

  @Test
  void badValuesNameTheRuleAndTheValue() {
    IllegalArgumentException overlap =
        assertThrows(IllegalArgumentException.class, () -> IngestSettings.defaults().withPassageTokens(32, 32));
    assertTrue(overlap.getMessage().contains("passageOverlapTokens=32"), overlap.getMessage());
    IllegalArgumentException chars =
        assertThrows(IllegalArgumentException.class, () -> IngestSettings.defaults().withMaxExtractedChars(0));
    assertTrue(chars.getMessage().contains("maxExtractedChars=0"), chars.getMessage());
    IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
        () -> IngestSettings.defaults().withMaxExtractedChars(Integer.MAX_VALUE));
    assertTrue(huge.getMessage().contains("maxExtractedChars=" + Integer.MAX_VALUE), huge.getMessage());
  }
}
