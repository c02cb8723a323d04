/**
 * A Lucene index published to object storage: writers commit locally, upload the commit's immutable files and
 * publish a manifest by compare-and-swap; readers keep a verified local copy of the newest commit, at most a bounded
 * time stale.
 */
package dev.docqa.replication;
