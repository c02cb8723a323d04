/**
 * The extractive QA reader: stride windows over passages exactly as the Hugging Face pipeline's fast path makes them,
 * batched TorchScript inference through DJL, and span decoding with global ranking across windows and passages.
 */
package dev.docqa.reading;
