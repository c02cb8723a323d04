/**
 * The local HTTP server of {@code docqa serve}: the {@code ask} function's handler and web page over the JDK's HTTP
 * server, plus document listing, upload and deletion for a local index.
 */
package dev.docqa.server;
