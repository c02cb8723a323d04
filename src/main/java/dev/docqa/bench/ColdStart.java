package dev.docqa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.DocqaException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Launch to first answer in fresh JVMs ({@link ColdStartProbe}) with this JVM's class path, java binary and DJL
 * settings: the time a new serverless container or CLI run pays, natives already extracted. On JDK 25+ with a class
 * path of jars, the probe runs as {@code src/bin/docqa} runs commands: one recording run writes an ahead-of-time class
 * cache (JEP 483), and the measured runs use it; one run without it is reported beside them.
 */
final class ColdStart {

  private static final long TIMEOUT_SECONDS = 120;
  private static final int RUNS = 3;
  private static final List<String> QUIET_AOT = List.of("-Xlog:aot*=off", "-Xlog:cds*=off");

  private final List<String> java;
  private final List<String> probe;
  private final Path work;

  private ColdStart(List<String> java, List<String> probe, Path work) {
    this.java = java;
    this.probe = probe;
    this.work = work;
  }

  /**
   * Runs the probe over the index published in {@code store}, each run with a fresh cache under {@code work}.
   *
   * @return {@code ms} (median launch to answer), {@code phases} (of the median run), {@code runs_ms},
   *     {@code aot_cache} and, with the cache, {@code without_aot_cache_ms}
   */
  static ObjectNode measure(String reader, Path store, Path work, String question) {
    List<String> java = new ArrayList<>();
    java.add(ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    java.add("-Xmx1g");
    for (String property : System.getProperties().stringPropertyNames()) {
      if (property.startsWith("ai.djl.") || property.equals("java.util.logging.manager")
          || property.equals("java.io.tmpdir") || property.equals("file.encoding")) {
        java.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    if (Runtime.version().feature() >= 22) {
      java.add("--enable-native-access=ALL-UNNAMED");
    }
    java.addAll(List.of("-cp", classPath()));
    List<String> probe = List.of(ColdStartProbe.class.getName(), reader, store.toString());
    return new ColdStart(java, probe, work).measure(question);
  }

  private ObjectNode measure(String question) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    String unavailable = aotUnavailable();
    List<String> options = new ArrayList<>(QUIET_AOT);
    if (unavailable == null) {
      Path config = work.resolve("cold-start.aotconf");
      Path cache = work.resolve("cold-start.aot");
      List<String> record = new ArrayList<>(QUIET_AOT);
      record.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + config));
      run("record", record, question);
      List<String> create = new ArrayList<>(java);
      create.addAll(QUIET_AOT);
      create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + cache));
      exec(create, "create");
      result.put("aot_cache", true);
      result.put("without_aot_cache_ms", run("plain", QUIET_AOT, question).get("launch_to_answer_ms").asDouble());
      options.add("-XX:AOTCache=" + cache);
    } else {
      result.put("aot_cache", false);
      result.put("aot_cache_unavailable", unavailable);
    }
    List<ObjectNode> runs = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      runs.add(run("run-" + i, options, question));
    }
    runs.sort(Comparator.comparingDouble(r -> r.get("launch_to_answer_ms").asDouble()));
    ObjectNode median = runs.get(runs.size() / 2);
    result.put("ms", median.get("launch_to_answer_ms").asDouble());
    result.set("phases", median);
    result.set("runs_ms", JsonNodeFactory.instance.arrayNode().addAll(
        runs.stream().map(r -> r.get("launch_to_answer_ms")).toList()));
    return result;
  }

  /**
   * The class path that holds this code: the entries of the nearest URL class loader above it (Maven's
   * {@code exec:java} runs the command in one, over the launcher's own {@code java.class.path}), else this JVM's class
   * path (a plain {@code java -cp} start).
   */
  static String classPath() {
    for (ClassLoader loader = ColdStartProbe.class.getClassLoader(); loader != null; loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
        List<String> entries = new ArrayList<>();
        for (URL url : urls.getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("a class path entry is not a local file: " + url, e);
          }
        }
        return String.join(File.pathSeparator, entries);
      }
    }
    return System.getProperty("java.class.path");
  }

  /** Why this JVM cannot use an ahead-of-time cache, or {@code null} when it can. */
  private static String aotUnavailable() {
    if (Runtime.version().feature() < 25) {
      return "needs JDK 25+, this is " + Runtime.version().feature();
    }
    boolean jarsOnly = Arrays.stream(classPath().split(File.pathSeparator))
        .allMatch(entry -> Files.isRegularFile(Path.of(entry)));
    return jarsOnly ? null : "the class path has folders (run through src/bin/docqa, which puts the classes in a jar)";
  }

  /** One probe run with its own, empty cache directory; returns the probe's JSON line. */
  private ObjectNode run(String name, List<String> options, String question) {
    List<String> command = new ArrayList<>(java);
    command.addAll(options);
    command.addAll(probe);
    command.add(work.resolve("cache-" + name).toString());
    command.add(question);
    Path out = exec(command, name);
    try {
      // The probe prints one JSON line right after the first answer; anything else on stdout is logging.
      String line = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("{")).findFirst().orElseThrow(
              () -> new DocqaException("cold-start probe printed no JSON; see " + out));
      return (ObjectNode) new ObjectMapper().readTree(line);
    } catch (IOException e) {
      throw new DocqaException("cannot read the cold-start probe's output " + out + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code command} to completion; returns the file holding its stdout. */
  private Path exec(List<String> command, String name) {
    Path out = work.resolve("cold-start-" + name + ".out");
    Path log = work.resolve("cold-start-" + name + ".log");
    try {
      Files.createDirectories(work);
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new DocqaException(
            "cold-start " + name + " did not finish within " + TIMEOUT_SECONDS + " s; log: " + log);
      }
      if (process.exitValue() != 0) {
        throw new DocqaException("cold-start " + name + " failed with exit code " + process.exitValue() + ": "
            + Files.readString(log).strip());
      }
      return out;
    } catch (IOException e) {
      throw new DocqaException("cannot run the cold-start " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted while waiting for the cold-start " + name, e);
    }
  }
}
