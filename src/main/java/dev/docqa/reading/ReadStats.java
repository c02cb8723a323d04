package dev.docqa.reading;

/**
 * What one read cost. With several questions read together ({@link Reader#readAll}), {@code windows} counts this
 * question's windows and the other fields describe the forward passes all of them shared.
 *
 * @param windows stride windows read for the question
 * @param batches forward passes run
 * @param tokens real (unpadded) tokens in those passes
 * @param paddedTokens tokens including padding (batch size x longest window, summed over passes)
 * @param forwardNanos wall time inside the model's forward passes
 * @param totalNanos wall time of the whole read (tokenizing, forward, decoding)
 */
public record ReadStats(int windows, int batches, long tokens, long paddedTokens, long forwardNanos, long totalNanos) {}
