package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexView;
import dev.docqa.index.Reindexer;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.service.IndexBackends;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code reindex}: copies a corpus between indexes with {@link Reindexer}, opening both without models (vectors are
 * copied, not recomputed). Progress goes to stderr, the summary to stdout.
 */
final class Reindex {

  private final PrintStream out;
  private final PrintStream err;

  Reindex(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(ReindexArguments arguments) {
    IndexLocation.requireExisting(arguments.from());
    long began = System.nanoTime();
    String from = IndexLocation.describe(arguments.from());
    String to = IndexLocation.describe(arguments.to());
    Reindexer.Report report;
    try (ObjectStore sourceStore = store(arguments.from());
        IndexBackend source = IndexBackends.open(arguments.from(), sourceStore, 0)) {
      int dimension = dimension(source);
      if (dimension == 0) {
        report = new Reindexer.Report(0, 0, 0, 0); // nothing to copy: the target is not even created
      } else {
        try (ObjectStore targetStore = store(arguments.to());
            IndexBackend target = IndexBackends.open(arguments.to(), targetStore, dimension)) {
          report = Reindexer.copy(source, target,
              (done, total) -> err.printf(Locale.ROOT, "reindex: %d/%d documents%n", done, total));
        }
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    if (arguments.json()) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("documents", report.documents());
      summary.put("indexed", report.indexed());
      summary.put("unchanged", report.unchanged());
      summary.put("passages", report.passages());
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
      summary.put("from", from);
      summary.put("to", to);
      out.println(JsonOutput.write(summary));
    } else {
      out.printf(Locale.ROOT, "copied %s (%s) from %s to %s in %.1f s; %d unchanged%n",
          Plural.of(report.indexed(), "document"), Plural.of(report.passages(), "passage"), from, to, seconds,
          report.unchanged());
    }
    return Main.EXIT_OK;
  }

  /** The object store of an embedded index; {@code null} for OpenSearch, which needs none. */
  private static ObjectStore store(DocqaSettings settings) {
    return settings.index().isEmbedded() ? ObjectStores.open(settings.storage()) : null;
  }

  /** The length of the source's vectors (from its first document), {@code 0} when it holds none. */
  private static int dimension(IndexBackend source) {
    try (IndexView view = source.acquire()) {
      return view.documents().stream()
          .flatMap(document -> view.export(document.documentId()).stream())
          .filter(document -> !document.vectors().isEmpty())
          .map(DocumentPassages::vectors)
          .mapToInt(vectors -> vectors.getFirst().length)
          .findFirst()
          .orElse(0);
    }
  }
}
