package dev.docqa.functions;

import static dev.docqa.functions.FunctionEvents.JSON;
import static dev.docqa.functions.FunctionEvents.assertProvenance;
import static dev.docqa.functions.FunctionEvents.created;
import static dev.docqa.functions.FunctionEvents.postIngestEvent;
import static dev.docqa.functions.FunctionEvents.removed;
import static dev.docqa.functions.FunctionEvents.retrievedPassages;
import static dev.docqa.functions.FunctionEvents.s3Event;
import static dev.docqa.functions.FunctionEvents.sqsEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.opensearch.OpenSearchSettings;
import dev.docqa.service.AnswerView;
import dev.docqa.service.DocQa;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ingest} end to end on the OpenSearch backend: documents uploaded to s3proxy, S3 notifications (direct and
 * wrapped in SQS messages) posted to the Lambda mock event server (test port 8081) → Funqy → the real service, whose
 * passages live in a fresh index of the test JVM's OpenSearch ({@link OpenSearchResource}); no embedded index is
 * published to the bucket. Answers are asked through the {@code ask} function's handler bean (that function runs over
 * HTTP on OpenSearch in {@link OpenSearchOutageTest}) and checked against what the engine holds, read straight from
 * it. Every test uses its own document ids and folder, so tests do not depend on their order.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.IngestOnOpenSearch.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OpenSearchResource.class, restrictToAnnotatedClass = true)
class OpenSearchFunctionsTest {

  @Inject DocQa docQa;
  @Inject AskHandler ask;
  @Inject ObjectStore store;
  @Inject DocqaSettings settings;

  private void upload(String documentId, String text) {
    store.put(StorageSettings.DEFAULT_DOCUMENT_PREFIX + documentId, text.getBytes(StandardCharsets.UTF_8),
        PutCondition.NONE);
  }

  private void deleteObject(String documentId) {
    store.delete(StorageSettings.DEFAULT_DOCUMENT_PREFIX + documentId);
  }



  /** The passage texts the engine itself holds for {@code documentId}. */
  private List<String> indexed(String documentId) {
    String location = settings.index().location();
    URI engine = OpenSearchSettings.parse(location).endpoint();
    return OpenSearchResource.indexedPassages(engine, location, documentId);
  }

  private static AskQuery question(String question, String documentPrefix) {
    AskQuery query = new AskQuery();
    query.setQuestion(question);
    query.setDocumentPrefix(documentPrefix);
    query.setTopK(5);
    query.setAlternatives(3);
    query.setShowPassages(true);
    return query;
  }

  /** Every document an answer names: its spans' and its retrieved passages'. */
  private static List<String> cited(AnswerView view) {
    List<String> documents = new ArrayList<>();
    Stream.concat(Stream.of(view.best()), view.alternatives().stream())
        .map(AnswerView.Span::document).filter(d -> d != null).forEach(documents::add);
    view.passages().forEach(p -> documents.add(p.document()));
    return documents;
  }

  @Test
  void directAndSqsWrappedEventsIndexIntoOpenSearchAndAnswersComeFromIt() {
    assertTrue(settings.index().location().startsWith("opensearch+http://"), settings.index().location());
    String keeper = "os-ask/Keeper Log 1921.txt";
    String keeperText = "Keeper's log, Varnholm Light. Ansel Brekke trimmed the wick at dusk 🌊 and wound the "
        + "clockwork at midnight. The fog signal sounded for nine hours on the twelfth of March.";
    String ferry = "os-ask/ferry.txt";
    String ferryText = "The ferry Morwenna sails from Saltmere to Varnholm every Tuesday with the mail.";
    upload(keeper, keeperText);
    upload(ferry, ferryText);

    assertEquals(List.of(), postIngestEvent(s3Event(created(keeper, "0055AED6DCD90281E5"))), "a direct S3 event");
    assertEquals(List.of(), postIngestEvent(sqsEvent(Map.of("m-ferry", s3Event(created(ferry, "0055AED6DCD90281E5"))))),
        "an S3 event in an SQS message");

    AnswerView keeperAnswer = ask.ask(question("Who trimmed the wick at dusk?", "os-ask/"));
    assertEquals(keeper, keeperAnswer.best().document(), "the key was URL-decoded: + is a space");
    assertProvenance(JSON.valueToTree(keeperAnswer.best()), keeperText);
    assertEquals(List.of(keeperAnswer.best().passage().text()), indexed(keeper),
        "the cited passage is the one the engine holds");
    AnswerView ferryAnswer = ask.ask(question("Which ferry sails to Varnholm every Tuesday?", "os-ask/"));
    assertEquals(ferry, ferryAnswer.best().document());
    assertProvenance(JSON.valueToTree(ferryAnswer.best()), ferryText);
    assertEquals(List.of(ferryAnswer.best().passage().text()), indexed(ferry));
    for (AnswerView.Span alternative : ferryAnswer.alternatives()) {
      assertProvenance(JSON.valueToTree(alternative), alternative.document().equals(ferry) ? ferryText : keeperText);
    }
    assertEquals(List.of(), store.list(settings.storage().indexPrefix()), "no embedded index was published");
  }

  @Test
  void aReplacedDocumentsOldTextIsNotFoundOnceTheIngestReturns() {
    String id = "os-replace/ledger.txt";
    upload(id, "The quartermaster of the Zephyr kept a green ledger of cargo.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0100"))));
    assertEquals(1, retrievedPassages(docQa, id, "quartermaster Zephyr").size());

    String replacement = "The purser of the Halcyon kept a crimson ledger of passengers.";
    upload(id, replacement);
    assertEquals(List.of(), postIngestEvent(sqsEvent(Map.of("m-replace", s3Event(created(id, "0200"))))));
    // No wait, no refresh: once the ingest has returned, searches no longer see the old version.
    List<Passage> passages = retrievedPassages(docQa, id, "ledger quartermaster Zephyr purser Halcyon");
    assertEquals(1, passages.size(), "the old passages are gone: " + passages);
    assertEquals(replacement, passages.getFirst().text());
    assertEquals(List.of(replacement), indexed(id));
    AnswerView view = ask.ask(question("Who kept a green ledger of cargo on the Zephyr?", "os-replace/"));
    Stream.concat(Stream.of(view.best()), view.alternatives().stream()).forEach(span ->
        assertFalse(span.passage().text().contains("Zephyr"), "an answer cites the replaced text: " + span));
    view.passages().forEach(p -> assertEquals(replacement, p.text()));
  }

  @Test
  void aDeletedDocumentIsNeverCitedAgain() {
    String id = "os-delete/tide-table.txt";
    upload(id, "Tide table of Port Ellery: high water at 06:12 and 18:40.");
    upload("os-delete/almanac.txt", "The almanac of Port Ellery lists high water at noon on feast days.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0A"), created("os-delete/almanac.txt", "0A"))));
    AnswerView before = ask.ask(question("When is high water at Port Ellery?", "os-delete/"));
    assertTrue(cited(before).contains(id), "cited before the delete: " + before);

    deleteObject(id);
    assertEquals(List.of(), postIngestEvent(s3Event(removed(id, "0B"))));
    assertEquals(List.of(), retrievedPassages(docQa, id, "tide table high water Port Ellery"));
    assertEquals(List.of(), indexed(id));
    for (String words : List.of("When is high water at Port Ellery?", "What does the tide table say at 06:12?")) {
      AnswerView after = ask.ask(question(words, "os-delete/"));
      assertFalse(cited(after).contains(id), "a deleted document is cited: " + after);
      assertFalse(cited(after).isEmpty(), "the other document still answers: " + after);
    }
  }

  /**
   * A document's events delivered duplicated and shuffled (seeded), in random batches, some direct and some in SQS
   * messages: the index converges to the newest, whatever the order. Then stale duplicates arrive after the store
   * changed without an event (had one been applied, the index would follow the store), and a removal that is newest
   * wins over shuffled older creations.
   */
  @Test
  void duplicatedAndShuffledEventsConvergeToTheNewest() {
    long seed = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    Random random = new Random(seed);
    String id = "os-order/buoy.txt";
    String words = "bell buoy Skerry Point";
    String newest = "The bell buoy off Skerry Point was moved in 1931.";
    // Another document, so the index is never empty and the last question has something to cite.
    String chart = "os-order/chart.txt";
    upload(chart, "The chart of Skerry Point marks the bell buoy and the reef beyond it.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(chart, "01"))));
    // The store holds the newest version when its events arrive (S3 changed it three times in a row).
    upload(id, newest);
    List<String> events = new ArrayList<>(List.of(created(id, "0010"), created(id, "0020"), created(id, "0030"),
        created(id, "0030"), created(id, "0020"), created(id, "0010"), removed(id, "0025")));
    deliverShuffled(events, random, seed);
    assertEquals(List.of(newest), indexed(id), "seed=" + seed);
    assertEquals(1, retrievedPassages(docQa, id, words).size(), "seed=" + seed);

    upload(id, "The bell buoy off Skerry Point was sold for scrap.");
    deliverShuffled(events, random, seed);
    assertEquals(List.of(newest), indexed(id), "stale duplicates were dropped, not reconciled; seed=" + seed);

    deleteObject(id);
    deliverShuffled(new ArrayList<>(List.of(removed(id, "0040"), created(id, "0010"), created(id, "0030"),
        removed(id, "0040"), created(id, "0020"))), random, seed);
    assertEquals(List.of(), indexed(id), "the newest removal wins; seed=" + seed);
    upload(id, newest);
    deliverShuffled(new ArrayList<>(List.of(created(id, "0030"), created(id, "0020"), removed(id, "0040"))), random,
        seed);
    assertEquals(List.of(), indexed(id), "creations older than the removal stay dropped; seed=" + seed);
    assertEquals(List.of(), retrievedPassages(docQa, id, words), "seed=" + seed);
    AnswerView view = ask.ask(question("Where is the bell buoy?", "os-order/"));
    assertEquals(List.of(chart), cited(view).stream().distinct().toList(), view.toString());
  }

  /** Shuffles {@code records} and delivers them in batches of one to three, each direct or as SQS messages. */
  private static void deliverShuffled(List<String> records, Random random, long seed) {
    Collections.shuffle(records, random);
    for (int from = 0; from < records.size(); ) {
      int to = Math.min(records.size(), from + 1 + random.nextInt(3));
      List<String> batch = records.subList(from, to);
      if (random.nextBoolean()) {
        assertEquals(List.of(), postIngestEvent(s3Event(batch.toArray(String[]::new))), "seed=" + seed);
      } else {
        Map<String, String> messages = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
          messages.put("m-" + from + "-" + i, s3Event(batch.get(i)));
        }
        assertEquals(List.of(), postIngestEvent(sqsEvent(messages)), "seed=" + seed);
      }
      from = to;
    }
  }
}
