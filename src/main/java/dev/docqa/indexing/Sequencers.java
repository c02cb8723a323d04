package dev.docqa.indexing;

import java.util.Comparator;

/**
 * Orders S3 {@code sequencer} values of one key as AWS documents: hex strings of varying length, compared after
 * right-padding the shorter with zeros. A missing sequencer sorts first (it can never prove an event newer).
 */
public final class Sequencers {

  /** Compares two sequencers of the same key; {@code null} is the oldest. */
  public static final Comparator<String> ORDER = Sequencers::compare;

  private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("[0-9A-Fa-f]{1,64}");

  private Sequencers() {}

  /** Whether {@code sequencer} is a sequencer S3 could have written: 1 to 64 hex digits. */
  public static boolean isValid(String sequencer) {
    return sequencer != null && HEX.matcher(sequencer).matches();
  }

  /**
   * Compares two sequencers of the same key; {@code null} is the oldest.
   *
   * @throws IllegalArgumentException when either is not {@linkplain #isValid valid}
   */
  public static int compare(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    for (String sequencer : new String[] {a, b}) {
      if (!isValid(sequencer)) {
        throw new IllegalArgumentException("a sequencer must be 1 to 64 hex digits; sequencer=" + sequencer);
      }
    }
    int length = Math.max(a.length(), b.length());
    return pad(a, length).compareTo(pad(b, length));
  }

  /** Whether {@code candidate} is strictly newer than {@code known} ({@code null}: nothing known, so it is). */
  public static boolean isNewer(String candidate, String known) {
    return known == null || compare(candidate, known) > 0;
  }

  private static String pad(String sequencer, int length) {
    String upper = sequencer.toUpperCase(java.util.Locale.ROOT);
    return upper.length() >= length ? upper : upper + "0".repeat(length - upper.length());
  }
}
