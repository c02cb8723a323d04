package dev.docqa.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a main class of this build in a separate JVM, with the test class path and a small heap, its output captured
 * in files (read them while it runs, or after it was killed). Stateless.
 */
final class ChildJvm {

  private ChildJvm() {}

  /** A started child and the files its stdout and stderr go to. */
  record Child(Process process, Path out, Path err) {

    String stdout() {
      return read(out);
    }

    String stderr() {
      return read(err);
    }

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Starts {@code mainClass} with {@code args}.
   *
   * @param logs where {@code <name>.out} and {@code <name>.err} are written
   * @param properties extra {@code -D} system properties
   */
  static Child start(String mainClass, List<String> args, Map<String, String> properties, Path logs, String name) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-Dai.djl.offline=true", "-Dfile.encoding=UTF-8", "--enable-native-access=ALL-UNNAMED"));
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(List.of("-cp", testClassPath(), mainClass));
    command.addAll(args);
    try {
      Files.createDirectories(logs);
      Path out = logs.resolve(name + ".out");
      Path err = logs.resolve(name + ".err");
      Process process =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      return new Child(process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a child JVM for " + mainClass, e);
    }
  }

  /** Surefire's forked JVM may run from a manifest-only jar; it names the real class path separately. */
  private static String testClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }
}
