package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code reindex}.
 *
 * @param from the index to copy, as {@code --index} names one
 * @param to the index to copy into
 * @param json print one JSON object on one line
 */
record ReindexArguments(DocqaSettings from, DocqaSettings to, boolean json) {

  static final String USAGE = """
      usage: docqa reindex --from INDEX --to INDEX [--json]
        Copies every document (passages and vectors, no re-embedding) from one index into another: between the
        embedded index and OpenSearch, or between two of either. Copying again writes only what changed.
        --from INDEX       data folder (store/ + cache/), s3://bucket/prefix or opensearch+http(s)://HOST:PORT/INDEX
        --to INDEX         the same forms; created when absent
        --json             {"documents", "indexed", "unchanged", "passages", "seconds", "from", "to"}""";

  static final String FROM = "--from";
  static final String TO = "--to";
  static final String JSON = "--json";

  static ReindexArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line = CommandLine.parse(args, Set.of(FROM, TO), Set.of(JSON));
    if (!line.positionals().isEmpty()) {
      throw new UsageException("reindex takes no positional arguments; got " + String.join(" ", line.positionals()));
    }
    String from = line.value(FROM).orElseThrow(() -> new UsageException(FROM + " is required"));
    String to = line.value(TO).orElseThrow(() -> new UsageException(TO + " is required"));
    DocqaSettings source = SettingsFlags.located(from, defaults);
    DocqaSettings target = SettingsFlags.located(to, defaults);
    if (IndexLocation.describe(source).equals(IndexLocation.describe(target))) {
      throw new UsageException("--from and --to name the same index: " + IndexLocation.describe(source));
    }
    return new ReindexArguments(source, target, line.has(JSON));
  }
}
