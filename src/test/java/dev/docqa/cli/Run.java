package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One run of the command line inside the test's JVM: its exit code and what it printed. */
record Run(int exitCode, String out, String err) {

  /** Runs {@code docqa ARGS} on the real backend with the default settings. */
  static Run docqa(String... args) {
    return of(new CoreBackend(), DocqaSettings.defaults(), args);
  }

  /** Runs {@code docqa ARGS} on {@code backend} with {@code defaults}. */
  static Run of(Backend backend, DocqaSettings defaults, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = new Main(backend, defaults, o, e).run(args);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  List<String> errLines() {
    return err.lines().toList();
  }
}
