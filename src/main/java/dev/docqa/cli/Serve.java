package dev.docqa.cli;

import dev.docqa.server.LocalServer;
import dev.docqa.service.DocQa;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve}: the local server ({@link LocalServer}) on the index until the JVM is stopped (Ctrl-C). An index folder
 * that does not exist yet is created: the page can upload documents into it.
 */
final class Serve {

  private final Backend backend;
  private final PrintStream out;
  private final PrintStream err;

  Serve(Backend backend, PrintStream out, PrintStream err) {
    this.backend = backend;
    this.out = out;
    this.err = err;
  }

  int run(ServeArguments arguments) {
    CountDownLatch stopped = new CountDownLatch(1);
    DocQa docqa = backend.open(arguments.settings());
    LocalServer server;
    try {
      server = LocalServer.start(docqa, new InetSocketAddress(arguments.host(), arguments.port()),
          arguments.settings().ingest().maxDocumentBytes());
    } catch (RuntimeException e) {
      docqa.close();
      throw e;
    }
    Thread stop = Thread.ofPlatform().name("docqa-serve-stop").unstarted(() -> {
      try (docqa) {
        server.close();
      } finally {
        stopped.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(stop);
    out.println("docqa serve: " + server.uri() + " (index " + IndexLocation.describe(arguments.settings())
        + "; " + Plural.of(docqa.documents().size(), "document") + "); Ctrl-C stops it");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Main.EXIT_OK;
  }
}
