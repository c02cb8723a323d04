package dev.docqa.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * A {@code .dockerignore} file: glob patterns on context-relative paths, {@code !} re-includes, the last matching
 * pattern wins, and a pattern that matches a directory covers everything under it (Docker's rules). Immutable.
 */
final class DockerIgnore {

  private record Rule(PathMatcher matcher, boolean include) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  /** The ignore file BuildKit uses for {@code dockerfile}: {@code <Dockerfile>.dockerignore} beside it. */
  static DockerIgnore forDockerfile(Path dockerfile) {
    Path file = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
    try {
      List<Rule> rules = Files.readAllLines(file).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .map(DockerIgnore::rule)
          .toList();
      return new DockerIgnore(rules);
    } catch (IOException e) {
      throw new UncheckedIOException("no ignore file for " + dockerfile + " (expected " + file + ")", e);
    }
  }

  private static Rule rule(String line) {
    boolean include = line.startsWith("!");
    String pattern = (include ? line.substring(1) : line).replaceAll("^/+|/+$", "");
    return new Rule(FileSystems.getDefault().getPathMatcher("glob:" + pattern), include);
  }

  /** Whether the context-relative {@code path} is sent to the builder. */
  boolean includes(Path path) {
    boolean included = true;
    for (Rule rule : rules) {
      for (Path prefix = path; prefix != null; prefix = prefix.getParent()) {
        if (rule.matcher().matches(prefix)) {
          included = rule.include();
          break;
        }
      }
    }
    return included;
  }
}
