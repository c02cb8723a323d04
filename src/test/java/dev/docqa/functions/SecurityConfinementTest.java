package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrieverMode;
import dev.docqa.events.EventFilter;
import dev.docqa.events.EventReconciler;
import dev.docqa.service.AnswerView;
import dev.docqa.service.AskRequest;
import dev.docqa.service.LocalDocQa;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.PutCondition;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3ProxyServer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Nobody reaches what they should not: no request or event names a bucket, a key outside the documents' prefix, a
 * path outside the store's folder, or a model. The real service runs over a local store in {@code work/store}; beside
 * it, {@code work/outside/secret.txt} holds a sentence that must never be read, and the store root holds
 * {@code private.txt}, outside the documents' prefix. Symbolic links inside the store point at both. After every case
 * the whole work folder (but the model cache) is byte for byte as before, and neither sentence is in the index.
 */
class SecurityConfinementTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "docqa-bucket";
  private static final String SECRET = "The vault under Marrowgate opens with the word quillfeather.";
  private static final String PRIVATE = "Zarquent keeps the private ledger beside the documents.";
  private static final AtomicInteger SEQUENCE = new AtomicInteger(0x2000);

  @TempDir static Path work;
  private static LocalDocQa docqa;
  private static IngestHandler ingest;
  private static AskHandler ask;
  private static String prefix;
  private static Path root;
  private static Path secret;
  private Map<String, String> before;

  @BeforeAll
  static void open() throws IOException {
    docqa = LocalDocQa.open(work);
    prefix = docqa.storage().documentPrefix();
    root = work.resolve("store");
    secret = Files.writeString(Files.createDirectories(work.resolve("outside")).resolve("secret.txt"), SECRET);
    Files.writeString(root.resolve("private.txt"), PRIVATE);
    Path documents = Files.createDirectories(root.resolve(prefix));
    Files.writeString(documents.resolve("inside.txt"), "The tern colony nests on Skarvet rock every May.");
    Files.createSymbolicLink(documents.resolve("escape.txt"), secret);
    Files.createSymbolicLink(documents.resolve("escape-dir"), secret.getParent());
    Files.createSymbolicLink(documents.resolve("private-link.txt"), root.resolve("private.txt"));
    Files.createSymbolicLink(documents.resolve("alias.txt"), Path.of("inside.txt"));
    docqa.service().ingest("inside.txt", documents.resolve("inside.txt"), "v1");
    ingest = new IngestHandler(new EventReconciler(docqa.service(), docqa.store(), prefix,
        new EventFilter(BUCKET, prefix), work.resolve("downloads")));
    ask = new AskHandler(docqa.service());
  }

  @AfterAll
  static void close() {
    docqa.close();
  }

  @BeforeEach
  void snapshot() throws IOException {
    before = folderContents();
  }

  @AfterEach
  void nothingOutsideTheRulesWasReadOrWritten() throws IOException {
    assertEquals(before, folderContents(), "the work folder is unchanged: nothing written, inside or outside");
    for (String word : List.of("quillfeather", "zarquent")) {
      assertTrue(docqa.service().retrieve(word, 100, RetrieverMode.BM25).stream()
          .noneMatch(p -> p.text().toLowerCase().contains(word)), word + " was read into the index");
    }
  }

  // ---- ingest events (S3 direct and SQS) ----

  static Stream<Arguments> keysOutsideTheDocuments() {
    String absolute = secret().toAbsolutePath().toString();
    return Stream.of(
        argumentSet("another bucket, same key as a real document", "other-bucket", prefix() + "inside.txt"),
        argumentSet("the store root, not under documents/", BUCKET, "private.txt"),
        argumentSet("the index's manifest", BUCKET, "index/manifest.json"),
        argumentSet("../ out of documents/", BUCKET, prefix() + "../private.txt"),
        argumentSet("../../ out of the store", BUCKET, prefix() + "../../outside/secret.txt"),
        argumentSet("..%2F (encoded slash)", BUCKET, prefix() + "..%2F..%2Foutside%2Fsecret.txt"),
        argumentSet("%2E%2E (encoded dots)", BUCKET, prefix() + "%2E%2E/private.txt"),
        argumentSet("./ segment", BUCKET, prefix() + "./inside.txt"),
        argumentSet("absolute path after the prefix", BUCKET, prefix() + encode(absolute)),
        argumentSet("absolute path as the key", BUCKET, encode(absolute)),
        argumentSet("s3:// URI after the prefix", BUCKET, prefix() + encode("s3://other-bucket/secret.txt")),
        argumentSet("backslashes", BUCKET, prefix() + encode("..\\..\\outside\\secret.txt")),
        argumentSet("NUL before an extension", BUCKET, prefix() + "inside.txt%00.pdf"),
        argumentSet("double slash", BUCKET, prefix() + "/inside.txt"),
        argumentSet("a 2,000-byte key", BUCKET, prefix() + "a".repeat(2_000) + ".txt"),
        argumentSet("symbolic link to a file outside the store", BUCKET, prefix() + "escape.txt"),
        argumentSet("through a symbolic link to a folder outside", BUCKET, prefix() + "escape-dir/secret.txt"));
  }

  @ParameterizedTest
  @MethodSource("keysOutsideTheDocuments")
  void anSqsEventForAKeyOutsideTheDocumentsIsAcknowledgedAndReadsNothing(String bucket, String key) throws Exception {
    Map<String, String> index = docqa.indexObjects();
    SqsBatchResponse response = ingest.handle(S3EventsTest.parse(
        "{\"Records\":[" + sqs("m1", created(bucket, key)) + "]}"));
    assertEquals(List.of(), response.getBatchItemFailures(), "retrying cannot make the key acceptable");
    assertEquals(index, docqa.indexObjects(), "nothing published");
  }

  @Test
  void aDirectS3EventWithEveryBadKeyIsAcknowledgedAndReadsNothing() throws Exception {
    Map<String, String> index = docqa.indexObjects();
    String records = keysOutsideTheDocuments()
        .map(a -> created((String) a.get()[0], (String) a.get()[1])).reduce((x, y) -> x + "," + y).orElseThrow();
    assertEquals(List.of(), ingest.handle(S3EventsTest.parse("{\"Records\":[" + records + "]}"))
        .getBatchItemFailures());
    assertEquals(index, docqa.indexObjects());
  }

  @Test
  void aRemovalEventForAKeyWithDotDotDeletesNoOtherDocument() throws Exception {
    String removed = S3EventsTest.s3Record("ObjectRemoved:Delete", BUCKET, prefix + "x/../inside.txt", next());
    ingest.handle(S3EventsTest.parse("{\"Records\":[" + removed + "]}"));
    assertFalse(docqa.service().retrieve("Skarvet", 10, RetrieverMode.BM25).isEmpty(), "inside.txt is still indexed");
  }

  // ---- the local store itself ----

  static Stream<Arguments> escapingKeys() {
    return Stream.of(
        argumentSet("..", "../outside/secret.txt"),
        argumentSet(".. after a folder", "documents/../../outside/secret.txt"),
        argumentSet("absolute", secret().toAbsolutePath().toString()),
        argumentSet("backslashes", "documents\\..\\..\\outside\\secret.txt"),
        argumentSet("NUL", "documents/inside.txt\0/../../outside/secret.txt"),
        argumentSet("double slash", "documents//inside.txt"),
        argumentSet("2,000 bytes", "documents/" + "a".repeat(2_000)),
        argumentSet("symbolic link to a file outside", "documents/escape.txt"),
        argumentSet("through a symbolic link to a folder outside", "documents/escape-dir/secret.txt"),
        argumentSet("a new file through a symbolic link to a folder outside", "documents/escape-dir/new.txt"));
  }

  @ParameterizedTest
  @MethodSource("escapingKeys")
  void theLocalStoreRefusesEveryOperationOnAKeyThatEscapesItsFolder(String key) throws IOException {
    LocalObjectStore store = docqa.store();
    Path target = work.resolve("downloads-" + SEQUENCE.incrementAndGet() + ".bin");
    Path source = Files.writeString(work.resolve("upload.txt"), "overwritten");
    List<Consumer<String>> operations = List.of(
        store::head,
        k -> store.open(k),
        k -> store.download(k, target),
        k -> store.put(k, "overwritten".getBytes(StandardCharsets.UTF_8), new PutCondition.Always()),
        k -> store.upload(source, k),
        store::delete);
    for (Consumer<String> operation : operations) {
      assertThrows(InvalidInputException.class, () -> operation.accept(key));
    }
    Files.delete(source);
    assertFalse(Files.exists(target));
    assertEquals(SECRET, Files.readString(secret), "the file outside is untouched");
  }

  @Test
  void theLocalStoreListsNoLinkThatLeavesItsFolderButFollowsOnesThatStayInside() throws IOException {
    List<String> keys = docqa.store().list(prefix).stream().map(ObjectInfo::key).toList();
    assertEquals(List.of(prefix + "alias.txt", prefix + "inside.txt", prefix + "private-link.txt"), keys);
    try (var in = docqa.store().open(prefix + "alias.txt")) {
      assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("Skarvet"), "a link inside is fine");
    }
  }

  @Test
  void theS3StoreNeverLeavesItsBucketAndPrefix() {
    try (S3ProxyServer server = S3ProxyServer.start(); S3Client client = server.connection().newClient()) {
      server.createBucket("docqa");
      server.createBucket("other-bucket");
      client.putObject(b -> b.bucket("docqa").key("app/documents/a.txt"), RequestBody.fromString("inside"));
      client.putObject(b -> b.bucket("docqa").key("secret.txt"), RequestBody.fromString(SECRET));
      client.putObject(b -> b.bucket("other-bucket").key("app/documents/a.txt"), RequestBody.fromString(SECRET));
      try (S3ObjectStore store = new S3ObjectStore(client, "docqa", "app/", false)) {
        assertEquals(List.of("documents/a.txt"), store.list("").stream().map(ObjectInfo::key).toList());
        for (String key : List.of("../secret.txt", "/secret.txt", "documents/../../secret.txt",
            "s3://other-bucket/app/documents/a.txt", "documents\\..\\..\\secret.txt")) {
          assertThrows(InvalidInputException.class, () -> store.open(key), key);
          assertThrows(InvalidInputException.class,
              () -> store.put(key, new byte[] {1}, new PutCondition.Always()), key);
        }
      }
      assertEquals(List.of("app/documents/a.txt", "secret.txt"),
          client.listObjectsV2(b -> b.bucket("docqa")).contents().stream().map(o -> o.key()).toList(),
          "nothing written beside the prefix");
    }
  }

  // ---- ask requests ----

  static Stream<Arguments> fieldsNoRequestMayName() {
    return Stream.of(
        argumentSet("model", "\"model\":\"s3://attacker-bucket/reader\""),
        argumentSet("reader", "\"reader\":\"/tmp/evil-model\""),
        argumentSet("bucket", "\"bucket\":\"other-bucket\""),
        argumentSet("index", "\"index\":\"s3://other-bucket/index/\""),
        argumentSet("store location", "\"location\":\"/etc\""),
        argumentSet("context (no direct context over the API)", "\"context\":\"" + "x".repeat(10_000) + "\""));
  }

  @ParameterizedTest
  @MethodSource("fieldsNoRequestMayName")
  void aDirectQuestionWithAnExtraFieldIsRejected(String field) throws Exception {
    AskEvent event = JSON.readValue("{\"question\":\"Where do the terns nest?\"," + field + "}", AskEvent.class);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ask.handle(event));
    assertTrue(e.getMessage().startsWith("unknown field \"" + field.substring(1, field.indexOf('"', 1)) + "\""),
        e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("fieldsNoRequestMayName")
  void anApiGatewayPostWithAnExtraFieldIs400(String field) throws Exception {
    ApiGatewayResponse response = (ApiGatewayResponse) ask.handle(
        AskHandlerTest.http("POST", "{\"question\":\"Where do the terns nest?\"," + field + "}", false));
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertTrue(response.getBody().contains("unknown field"), response.getBody());
  }

  @ParameterizedTest
  @MethodSource("fieldsNoRequestMayName")
  void anApiGatewayGetWithAnExtraParameterIs400(String field) throws Exception {
    AskEvent get = AskHandlerTest.http("GET", null, false);
    String name = field.substring(1, field.indexOf('"', 1));
    get.setQueryStringParameters(Map.of("question", "Where do the terns nest?", name, "x"));
    ApiGatewayResponse response = (ApiGatewayResponse) ask.handle(get);
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertTrue(response.getBody().contains("unknown field \\\"" + name + "\\\""), response.getBody());
  }

  @ParameterizedTest
  @MethodSource("documentPrefixesOutsideTheIndex")
  void aDocumentPrefixThatLooksLikeAPathOrUriIs400(String documentPrefix) throws Exception {
    String body = JSON.writeValueAsString(Map.of("question", "Where do the terns nest?", "document_prefix",
        documentPrefix));
    ApiGatewayResponse response = (ApiGatewayResponse) ask.handle(AskHandlerTest.http("POST", body, false));
    assertEquals(400, response.getStatusCode(), response.getBody());
    AskEvent direct = JSON.readValue(body, AskEvent.class);
    assertThrows(InvalidInputException.class, () -> ask.handle(direct));
  }

  static Stream<Arguments> documentPrefixesOutsideTheIndex() {
    return Stream.of(
        argumentSet("..", "../"),
        argumentSet("absolute", "/etc/"),
        argumentSet("s3:// URI", "s3://other-bucket/documents/"),
        argumentSet("backslashes", "..\\..\\"),
        argumentSet("NUL", "a\0b"),
        argumentSet("double slash", "a//b"));
  }

  @Test
  void aQuestionWithOnlyKnownFieldsIsAnsweredFromTheIndex() throws Exception {
    AskEvent event = JSON.readValue("{\"question\":\"Where do the terns nest?\",\"top_k\":1,\"retriever\":\"bm25\","
        + "\"document_prefix\":\"inside\",\"alternatives\":0}", AskEvent.class);
    AnswerView answer = (AnswerView) ask.handle(event);
    assertEquals("inside.txt", answer.best().document());
  }

  @Test
  void theServiceRequestNamesNoBucketPathOrModel() {
    // Models, buckets and folders come from configuration; a request carries only these.
    assertEquals(List.of("question", "topK", "retriever", "documentPrefix", "alternatives", "noAnswer", "nullThreshold",
            "maxAnswerLength", "includePassages"),
        Arrays.stream(AskRequest.class.getRecordComponents()).map(RecordComponent::getName).toList());
    assertEquals(AskHandler.FIELDS, List.of("question", "top_k", "retriever", "document_prefix", "alternatives",
        "no_answer", "null_threshold", "max_answer_length", "show_passages"));
  }

  // ---- helpers ----

  /** Every file and link under the work folder but the model cache, with its content (or link target). */
  private static Map<String, String> folderContents() throws IOException {
    Map<String, String> contents = new TreeMap<>();
    try (Stream<Path> files = Files.walk(work)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = work.relativize(file).toString();
        if (name.startsWith("cache")) {
          continue;
        }
        if (Files.isSymbolicLink(file)) {
          contents.put(name, "-> " + Files.readSymbolicLink(file));
        } else if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !name.endsWith(".docqa-lock")) {
          contents.put(name, Integer.toHexString(Arrays.hashCode(Files.readAllBytes(file))));
        } else {
          contents.put(name, "dir");
        }
      }
    }
    return contents;
  }

  private static Path secret() {
    return work.resolve("outside").resolve("secret.txt");
  }

  private static String prefix() {
    return docqa.storage().documentPrefix();
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8);
  }

  private static String created(String bucket, String key) {
    return S3EventsTest.s3Record("ObjectCreated:Put", bucket, key, next());
  }

  private static String next() {
    return String.format("%016X", SEQUENCE.incrementAndGet());
  }

  private static String sqs(String messageId, String body) throws IOException {
    return "{\"messageId\":\"" + messageId + "\",\"eventSource\":\"aws:sqs\",\"body\":"
        + JSON.writeValueAsString("{\"Records\":[" + body + "]}") + "}";
  }
}
