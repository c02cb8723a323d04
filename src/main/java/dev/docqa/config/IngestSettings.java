package dev.docqa.config;

import java.time.Duration;

/**
 * Extraction limits and passage sizing.
 *
 * @param maxDocumentBytes larger documents are rejected before parsing
 * @param extractionTimeout longest time one document may take to extract
 * @param passageTargetTokens reader tokens per passage, chosen so question + passage usually fit one window
 * @param passageOverlapTokens reader tokens shared by consecutive passages
 * @param maxExtractedChars most characters of text one document may expand to (guards against decompression bombs)
 */
public record IngestSettings(
    long maxDocumentBytes,
    Duration extractionTimeout,
    int passageTargetTokens,
    int passageOverlapTokens,
    long maxExtractedChars) {

  /** Default for {@link #maxExtractedChars}: about 10,000 dense pages. */
  public static final long DEFAULT_MAX_EXTRACTED_CHARS = 20_000_000L;

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
    ReaderSettings.requirePositive("maxExtractedChars", maxExtractedChars);
    if (maxExtractedChars > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "maxExtractedChars must fit one Java string (< 2^31 - 8); maxExtractedChars=" + maxExtractedChars);
    }
  }

  /** Settings with the default {@link #maxExtractedChars}. */
  public IngestSettings(
      long maxDocumentBytes, Duration extractionTimeout, int passageTargetTokens, int passageOverlapTokens) {
    this(maxDocumentBytes, extractionTimeout, passageTargetTokens, passageOverlapTokens, DEFAULT_MAX_EXTRACTED_CHARS);
  }

  public static IngestSettings defaults() {
    return new IngestSettings(100L * 1024 * 1024, Duration.ofMinutes(2), 256, 32);
  }

  public IngestSettings withMaxDocumentBytes(long value) {
    return new IngestSettings(value, extractionTimeout, passageTargetTokens, passageOverlapTokens, maxExtractedChars);
  }

  public IngestSettings withExtractionTimeout(Duration value) {
    return new IngestSettings(maxDocumentBytes, value, passageTargetTokens, passageOverlapTokens, maxExtractedChars);
  }

  public IngestSettings withPassageTokens(int target, int overlap) {
    return new IngestSettings(maxDocumentBytes, extractionTimeout, target, overlap, maxExtractedChars);
  }

  public IngestSettings withMaxExtractedChars(long value) {
    return new IngestSettings(maxDocumentBytes, extractionTimeout, passageTargetTokens, passageOverlapTokens, value);
  }
}
