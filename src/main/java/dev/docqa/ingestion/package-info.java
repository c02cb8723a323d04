/**
 * Ingestion: turns a document's bytes into canonical text (Tika, with page boundaries) and splits that text into
 * sentence-aware passages sized with the reader's tokenizer; every offset is a code point of the canonical text.
 */
package dev.docqa.ingestion;
