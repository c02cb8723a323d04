package dev.docqa.reading;

/**
 * One model input: {@code [CLS] question [SEP] context-piece [SEP]} for one passage, with what decoding needs per
 * token. Arrays are owned by the window and never changed after construction.
 *
 * @param request index of the question in the read call
 * @param passage index of the passage in its request
 * @param ids token ids
 * @param typeIds segment ids (0 question, 1 context for BERT)
 * @param context whether the token is a context token (may start or end an answer)
 * @param cls whether the token is the tokenizer's CLS token (kept in the pipeline's softmax)
 * @param charStart code-point offset in the passage text where a context token starts, else -1
 * @param charEnd code-point offset (exclusive) where a context token ends, else -1
 * @param wordIds word index of a context token within the passage (pre-tokenizer words), else -1
 */
record Window(
    int request,
    int passage,
    long[] ids,
    long[] typeIds,
    boolean[] context,
    boolean[] cls,
    int[] charStart,
    int[] charEnd,
    int[] wordIds) {

  int length() {
    return ids.length;
  }

  /** Code-point span of tokens {@code start..end}, widened to whole words when asked (the pipeline's rule). */
  long charSpan(int start, int end, boolean alignToWords) {
    int from = charStart[start];
    int to = charEnd[end];
    if (alignToWords) {
      int startWord = wordIds[start];
      int endWord = wordIds[end];
      if (startWord >= 0 && endWord >= 0) {
        from = Integer.MAX_VALUE;
        to = Integer.MIN_VALUE;
        for (int i = 0; i < ids.length; i++) {
          if (context[i] && wordIds[i] == startWord) {
            from = Math.min(from, charStart[i]);
          }
          if (context[i] && wordIds[i] == endWord) {
            to = Math.max(to, charEnd[i]);
          }
        }
      }
    }
    return pack(from, to);
  }

  static long pack(int start, int end) {
    return ((long) start << 32) | (end & 0xffffffffL);
  }

  static int unpackStart(long span) {
    return (int) (span >>> 32);
  }

  static int unpackEnd(long span) {
    return (int) span;
  }
}
