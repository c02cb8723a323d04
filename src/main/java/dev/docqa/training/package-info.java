/**
 * Fine-tuning extractive readers on SQuAD-format data: features from the reader's own windows, span or
 * shared-normalisation objectives, AdamW with warm-up and linear decay, checkpoints that resume at the same step, and a
 * reader folder in docqa's layout as output.
 */
package dev.docqa.training;
