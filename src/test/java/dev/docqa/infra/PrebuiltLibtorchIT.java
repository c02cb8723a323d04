package dev.docqa.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a JVM the way the Lambda image does (its ENV, its jars: no pytorch-native-cpu jar, libtorch from
 * {@code target/docker/libtorch}) and checks that DJL's PyTorch engine loads from there, computes, and extracts
 * nothing but its JNI library into the cache.
 */
class PrebuiltLibtorchIT {

  @Test
  void engineLoadsPreExtractedLibtorchWithTheImagesEnvironment(@TempDir Path tmp) throws Exception {
    Dockerfile lambda = Dockerfile.parse(DockerfilesTest.LAMBDA);
    Map<String, String> imageEnv = lambda.finalStage().env();
    Path libtorch = Path.of("target/docker/libtorch").toAbsolutePath();

    List<String> classPath = new ArrayList<>(List.of(Path.of("target/test-classes").toAbsolutePath().toString()));
    DockerBuildContextIT.imageJars(lambda).forEach(jar -> classPath.add(jar.toAbsolutePath().toString()));
    assertTrue(classPath.stream().noneMatch(p -> p.contains("pytorch-native-cpu")), "the image has no native jar");

    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-Duser.home=" + tmp,
        "-cp", String.join(File.pathSeparator, classPath), LibtorchProbe.class.getName())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("PYTORCH_LIBRARY_PATH", libtorch.toString());
    env.put("PYTORCH_VERSION", imageEnv.get("PYTORCH_VERSION"));
    env.put("PYTORCH_FLAVOR", imageEnv.get("PYTORCH_FLAVOR"));
    env.put("DJL_CACHE_DIR", tmp.resolve("djl").toString());
    env.put("JAVA_TOOL_OPTIONS", imageEnv.get("JAVA_TOOL_OPTIONS").replace("/tmp", tmp.toString()));

    Process process = builder.start();
    String output;
    try (var out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("probe did not finish in 120 s:\n" + output);
    }
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("libtorch=" + libtorch + "\n"), "libtorch not loaded from the image path:\n" + output);
    assertTrue(output.contains("version=" + imageEnv.get("PYTORCH_VERSION") + "\n"), output);
    assertTrue(output.contains("sum=10.0\n"), output);

    List<String> extracted;
    try (Stream<Path> files = Files.walk(tmp)) {
      extracted = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
    }
    assertTrue(extracted.stream().noneMatch(name -> name.startsWith("libtorch")),
        "libtorch was extracted again at start: " + extracted);
    assertTrue(extracted.stream().anyMatch(n -> n.endsWith("libdjl_torch.so")),
        "the JNI library goes to DJL_CACHE_DIR: " + extracted);
  }
}
