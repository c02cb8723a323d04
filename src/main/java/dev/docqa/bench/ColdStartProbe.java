package dev.docqa.bench;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQaService;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The child JVM of the cold-start measurement: starts the engines, opens the service over a published index, answers
 * one question and prints its phases as one JSON line. Args: {@code READER STORE CACHE QUESTION}.
 */
final class ColdStartProbe {

  private ColdStartProbe() {}

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading engines", e);
    }
  }

  public static void main(String[] args) {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: ColdStartProbe READER STORE CACHE QUESTION; got " + args.length
          + " arguments");
    }
    long entered = System.nanoTime();
    ObjectNode phases = JsonNodeFactory.instance.objectNode();
    // The OS's start time of this process (10 ms resolution): the launch the cold start counts from.
    Instant launched = ProcessHandle.current().info().startInstant().orElseThrow(
        () -> new IllegalStateException("the OS does not report this process's start time"));
    phases.put("jvm_ms", Duration.between(launched, Instant.now()).toMillis());
    // Logging first, on this thread: JBoss LogManager deadlocks when its first use races across threads.
    System.getLogger(ColdStartProbe.class.getName()).log(System.Logger.Level.DEBUG, "cold-start probe");
    // Engines start on their own threads while the service opens (its model loads wait for them), as in a container
    // where the first model load starts each engine; the engine phase ends when both are up.
    long[] enginesUp = new long[2];
    Thread torch = Thread.ofPlatform().start(() -> {
      Engine.getEngine("PyTorch");
      enginesUp[0] = System.nanoTime();
    });
    Thread onnx = Thread.ofPlatform().start(() -> {
      Engine.getEngine("OnnxRuntime");
      enginesUp[1] = System.nanoTime();
    });
    Path cache = Path.of(args[2]);
    DocqaSettings settings = DocqaSettings.defaults()
        .withReader(Bench.readerAt(args[0]))
        .withStorage(new StorageSettings(args[1], cache, Duration.ofSeconds(2)));
    try (ObjectStore store = ObjectStores.open(settings.storage());
        DocQaService service = DocQaService.open(settings, store, ModelResolver.withoutS3(cache.resolve("models")))) {
      join(torch);
      join(onnx);
      phases.put("engine_ms", Samples.round((Math.max(enginesUp[0], enginesUp[1]) - entered) / 1e6));
      Map<String, Double> open = service.openTimingsMs();
      // Engines, models and index overlap: open_ms is the wall time of the service's open, engines included.
      phases.put("open_ms", Samples.round(open.get("open")));
      phases.put("models_ms", Samples.round(Math.max(open.get("reader"), open.get("embedder"))));
      phases.put("reader_ms", Samples.round(open.get("reader")));
      phases.put("embedder_ms", Samples.round(open.get("embedder")));
      phases.put("index_open_ms", Samples.round(open.get("index_sync")));
      long asked = System.nanoTime();
      AskResult answer = service.ask(new AskRequest(args[3], 5, null, null, 0));
      phases.put("first_answer_ms", Samples.round((System.nanoTime() - asked) / 1e6));
      phases.put("first_answer_retrieve_ms", Samples.round(answer.timingsMs().get("retrieve")));
      phases.put("first_answer_read_ms", Samples.round(answer.timingsMs().get("read")));
      phases.put("launch_to_answer_ms", Duration.between(launched, Instant.now()).toMillis());
      System.out.println(phases);
    }
  }
}
