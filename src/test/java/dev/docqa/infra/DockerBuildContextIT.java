package dev.docqa.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.infra.Dockerfile.Copy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After {@code package}: every {@code COPY} of the images finds its sources in the build context (the repository root,
 * filtered by the Dockerfile's {@code .dockerignore}), and the classes the images start are in the jars they copy.
 */
class DockerBuildContextIT {

  private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  @ParameterizedTest
  @ValueSource(strings = {"infra/docker/Dockerfile.lambda", "infra/docker/Dockerfile.gpu"})
  void everyCopySourceExistsInTheContext(String file) {
    Dockerfile dockerfile = Dockerfile.parse(Path.of(file));
    DockerIgnore ignore = DockerIgnore.forDockerfile(dockerfile.file());
    assertFalse(dockerfile.contextCopies().isEmpty());
    for (Copy copy : dockerfile.contextCopies()) {
      for (String source : copy.sources()) {
        List<Path> matches = contextMatches(source);
        assertFalse(matches.isEmpty(), file + ": COPY source " + source + " does not exist after package");
        for (Path match : matches) {
          assertTrue(ignore.includes(match), file + ": COPY source " + match + " is excluded by its .dockerignore");
          if (Files.isDirectory(match)) {
            assertTrue(includedFiles(match, ignore).findAny().isPresent(), file + ": " + match + " sends no file");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"infra/docker/Dockerfile.lambda", "infra/docker/Dockerfile.gpu"})
  void theHandlerClassIsInTheCopiedJars(String file) {
    Dockerfile dockerfile = Dockerfile.parse(Path.of(file));
    String handler = dockerfile.finalStage().cmd().get(0).split("::")[0];
    assertTrue(jarsContaining(imageJars(dockerfile), handler) > 0, file + ": no copied jar holds " + handler);
  }

  @Test
  void theGpuImageHasTheRuntimeInterfaceClient() {
    Dockerfile gpu = Dockerfile.parse(DockerfilesTest.GPU);
    assertTrue(gpu.finalStage().entrypoint().contains(RIC_MAIN));
    assertTrue(jarsContaining(imageJars(gpu), RIC_MAIN) > 0, "no copied jar holds " + RIC_MAIN);
  }

  @Test
  void theLambdaImageHasLibtorchAndEveryJarTheRunnerNeedsButTheNativeOne() throws IOException {
    Path libtorch = Path.of("target/docker/libtorch");
    for (String lib : List.of("libtorch.so", "libtorch_cpu.so", "libc10.so")) {
      assertTrue(Files.isRegularFile(libtorch.resolve(lib)), "missing " + libtorch.resolve(lib));
    }
    DockerIgnore ignore = DockerIgnore.forDockerfile(DockerfilesTest.LAMBDA);
    Path runner = contextMatches("target/*-runner.jar").get(0);
    String classPath;
    try (JarFile jar = new JarFile(runner.toFile())) {
      classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
    }
    List<String> missing = new ArrayList<>();
    for (String entry : classPath.trim().split("\\s+")) {
      Path jar = Path.of("target").resolve(entry);
      if (!Files.isRegularFile(jar) || !ignore.includes(jar)) {
        missing.add(entry);
      }
    }
    assertEquals(1, missing.size(), "jars the runner lists but the image lacks: " + missing);
    assertTrue(missing.get(0).contains("pytorch-native-cpu"), "only the libtorch jar may be left out: " + missing);
  }

  /** Context-relative paths matching a COPY source (a path or a glob). */
  static List<Path> contextMatches(String source) {
    String pattern = source.replaceAll("/+$", "");
    if (!pattern.contains("*") && !pattern.contains("?")) {
      Path path = Path.of(pattern);
      return Files.exists(path) ? List.of(path) : List.of();
    }
    Path base = Path.of(pattern.substring(0, pattern.lastIndexOf('/', pattern.indexOf('*'))));
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    try (Stream<Path> paths = Files.walk(base, 1)) {
      return paths.filter(matcher::matches).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every jar a Dockerfile's final stage copies from the context, after its .dockerignore. */
  static List<Path> imageJars(Dockerfile dockerfile) {
    DockerIgnore ignore = DockerIgnore.forDockerfile(dockerfile.file());
    return dockerfile.finalStage().copies().stream()
        .filter(c -> c.from().isEmpty())
        .flatMap(c -> c.sources().stream())
        .flatMap(s -> contextMatches(s).stream())
        .flatMap(p -> Files.isDirectory(p) ? includedFiles(p, ignore) : Stream.of(p))
        .filter(p -> p.toString().endsWith(".jar"))
        .toList();
  }

  private static Stream<Path> includedFiles(Path dir, DockerIgnore ignore) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(ignore::includes).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long jarsContaining(List<Path> jars, String className) {
    String entry = className.replace('.', '/') + ".class";
    return jars.stream().filter(jar -> {
      try (JarFile file = new JarFile(jar.toFile())) {
        return file.getEntry(entry) != null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + jar, e);
      }
    }).count();
  }
}
