package dev.docqa.indexing;

/**
 * What the index holds about a source document.
 *
 * @param contentHash hash of the extracted content last indexed
 * @param sourceVersion source version (e.g. ETag) it was indexed from
 * @param passages passages in the index
 */
public record IndexedDocument(String documentId, String contentHash, String sourceVersion, int passages) {}
