/**
 * S3 object events reconciled with the document store and the index, without Lambda or Quarkus: which events concern
 * docqa, the newest per document, and the object as it is now ingested (or the document deleted) in event order.
 */
package dev.docqa.events;
