package dev.docqa.indexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SequencersTest {

  @Test
  void sequencersCompareAfterRightPadding() {
    assertTrue(Sequencers.compare("0055AED6DCD90281E5", "0055AED6DCD90281E6") < 0);
    assertTrue(Sequencers.compare("0055AED6DCD9028200", "0055AED6DCD90281E5") > 0);
    // Lengths differ: "0A" is "0A00" against "0A01".
    assertTrue(Sequencers.compare("0A", "0A01") < 0);
    assertEquals(0, Sequencers.compare("0A", "0A00"));
    assertTrue(Sequencers.compare("0b", "0A") > 0, "hex case does not matter");
    assertTrue(Sequencers.isNewer("01", null));
    assertFalse(Sequencers.isNewer("01", "01"));
    assertEquals(
        List.of("01", "0100FF", "02"),
        Stream.of("02", "0100FF", "01").sorted(Sequencers.ORDER).toList());
  }

  /** A sequencer that is not hex would sort above every real one, so later real events would be dropped. */
  @Test
  void aSequencerThatIsNotHexIsRefused() {
    assertFalse(Sequencers.isValid("zz-not-hex"));
    assertFalse(Sequencers.isValid("0".repeat(65)));
    assertThrows(IllegalArgumentException.class, () -> Sequencers.compare("zz", "01"));
  }
}
