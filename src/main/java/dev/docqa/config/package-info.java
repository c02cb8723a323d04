/**
 * The one typed settings model of docqa, with defaults that work on a laptop. Adapters fill it: Quarkus from its config
 * ({@code docqa.*}), the CLI from flags. Nothing else reads configuration.
 */
package dev.docqa.config;
