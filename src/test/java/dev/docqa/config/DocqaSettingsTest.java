package dev.docqa.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.InvalidInputException;
import org.junit.jupiter.api.Test;

class DocqaSettingsTest {

  @Test
  void defaultsMatchTheHuggingFacePipeline() {
    ReaderSettings reader = DocqaSettings.defaults().reader();
    assertEquals(384, reader.maxSeqLength());
    assertEquals(128, reader.docStride());
    assertEquals(15, reader.maxAnswerLength());
  }

  @Test
  void badValuesNameTheRuleAndTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ReaderSettings("m", 384, 384, 15, 8, 0));
    assertTrue(e.getMessage().contains("docStride=384"), e.getMessage());
  }

  @Test
  void retrieverModeParsesCaseInsensitivelyAndRejectsUnknown() {
    assertEquals(RetrieverMode.HYBRID, RetrieverMode.parse(" Hybrid "));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> RetrieverMode.parse("sparse"));
    assertTrue(e.getMessage().contains("sparse"));
  }
}
