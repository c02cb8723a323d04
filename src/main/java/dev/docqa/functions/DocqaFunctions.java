package dev.docqa.functions;

import io.quarkus.funqy.Funq;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The Lambda functions. One artifact holds both; each deployment exports one with {@code QUARKUS_FUNQY_EXPORT}.
 *
 * <ul>
 *   <li>{@code ask}: a direct question ({@link AskQuery}) returns the answer JSON ({@link dev.docqa.service.AnswerView}, as the CLI's {@code ask --json}); an API Gateway HTTP API v2
 *       event returns an {@link ApiGatewayResponse}.
 *   <li>{@code ingest}: an S3 event notification, or an SQS event wrapping them, returns the SQS partial batch
 *       response.
 * </ul>
 *
 * <p>The service (models, tokenizers, index replica) is created during Lambda init, not on the first request, and the
 * init phases are logged as JSON lines with their timings. Where the console prints JSON (on Lambda), docqa's event
 * lines go straight to standard output ({@link JsonLog}), so their fields are top-level JSON fields.
 */
public class DocqaFunctions {

  @Inject Instance<AskHandler> askHandler;
  @Inject Instance<IngestHandler> ingestHandler;

  void init(@Observes StartupEvent startup, DocqaConfig config) {
    long started = System.nanoTime();
    if (org.eclipse.microprofile.config.ConfigProvider.getConfig()
        .getOptionalValue("quarkus.log.console.json.enabled", Boolean.class).orElse(false)) {
      // docqa's events are JSON objects already: printed as they are, their fields are top-level in CloudWatch.
      JsonLog.printDirectly(System.out);
    }
    // Resolving the handler resolves the service: models load and the index syncs now, in the init phase.
    String exported = org.eclipse.microprofile.config.ConfigProvider.getConfig()
        .getOptionalValue("quarkus.funqy.export", String.class).orElse("ask");
    if ("ingest".equals(exported)) {
      ingestHandler.get();
    } else {
      askHandler.get();
    }
    JsonLog.info("init.functions", "exported", exported, "ms", (System.nanoTime() - started) / 1e6,
        "storage", config.storage().location());
  }

  @Funq("ask")
  public Object ask(AskEvent event) {
    return askHandler.get().handle(event);
  }

  @Funq("ingest")
  public SqsBatchResponse ingest(IngestEvent event) {
    return ingestHandler.get().handle(event);
  }
}
