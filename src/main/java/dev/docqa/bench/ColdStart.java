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
    Path out = cache.resolveSibling("cold-start.json");
    try {
      Files.createDirectories(cache);
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new DocqaException("cold-start probe did not finish within " + TIMEOUT_SECONDS + " s; log: " + log);
      }
      // The probe prints one JSON line right after the first answer; anything else on stdout is logging.
      String line = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("{")).findFirst().orElse(null);
      if (process.exitValue() != 0 || line == null) {
        throw new DocqaException("cold-start probe failed with exit code " + process.exitValue() + ": "
            + Files.readString(log).strip());
      }
      return (ObjectNode) new ObjectMapper().readTree(line);
    } catch (IOException e) {
      throw new DocqaException("cannot run the cold-start probe: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted while waiting for the cold-start probe", e);
    }
  }
}
