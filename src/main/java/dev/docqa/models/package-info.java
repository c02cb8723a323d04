/**
 * Finding and checking model directories (reader and embedder): local folders, classpath resources, {@code s3://}
 * prefixes and DJL model-zoo URLs, resolved to a validated local directory in DJL's converter layout.
 */
package dev.docqa.models;
