package dev.docqa.cli;

import dev.docqa.indexing.IndexedDocument;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocumentView;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code list} and {@code delete}: what is indexed, and removing documents from it. Both need an existing index and
 * create nothing when there is none. {@code delete} exits 1 when an id was not indexed (the others are deleted).
 */
final class ManageDocuments {

  private final Backend backend;
  private final PrintStream out;
  private final PrintStream err;

  ManageDocuments(Backend backend, PrintStream out, PrintStream err) {
    this.backend = backend;
    this.out = out;
    this.err = err;
  }

  int list(ListArguments arguments) {
    IndexLocation.requireExisting(arguments.settings());
    List<IndexedDocument> documents;
    try (DocQa docqa = backend.open(arguments.settings())) {
      documents = docqa.documents();
    }
    if (arguments.json()) {
      out.println(JsonOutput.write(DocumentView.Listing.of(documents)));
      return Main.EXIT_OK;
    }
    List<DocumentView> views = documents.stream().map(DocumentView::of).toList();
    int idWidth = Math.max(2, views.stream().mapToInt(v -> v.id().length()).max().orElse(0));
    String format = "%-" + idWidth + "s  %8s  %5s  %-30s  %s%n";
    out.printf(Locale.ROOT, format, "ID", "PASSAGES", "PAGES", "SOURCE VERSION", "INDEXED");
    for (DocumentView view : views) {
      out.printf(Locale.ROOT, format, view.id(), view.passages(), view.pages() == 0 ? "-" : view.pages(),
          view.sourceVersion().isEmpty() ? "-" : view.sourceVersion(),
          view.indexedAt() == null ? "-" : view.indexedAt());
    }
    out.println(Plural.of(views.size(), "document") + ", "
        + Plural.of(views.stream().mapToLong(DocumentView::passages).sum(), "passage") + " in "
        + IndexLocation.describe(arguments.settings()));
    return Main.EXIT_OK;
  }

  int delete(DeleteArguments arguments) {
    IndexLocation.requireExisting(arguments.settings());
    List<String> deleted;
    try (DocQa docqa = backend.open(arguments.settings())) {
      deleted = docqa.deleteAll(arguments.ids());
    }
    List<String> unknown = new ArrayList<>(arguments.ids().stream().distinct().toList());
    unknown.removeAll(deleted);
    deleted.forEach(id -> out.println("deleted " + id));
    unknown.forEach(id -> err.println("docqa delete: not indexed: " + id + " (docqa list shows the ids)"));
    return unknown.isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILURE;
  }
}
