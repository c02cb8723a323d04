package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code list}.
 *
 * @param json print one JSON object on one line instead of a table
 */
record ListArguments(boolean json, DocqaSettings settings) {

  static final String USAGE = """
      usage: docqa list [--index DIR] [--json]
        Lists the indexed documents: id, passages, pages, source version and when indexed.
        --index DIR        data folder (store/ + cache/), s3://bucket/prefix or
                           opensearch+http(s)://HOST:PORT/INDEX; default docqa-data
        --json             {"documents": [{"id", "passages", "pages", "source_version", "indexed_at", "origin"}]}""";

  static final String JSON = "--json";

  static ListArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line = CommandLine.parse(args, Set.of(SettingsFlags.INDEX), Set.of(JSON));
    if (!line.positionals().isEmpty()) {
      throw new UsageException("list takes no arguments; got " + String.join(" ", line.positionals()));
    }
    return new ListArguments(line.has(JSON), SettingsFlags.apply(line, defaults));
  }
}
