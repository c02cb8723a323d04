/** The shared vocabulary of docqa: a passage of a document's canonical text, with its provenance. */
package dev.docqa.document;
