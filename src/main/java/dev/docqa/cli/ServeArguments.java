package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code serve}.
 *
 * @param host the address to listen on (loopback unless told otherwise)
 * @param port the port, 0 for any free one
 */
record ServeArguments(String host, int port, DocqaSettings settings) {

  static final String USAGE = """
      usage: docqa serve [--port 8080] [--host 127.0.0.1] [--index DIR] [--reader MODEL] [--embedder MODEL]
                         [--top-k N] [--retriever bm25|dense|hybrid]
        Serves the web page (http://HOST:PORT/) and the ask API (POST /ask, the ask function's JSON) on the index,
        with document listing, upload and deletion. Ctrl-C stops it.
        --port N           port to listen on; default 8080 (0: any free port)
        --host ADDRESS     address to listen on; default 127.0.0.1 (this machine only: the server has no login)
        --index DIR        data folder (store/ + cache/), s3://bucket/prefix or
                           opensearch+http(s)://HOST:PORT/INDEX; default docqa-data
        --reader MODEL     reader model folder, s3://bucket/prefix or djl:// id; default: docqa's trained reader
        --embedder MODEL   dense embedder; default builtin:all-minilm-l6-v2
        --top-k N          passages retrieved and read; default 5
        --retriever MODE   bm25, dense or hybrid; default hybrid""";

  static final String PORT = "--port";
  static final String HOST = "--host";
  static final int DEFAULT_PORT = 8080;

  static ServeArguments parse(List<String> args, DocqaSettings defaults) throws UsageException {
    CommandLine line = CommandLine.parse(args, Set.of(PORT, HOST, SettingsFlags.INDEX, SettingsFlags.READER,
        SettingsFlags.EMBEDDER, SettingsFlags.TOP_K, SettingsFlags.RETRIEVER), Set.of());
    if (!line.positionals().isEmpty()) {
      throw new UsageException("serve takes no arguments; got " + String.join(" ", line.positionals()));
    }
    int port = DEFAULT_PORT;
    if (line.value(PORT).isPresent()) {
      String value = line.value(PORT).get();
      String rule = PORT + " must be an integer in [0, 65535]; " + PORT + "=" + value;
      try {
        port = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new UsageException(rule, e);
      }
      if (port < 0 || port > 65535) {
        throw new UsageException(rule);
      }
    }
    String host = line.value(HOST).orElse("127.0.0.1");
    if (host.isBlank()) {
      throw new UsageException(HOST + " must name an address; " + HOST + " is empty");
    }
    return new ServeArguments(host, port, SettingsFlags.apply(line, defaults));
  }
}
