/**
 * AWS Lambda adapters (Quarkus Funqy): {@code ask} and {@code ingest}, their event types (S3 notifications, SQS,
 * API Gateway HTTP API v2) and configuration. The only package that uses Quarkus or CDI.
 */
package dev.docqa.functions;
