/**
 * The command line ({@code ingest}, {@code ask}, {@code eval}): a thin adapter that turns flags into {@link
 * dev.docqa.config.DocqaSettings}, calls the core through {@link dev.docqa.cli.Backend}, and prints results. No Quarkus.
 */
package dev.docqa.cli;
