package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code delete}.
 *
 * @param ids the document ids to delete, as {@code list} shows them
 */
record DeleteArguments(List<String> ids, DocqaSettings settings) {

  static final String USAGE = """
      usage: docqa delete ID... [--index DIR]
        Removes documents from the index (ids as docqa list shows them); the files are not touched.
        --index DIR        data folder (store/ + cache/), s3://bucket/prefix or
                           opensearch+http(s)://HOST:PORT/INDEX; default docqa-data""";

  DeleteArguments {
    ids = List.copyOf(ids);
  }

  static DeleteArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line = CommandLine.parse(args, Set.of(SettingsFlags.INDEX), Set.of());
    if (line.positionals().isEmpty()) {
      throw new UsageException("delete needs at least one document ID");
    }
    if (line.positionals().stream().anyMatch(String::isBlank)) {
      throw new UsageException("a document ID must not be blank");
    }
    return new DeleteArguments(line.positionals(), SettingsFlags.apply(line, defaults));
  }
}
