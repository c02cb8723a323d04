package dev.docqa.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a Dockerfile the infrastructure tests check: stages, {@code ENV}, {@code COPY}, {@code CMD} and
 * {@code ENTRYPOINT}. Handles line continuations, comments, quoted {@code ENV} values and JSON (exec) form; variables
 * are not expanded. Immutable.
 */
final class Dockerfile {

  /** One {@code COPY}: its sources (relative to the build context unless {@code from} names a stage) and target. */
  record Copy(List<String> sources, String destination, Optional<String> from) {}

  /** One build stage, from its {@code FROM} to the next. */
  record Stage(String baseImage, Optional<String> name, Map<String, String> env, List<Copy> copies,
      List<String> cmd, List<String> entrypoint) {}

  private final Path file;
  private final List<Stage> stages;

  private Dockerfile(Path file, List<Stage> stages) {
    this.file = file;
    this.stages = List.copyOf(stages);
  }

  static Dockerfile parse(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<Stage> stages = new ArrayList<>();
    StageBuilder current = null;
    for (String instruction : logicalLines(lines)) {
      String[] parts = instruction.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(Locale.ROOT);
      String args = parts.length > 1 ? parts[1].trim() : "";
      if (keyword.equals("FROM")) {
        if (current != null) {
          stages.add(current.build());
        }
        List<String> words = Arrays.asList(args.split("\\s+"));
        int as = words.stream().map(w -> w.toUpperCase(Locale.ROOT)).toList().indexOf("AS");
        current = new StageBuilder(words.get(0), as > 0 ? Optional.of(words.get(as + 1)) : Optional.empty());
        continue;
      }
      if (current == null) {
        if (!keyword.equals("ARG")) {
          throw new IllegalArgumentException(file + ": " + keyword + " before FROM");
        }
        continue;
      }
      switch (keyword) {
        case "ENV" -> current.env.putAll(envPairs(args));
        case "COPY" -> current.copies.add(copy(args));
        case "CMD" -> current.cmd = execForm(file, args);
        case "ENTRYPOINT" -> current.entrypoint = execForm(file, args);
        default -> { } // RUN, ARG, ADD, EXPOSE...: not checked
      }
    }
    if (current == null) {
      throw new IllegalArgumentException(file + " has no FROM");
    }
    stages.add(current.build());
    return new Dockerfile(file, stages);
  }

  Path file() {
    return file;
  }

  List<Stage> stages() {
    return stages;
  }

  Stage finalStage() {
    return stages.get(stages.size() - 1);
  }

  /** COPY instructions of all stages whose sources come from the build context. */
  List<Copy> contextCopies() {
    return stages.stream().flatMap(s -> s.copies().stream()).filter(c -> c.from().isEmpty()).toList();
  }

  private static List<String> logicalLines(List<String> lines) {
    List<String> result = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      result.add(pending.toString().strip());
      pending.setLength(0);
    }
    if (!pending.isEmpty()) {
      result.add(pending.toString().strip());
    }
    return result;
  }

  private static Copy copy(String args) {
    List<String> words = new ArrayList<>(words(args));
    Optional<String> from = Optional.empty();
    while (!words.isEmpty() && words.get(0).startsWith("--")) {
      String flag = words.remove(0);
      if (flag.startsWith("--from=")) {
        from = Optional.of(flag.substring("--from=".length()));
      }
    }
    if (words.size() < 2) {
      throw new IllegalArgumentException("COPY needs a source and a destination: COPY " + args);
    }
    return new Copy(List.copyOf(words.subList(0, words.size() - 1)), words.get(words.size() - 1), from);
  }

  private static Map<String, String> envPairs(String args) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String word : words(args)) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("ENV must use key=value pairs: ENV " + args);
      }
      env.put(word.substring(0, eq), word.substring(eq + 1));
    }
    return env;
  }

  /** Splits on whitespace outside double quotes and drops the quotes. */
  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : text.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(word.toString());
          word.setLength(0);
          any = false;
        }
      } else {
        word.append(c);
        any = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unbalanced quotes: " + text);
    }
    if (any) {
      words.add(word.toString());
    }
    return words;
  }

  private static List<String> execForm(Path file, String args) {
    if (!args.startsWith("[")) {
      throw new IllegalArgumentException(file + ": CMD/ENTRYPOINT must use the exec (JSON) form: " + args);
    }
    try {
      return List.of(new ObjectMapper().readValue(args, String[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": malformed exec form: " + args, e);
    }
  }

  private static final class StageBuilder {
    private final String baseImage;
    private final Optional<String> name;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Copy> copies = new ArrayList<>();
    private List<String> cmd = List.of();
    private List<String> entrypoint = List.of();

    StageBuilder(String baseImage, Optional<String> name) {
      this.baseImage = baseImage;
      this.name = name;
    }

    Stage build() {
      return new Stage(baseImage, name, Map.copyOf(env), List.copyOf(copies), cmd, entrypoint);
    }
  }
}
