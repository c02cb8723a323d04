/** The question-answering service: ingest, delete, ask. Plain Java; the CLI and the Lambda functions are thin adapters over it. */
package dev.docqa.service;
