package dev.docqa.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs shellcheck (Debian package {@code shellcheck}; .ci/run installs it) over the scripts of infra and src/tools,
 * and .ci/run.
 */
class ShellScriptsTest {

  @Test
  void scriptsPassShellcheck() throws IOException, InterruptedException {
    List<String> scripts = new ArrayList<>();
    for (String folder : List.of("infra", "src/tools")) {
      try (Stream<Path> files = Files.walk(Path.of(folder))) {
        files.filter(p -> p.toString().endsWith(".sh")).map(Path::toString).sorted().forEach(scripts::add);
      }
    }
    scripts.add(".ci/run");
    assertFalse(scripts.size() < 3, "expected infra/deploy.sh, src/tools/opensearch-local.sh and .ci/run; found "
        + scripts);

    List<String> command = new ArrayList<>(List.of(shellcheck(), "--severity=style", "--external-sources"));
    command.addAll(scripts);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (var out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("shellcheck did not finish in 60 s");
    }
    assertEquals(0, process.exitValue(), "shellcheck findings in " + scripts + ":\n" + output);
  }

  private static String shellcheck() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "shellcheck");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError("shellcheck is not installed (apt-get install -y shellcheck; .ci/run does it); PATH=" + path);
  }
}
