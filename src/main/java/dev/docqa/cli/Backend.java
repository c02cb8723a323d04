package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import dev.docqa.service.DocQa;

/**
 * How the command line reaches the core: opens docqa over the index and models that {@code settings} name, and the
 * command that asked closes it. {@link CoreBackend} is the real one; tests pass their own.
 */
@FunctionalInterface
public interface Backend {

  DocQa open(DocqaSettings settings);
}
