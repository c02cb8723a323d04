package dev.docqa.config;

import java.time.Duration;

/**
 * Extraction limits and passage sizing.
 *
 * @param maxDocumentBytes larger documents are rejected before parsing
 * @param extractionTimeout longest time one document may take to extract
 * @param passageTargetTokens reader tokens per passage, chosen so question + passage usually fit one window
 * @param passageOverlapTokens reader tokens shared by consecutive passages
 */
public record IngestSettings(
    long maxDocumentBytes, Duration extractionTimeout, int passageTargetTokens, int passageOverlapTokens) {

  public IngestSettings {
    ReaderSettings.requirePositive("maxDocumentBytes", maxDocumentBytes);
    if (extractionTimeout == null || extractionTimeout.isNegative() || extractionTimeout.isZero()) {
      throw new IllegalArgumentException("extractionTimeout must be positive; extractionTimeout=" + extractionTimeout);
    }
    ReaderSettings.requirePositive("passageTargetTokens", passageTargetTokens);
    if (passageOverlapTokens < 0 || passageOverlapTokens >= passageTargetTokens) {
      throw new IllegalArgumentException("passageOverlapTokens must be in [0, passageTargetTokens); passageOverlapTokens="
          + passageOverlapTokens + ", passageTargetTokens=" + passageTargetTokens);
    }
  }

  public static IngestSettings defaults() {
    return new IngestSettings(100L * 1024 * 1024, Duration.ofMinutes(2), 256, 32);
  }
}
