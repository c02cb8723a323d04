/**
 * The web page of docqa: one self-contained HTML file (styles and script inline, no CDN, no build step) that the local
 * server ({@code docqa serve}) and the {@code ask} function both serve at {@code /}.
 */
package dev.docqa.web;
