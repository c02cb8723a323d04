package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.eval.ContextReader;
import dev.docqa.eval.IndexedQa;
import dev.docqa.service.DocQa;

/**
 * The real {@link Backend}: opens the core's service, index and reader from settings.
 *
 * <p>MERGE: the core (reader, index, service) lives on other branches; wire these three methods to it when merging.
 * Until then every command that needs the core fails with exit code 1 and this one-line cause.
 */
final class CoreBackend implements Backend {

  @Override
  public DocQa open(DocqaSettings settings) {
    throw notWired();
  }

  @Override
  public IndexedQa openIndexed(DocqaSettings settings) {
    throw notWired();
  }

  @Override
  public ContextReader openReader(DocqaSettings settings) {
    throw notWired();
  }

  private static DocqaException notWired() {
    return new DocqaException("the docqa core is not wired into the command line on this branch (see CoreBackend)");
  }
}
