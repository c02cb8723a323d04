/** Object storage behind one small interface: S3 (AWS SDK v2) and a local folder (the embedded default), same code path. */
package dev.docqa.storage;
