package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code ingest}.
 *
 * @param paths files and folders (walked recursively), as given
 * @param prune delete the indexed documents that came from a folder of {@code paths} and whose files are gone
 * @param replace let a file replace a document that another, still existing file holds under the same id
 */
record IngestArguments(List<Path> paths, boolean prune, boolean replace, DocqaSettings settings) {

  static final String USAGE = """
      usage: docqa ingest PATH... [--prune] [--replace] [--index DIR] [--embedder MODEL]
        Extracts, splits, embeds and indexes files; folders are walked recursively (hidden entries skipped).
        A document's id is its path below the folder named (a file named directly: its file name).
        --prune            delete indexed documents from the folders named whose files are gone
        --replace          let a file replace the document another file holds under the same id (a new version
                           from another place); without it, that is refused, naming both files
        --index DIR        data folder (store/ + cache/), s3://bucket/prefix or
                           opensearch+http(s)://HOST:PORT/INDEX; default docqa-data
        --embedder MODEL   dense embedder; default builtin:all-minilm-l6-v2 (ask with the same one)""";

  static final String PRUNE = "--prune";
  static final String REPLACE = "--replace";

  IngestArguments {
    paths = List.copyOf(paths);
  }

  static IngestArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line =
        CommandLine.parse(args, Set.of(SettingsFlags.INDEX, SettingsFlags.EMBEDDER), Set.of(PRUNE, REPLACE));
    if (line.positionals().isEmpty()) {
      throw new UsageException("ingest needs at least one PATH");
    }
    List<Path> paths = line.positionals().stream().map(Path::of).toList();
    return new IngestArguments(paths, line.has(PRUNE), line.has(REPLACE), SettingsFlags.apply(line, defaults));
  }
}
