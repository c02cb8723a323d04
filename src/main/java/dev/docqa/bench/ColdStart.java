package dev.docqa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.DocqaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Launch to first answer in a fresh JVM ({@link ColdStartProbe}) with this JVM's class path, java binary and DJL
 * settings: the time a new serverless container or CLI run pays, natives already extracted.
 */
final class ColdStart {

  private static final long TIMEOUT_SECONDS = 120;

  private ColdStart() {}

  /** Runs the probe over the index published in {@code store}; {@code cache} must not hold a copy of it yet. */
  static ObjectNode measure(String reader, Path store, Path cache, String question) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.add("-Xmx1g");
    for (String property : System.getProperties().stringPropertyNames()) {
      if (property.startsWith("ai.djl.") || property.equals("java.util.logging.manager")
          || property.equals("java.io.tmpdir") || property.equals("file.encoding")) {
        command.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    if (Runtime.version().feature() >= 22) {
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdStartProbe.class.getName(),
        reader, store.toString(), cache.toString(), question));
    Path log = cache.resolveSibling("cold-start.log");
    try {
      Files.createDirectories(cache);
      long launched = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(false)
          .redirectError(log.toFile()).start();
      String line = null;
      long answered = 0;
      try (var out = process.inputReader(StandardCharsets.UTF_8)) {
        // The probe prints its JSON line right after the first answer; anything else on stdout is logging.
        for (String read = out.readLine(); read != null; read = out.readLine()) {
          if (line == null && read.startsWith("{")) {
            answered = System.nanoTime();
            line = read;
          }
        }
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new DocqaException("cold-start probe did not exit within " + TIMEOUT_SECONDS + " s; log: " + log);
      }
      if (process.exitValue() != 0 || line == null) {
        throw new DocqaException("cold-start probe failed with exit code " + process.exitValue() + ": "
            + Files.readString(log).strip());
      }
      ObjectNode phases = (ObjectNode) new ObjectMapper().readTree(line);
      phases.put("launch_to_answer_ms", Samples.round((answered - launched) / 1e6));
      return phases;
    } catch (IOException e) {
      throw new DocqaException("cannot run the cold-start probe: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted while waiting for the cold-start probe", e);
    }
  }
}
