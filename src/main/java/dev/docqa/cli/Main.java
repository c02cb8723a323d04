package dev.docqa.cli;

import dev.docqa.InvalidInputException;
import dev.docqa.bench.Bench;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.ReaderSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code docqa} command: {@code ingest}, {@code ask}, {@code serve}, {@code list}, {@code delete}, {@code eval},
 * {@code train} and {@code bench} over the core. Exit codes: {@value
 * #EXIT_OK} success, {@value #EXIT_FAILURE} runtime failure (one line on stderr, no stack trace), {@value #EXIT_USAGE}
 * usage error (one line and the command's usage on stderr).
 *
 * <p>{@link #run} never calls {@link System#exit}, so it can run in-process; {@link #main} does. One instance runs one
 * command at a time.
 */
public final class Main {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  static final String USAGE = """
      usage: docqa COMMAND [ARGS]
        ingest PATH...    index files and folders                       (docqa ingest --help)
        ask "QUESTION"    answer from the index or from one file        (docqa ask --help)
        serve             a local web page and HTTP API on the index    (docqa serve --help)
        list              the indexed documents                         (docqa list --help)
        delete ID...      remove documents from the index               (docqa delete --help)
        reindex           copy a corpus between indexes, no re-embedding (docqa reindex --help)
        eval SQUAD.json   EM/F1, recall@k and latency on a SQuAD file   (docqa eval --help)
        train TRAIN.json  fine-tune a reader on SQuAD-format data       (docqa train --help)
        bench [--json]    speed against ceilings and a peer, as JSON    (docqa bench --help)
        --version         print the version""";

  private static final String LOG4J_CONTEXT_FACTORY = "log4j2.loggerContextFactory";

  private final Backend backend;
  private final DocqaSettings defaults;
  private final PrintStream out;
  private final PrintStream err;

  public Main(Backend backend, DocqaSettings defaults, PrintStream out, PrintStream err) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  public static void main(String[] args) {
    // POI (under Tika) logs through the Log4j API, which has no provider on this classpath and complains on stderr at
    // first use; its own simple logger keeps errors only, on stderr.
    if (System.getProperty(LOG4J_CONTEXT_FACTORY) == null) {
      System.setProperty(LOG4J_CONTEXT_FACTORY, "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
    }
    System.exit(new Main(new CoreBackend(), DocqaSettings.defaults(), System.out, System.err).run(args));
  }

  /** Runs one command and returns its exit code. */
  public int run(String... args) {
    if (args.length == 0) {
      err.println(USAGE);
      return EXIT_USAGE;
    }
    String command = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (List.of("help", "--help", "-h").contains(command)) {
      out.println(USAGE);
      return EXIT_OK;
    }
    if (command.equals("--version")) {
      out.println("docqa " + version());
      return EXIT_OK;
    }
    String usage = switch (command) {
      case "ingest" -> IngestArguments.USAGE;
      case "ask" -> AskArguments.USAGE;
      case "serve" -> ServeArguments.USAGE;
      case "list" -> ListArguments.USAGE;
      case "delete" -> DeleteArguments.USAGE;
      case "eval" -> EvalArguments.USAGE;
      case "train" -> TrainArguments.USAGE;
      case "bench" -> Bench.USAGE;
      case "reindex" -> ReindexArguments.USAGE;
      default -> null;
    };
    if (usage == null) {
      err.println("docqa: unknown command: " + command);
      err.println(USAGE);
      return EXIT_USAGE;
    }
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(usage);
      return EXIT_OK;
    }
    try {
      return switch (command) {
        case "ingest" -> new IngestDocuments(backend, out, err).run(IngestArguments.parse(rest, defaults));
        case "ask" -> new AskQuestion(backend, out, err).run(AskArguments.parse(rest, defaults));
        case "serve" -> new Serve(backend, out, err).run(ServeArguments.parse(rest, defaults));
        case "list" -> new ManageDocuments(backend, out, err).list(ListArguments.parse(rest, defaults));
        case "delete" -> new ManageDocuments(backend, out, err).delete(DeleteArguments.parse(rest, defaults));
        case "reindex" -> new Reindex(out, err).run(ReindexArguments.parse(rest, defaults));
        case "bench" -> Bench.run(rest,
            Path.of(IndexLocation.describe(defaults.storage())).resolve("bench").resolve("docqa-bench.png"), out, err);
        case "train" -> new TrainReader(defaults.storage(), out, err).run(TrainArguments.parse(rest));
        default -> new EvaluateSquad(backend, out, err).run(EvalArguments.parse(rest, defaults));
      };
    } catch (UsageException | InvalidInputException e) {
      err.println("docqa " + command + ": " + e.getMessage());
      err.println(usage);
      return EXIT_USAGE;
    } catch (RuntimeException e) {
      err.println("docqa " + command + ": error: " + oneLine(e));
      return EXIT_FAILURE;
    }
  }

  /** The project version the build wrote into {@code dev/docqa/version.properties}. */
  static String version() {
    java.util.Properties properties = new java.util.Properties();
    try (java.io.InputStream in = Main.class.getResourceAsStream("/dev/docqa/version.properties")) {
      if (in == null) {
        throw new dev.docqa.DocqaException("dev/docqa/version.properties is missing from the class path");
      }
      properties.load(in);
    } catch (java.io.IOException e) {
      throw new dev.docqa.DocqaException("cannot read dev/docqa/version.properties: " + e.getMessage(), e);
    }
    return properties.getProperty("version");
  }

  /** A failure and its causes on one line, each message once: "what failed: why: root cause". */
  static String oneLine(Throwable failure) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = failure; t != null && parts.size() < 5; t = t.getCause()) {
      String message = t.getMessage() == null || t.getMessage().isBlank()
          ? t.getClass().getSimpleName()
          : t.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
      if (parts.stream().noneMatch(part -> part.contains(message))) {
        parts.add(message);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return String.join(": ", parts);
  }
}
