package dev.docqa.infra;

import static dev.docqa.infra.CloudFormationTemplate.getAtt;
import static dev.docqa.infra.CloudFormationTemplate.list;
import static dev.docqa.infra.CloudFormationTemplate.ref;
import static dev.docqa.infra.CloudFormationTemplate.strings;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.DocqaSettings;
import dev.docqa.functions.DocqaConfig;
import dev.docqa.infra.CloudFormationTemplate.Statement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Checks infra/template.yaml: security posture, wiring, least privilege and the app's configuration contract. */
class TemplateTest {

  static final Path TEMPLATE = Path.of("infra/template.yaml");
  private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NoValue", "AWS::Partition",
      "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
  private static final Set<String> FUNCTIONS = Set.of("AskFunction", "IngestFunction");
  private static final String MODEL_OBJECTS = "arn:${AWS::Partition}:s3:::${ReaderModelBucket}/${ReaderModelPrefix}/*";
  private static final String MODEL_BUCKET = "arn:${AWS::Partition}:s3:::${ReaderModelBucket}";
  /** A reader model in S3, so that the model policy is part of every deployment shape below. */
  private static final Map<String, String> MODEL = Map.of("ReaderModelBucket", "ml-models");
  private static final Map<String, String> SERVERLESS = Map.of("ReaderModelBucket", "ml-models",
      "IndexBackend", "serverless");
  private static final String DOMAIN_HOST = "search-docqa-abc123def456.eu-west-1.es.amazonaws.com";
  private static final String DOMAIN_ARN = "arn:aws:es:eu-west-1:123456789012:domain/docqa";
  private static final Map<String, String> DOMAIN = Map.of("ReaderModelBucket", "ml-models", "IndexBackend", "domain",
      "OpenSearchDomainEndpoint", DOMAIN_HOST, "OpenSearchDomainArn", DOMAIN_ARN);
  private static final String STACK_ID =
      "arn:aws:cloudformation:eu-west-1:123456789012:stack/Docqa-Prod/51af3dc0-da77-11e4-872e-1234567db123";
  private static final Set<String> INDEX_VARIABLES = Set.of("DOCQA_INDEX_LOCATION", "DOCQA_INDEX_KNN_ENGINE");

  private final CloudFormationTemplate template = CloudFormationTemplate.load(TEMPLATE);

  @Test
  void everyReferenceResolves() {
    Set<String> known = new HashSet<>(PSEUDO_PARAMETERS);
    known.addAll(template.resources().keySet());
    known.addAll(CloudFormationTemplate.fields(template.root().path("Parameters")).keySet());
    Set<String> conditions = CloudFormationTemplate.fields(template.root().path("Conditions")).keySet();

    Set<String> unknown = new TreeSet<>(CloudFormationTemplate.references(template.root().path("Resources")));
    unknown.addAll(CloudFormationTemplate.references(template.root().path("Outputs")));
    unknown.removeAll(known);
    assertTrue(unknown.isEmpty(), "references to nothing: " + unknown);

    Set<String> unknownInRules = new TreeSet<>(CloudFormationTemplate.references(template.root().path("Rules")));
    unknownInRules.removeAll(CloudFormationTemplate.fields(template.root().path("Parameters")).keySet());
    assertTrue(unknownInRules.isEmpty(), "rules may name parameters only: " + unknownInRules);

    Map<String, JsonNode> conditional = new HashMap<>(template.resources());
    conditional.putAll(CloudFormationTemplate.fields(template.root().path("Outputs")));
    conditional.forEach((id, entry) -> {
      String condition = entry.path("Condition").asText(null);
      assertTrue(condition == null || conditions.contains(condition), id + " names unknown condition " + condition);
    });
    CloudFormationTemplate.walk(template.root()).filter(node -> node.has("Fn::If") || node.has("Condition"))
        .forEach(node -> {
          JsonNode named = node.has("Fn::If") ? node.get("Fn::If").get(0) : node.get("Condition");
          assertTrue(!named.isTextual() || conditions.contains(named.asText()), "unknown condition in " + node);
        });
  }

  /** CloudFormation rejects a template whose resources depend on each other in a cycle. */
  @Test
  void resourceDependenciesAreAcyclic() {
    Map<String, Set<String>> deps = new HashMap<>();
    template.resources().keySet().forEach(id -> deps.put(id, template.dependencies(id)));
    Set<String> done = new HashSet<>();
    for (String start : deps.keySet()) {
      Deque<String> path = new ArrayDeque<>();
      assertNoCycle(start, deps, path, done);
    }
  }

  private static void assertNoCycle(String id, Map<String, Set<String>> deps, Deque<String> path, Set<String> done) {
    if (done.contains(id)) {
      return;
    }
    if (path.contains(id)) {
      throw new AssertionError("dependency cycle: " + path + " -> " + id);
    }
    path.addLast(id);
    deps.get(id).forEach(dep -> assertNoCycle(dep, deps, path, done));
    path.removeLast();
    done.add(id);
  }

  @Test
  void documentsBucketIsPrivateVersionedEncrypted() {
    JsonNode bucket = template.properties("DocumentsBucket");
    JsonNode block = bucket.path("PublicAccessBlockConfiguration");
    assertAll(
        () -> assertEquals("Enabled", bucket.path("VersioningConfiguration").path("Status").asText()),
        () -> assertFalse(list(bucket.path("BucketEncryption").path("ServerSideEncryptionConfiguration")).isEmpty(),
            "bucket encryption"),
        () -> List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
            .forEach(flag -> assertTrue(block.path(flag).asBoolean(false), flag + " must be true")),
        () -> assertTrue(bucket.path("AccessControl").isMissingNode(), "no canned ACL"),
        () -> assertEquals("BucketOwnerEnforced",
            bucket.path("OwnershipControls").path("Rules").get(0).path("ObjectOwnership").asText()),
        () -> assertEquals("Retain", template.resource("DocumentsBucket").path("DeletionPolicy").asText()));
  }

  @Test
  void bucketPolicyDeniesPlainHttpAndAllowsNobody() {
    JsonNode policy = template.properties("DocumentsBucketPolicy");
    assertEquals(ref("DocumentsBucket"), policy.path("Bucket"));
    List<JsonNode> statements = list(policy.path("PolicyDocument").path("Statement"));
    assertTrue(statements.stream().noneMatch(s -> s.path("Effect").asText().equals("Allow")),
        "the bucket policy must not grant anything (access goes through roles): " + statements);
    JsonNode tls = statements.stream()
        .filter(s -> s.path("Condition").path("Bool").path("aws:SecureTransport").asText().equals("false"))
        .findFirst().orElseThrow(() -> new AssertionError("no TLS-only statement"));
    assertAll(
        () -> assertEquals("Deny", tls.path("Effect").asText()),
        () -> assertEquals("*", tls.path("Principal").asText()),
        () -> assertEquals(List.of("s3:*"), strings(tls.path("Action"))),
        () -> assertTrue(list(tls.path("Resource")).contains(getAtt("DocumentsBucket", "Arn")), "bucket itself"),
        () -> assertTrue(list(tls.path("Resource")).stream()
            .anyMatch(r -> r.path("Fn::Sub").asText().equals("${DocumentsBucket.Arn}/*")), "its objects"));
  }

  @Test
  void documentEventsReachTheQueueAndOnlyFromTheDocumentsPrefix() {
    List<JsonNode> queues = list(template.properties("DocumentsBucket").path("NotificationConfiguration")
        .path("QueueConfigurations"));
    assertEquals(Set.of("s3:ObjectCreated:*", "s3:ObjectRemoved:*"),
        queues.stream().map(q -> q.path("Event").asText()).collect(Collectors.toSet()));
    for (JsonNode q : queues) {
      assertEquals(getAtt("IngestQueue", "Arn"), q.path("Queue"));
      JsonNode rule = q.path("Filter").path("S3Key").path("Rules").get(0);
      assertEquals("prefix", rule.path("Name").asText());
      assertEquals(ref("DocumentsPrefix"), rule.path("Value"), "index writes must not notify the ingest queue");
    }
    String documents = parameterDefault("DocumentsPrefix");
    String index = parameterDefault("IndexPrefix");
    assertFalse(index.startsWith(documents) || documents.startsWith(index),
        "index and documents prefixes overlap: " + index + ", " + documents);
  }

  /** S3 validates the queue policy when the notification is created: the policy first, without a cycle. */
  @Test
  void queuePolicyLetsOnlyThisBucketSendAndExistsBeforeTheNotification() {
    assertTrue(strings(template.resource("DocumentsBucket").path("DependsOn")).contains("IngestQueuePolicy"));
    JsonNode policy = template.properties("IngestQueuePolicy");
    assertEquals(List.of(ref("IngestQueue")), list(policy.path("Queues")));
    JsonNode allow = list(policy.path("PolicyDocument").path("Statement")).stream()
        .filter(s -> s.path("Effect").asText().equals("Allow")).findFirst().orElseThrow();
    assertAll(
        () -> assertEquals("s3.amazonaws.com", allow.path("Principal").path("Service").asText()),
        () -> assertEquals(List.of("sqs:SendMessage"), strings(allow.path("Action"))),
        () -> assertEquals(getAtt("IngestQueue", "Arn"), allow.path("Resource")),
        () -> assertEquals(ref("AWS::AccountId"), allow.path("Condition").path("StringEquals").path("aws:SourceAccount")));

    // The policy names the bucket by the same expression the bucket is created with.
    JsonNode bucketName = template.properties("DocumentsBucket").path("BucketName").path("Fn::Sub");
    JsonNode sourceArn = allow.path("Condition").path("ArnEquals").path("aws:SourceArn").path("Fn::Sub");
    assertEquals("arn:${AWS::Partition}:s3:::" + bucketName.get(0).asText(), sourceArn.get(0).asText());
    assertEquals(bucketName.get(1), sourceArn.get(1));
  }

  /** Evaluates the bucket-name expression for a real stack id: a valid name, and the queue policy's source. */
  @Test
  void bucketNameFromTheStackIdIsValidAndIsTheQueuePolicySource() {
    Map<String, String> stack = Map.of("AWS::AccountId", "123456789012", "AWS::Partition", "aws",
        "AWS::StackId", "arn:aws:cloudformation:eu-west-1:123456789012:stack/Docqa-Prod/"
            + "51af3dc0-da77-11e4-872e-1234567db123");
    String name = CloudFormationTemplate.evaluate(template.properties("DocumentsBucket").path("BucketName"), stack);
    assertEquals("docqa-123456789012-51af3dc0-da77-11e4-872e-1234567db123", name);
    assertTrue(name.length() <= 63 && name.matches("[a-z0-9][a-z0-9.-]+[a-z0-9]"), "invalid bucket name " + name);
    JsonNode sourceArn = list(template.properties("IngestQueuePolicy").path("PolicyDocument").path("Statement")).get(0)
        .path("Condition").path("ArnEquals").path("aws:SourceArn");
    assertEquals("arn:aws:s3:::" + name, CloudFormationTemplate.evaluate(sourceArn, stack));
  }

  /** What the model policy and variable evaluate to for a real location: that prefix only, the URI the app reads. */
  @Test
  void modelPolicyEvaluatesToTheModelPrefixOnly() {
    Map<String, String> values = Map.of("AWS::Partition", "aws", "ReaderModelBucket", "ml-models",
        "ReaderModelPrefix", "docqa/reader");
    List<JsonNode> statements =
        list(template.properties("ReaderModelReadPolicy").path("PolicyDocument").path("Statement"));
    assertEquals("arn:aws:s3:::ml-models/docqa/reader/*",
        CloudFormationTemplate.evaluate(statements.get(0).path("Resource"), values));
    assertEquals("arn:aws:s3:::ml-models", CloudFormationTemplate.evaluate(statements.get(1).path("Resource"), values));
    assertEquals(List.of("docqa/reader", "docqa/reader/*"),
        list(statements.get(1).path("Condition").path("StringLike").path("s3:prefix")).stream()
            .map(p -> CloudFormationTemplate.evaluate(p, values)).toList());
    assertEquals("s3://ml-models/docqa/reader",
        CloudFormationTemplate.evaluate(env("AskFunction").path("DOCQA_READER_MODEL").path("Fn::If").get(1), values));
  }

  @Test
  void parameterPatternsAcceptWhatDeployPassesAndRejectTheRest() {
    String bucket = template.root().path("Parameters").path("ReaderModelBucket").path("AllowedPattern").asText();
    String prefix = template.root().path("Parameters").path("ReaderModelPrefix").path("AllowedPattern").asText();
    assertAll(
        () -> assertTrue("ml-models".matches(bucket)),
        () -> assertTrue("".matches(bucket), "empty: the model is baked into the image"),
        () -> assertFalse("s3://ml-models".matches(bucket)),
        () -> assertFalse("ML_Models".matches(bucket)),
        () -> assertTrue("docqa/reader".matches(prefix)),
        () -> assertFalse("docqa/reader/".matches(prefix), "a trailing slash"),
        () -> assertFalse("/docqa".matches(prefix), "a leading slash"));
    String image = template.root().path("Parameters").path("ImageUri").path("AllowedPattern").asText();
    // infra/deploy.sh pushes <account>.dkr.ecr.<region>.amazonaws.com/<stack>:<commit>-<UTC timestamp>
    assertTrue("123456789012.dkr.ecr.eu-west-1.amazonaws.com/docqa:0123456789ab-20261122171400".matches(image));
    assertFalse("docker.io/library/docqa:latest".matches(image), "Lambda runs images from ECR only");
  }

  @Test
  void failedIngestionsEndInTheDeadLetterQueue() {
    JsonNode queue = template.properties("IngestQueue");
    JsonNode redrive = queue.path("RedrivePolicy");
    assertEquals(getAtt("IngestDeadLetterQueue", "Arn"), redrive.path("deadLetterTargetArn"));
    assertTrue(redrive.path("maxReceiveCount").asInt() >= 5, "throttled receives count: " + redrive);
    int ingestTimeout = template.properties("IngestFunction").path("Timeout").asInt();
    assertTrue(queue.path("VisibilityTimeout").asInt() >= 6 * ingestTimeout,
        "visibility timeout must be >= 6 x the ingest timeout; visibility=" + queue.path("VisibilityTimeout"));
    assertTrue(template.properties("IngestDeadLetterQueue").path("MessageRetentionPeriod").asInt()
        > queue.path("MessageRetentionPeriod").asInt(), "the DLQ must keep messages longer than the queue");
    assertTrue(queue.path("SqsManagedSseEnabled").asBoolean());
    assertEquals(getAtt("IngestDeadLetterQueue", "QueueName"),
        template.properties("DeadLetterAlarm").path("Dimensions").get(0).path("Value"), "an alarm watches the DLQ");
  }

  @Test
  void ingestRunsAtItsReservedConcurrencyFedInBatchesWithPartialFailures() {
    JsonNode ingest = template.properties("IngestFunction");
    assertEquals(ref("IngestConcurrency"), ingest.path("ReservedConcurrentExecutions"));
    assertEquals("1", parameterDefault("IngestConcurrency"));

    JsonNode mapping = template.properties("IngestEventSource");
    assertAll(
        () -> assertEquals(getAtt("IngestQueue", "Arn"), mapping.path("EventSourceArn")),
        () -> assertEquals(ref("IngestFunction"), mapping.path("FunctionName")),
        () -> assertEquals(List.of("ReportBatchItemFailures"), strings(mapping.path("FunctionResponseTypes"))),
        () -> assertEquals(ref("IngestBatchSize"), mapping.path("BatchSize")),
        () -> assertEquals(ref("IngestBatchWindowSeconds"), mapping.path("MaximumBatchingWindowInSeconds")));
  }

  @Test
  void askRouteRequiresAuthorisationAndTheApiIsThrottled() {
    Map<String, JsonNode> routes = template.resourcesOfType("AWS::ApiGatewayV2::Route");
    assertFalse(routes.isEmpty());
    routes.forEach((id, route) -> assertEquals("AWS_IAM", route.path("Properties").path("AuthorizationType").asText(),
        id + " must require IAM authorisation"));
    assertEquals("POST /ask", template.properties("AskRoute").path("RouteKey").asText());

    JsonNode integration = template.properties("AskIntegration");
    assertEquals(getAtt("AskFunction", "Arn"), integration.path("IntegrationUri"));
    assertEquals("2.0", integration.path("PayloadFormatVersion").asText());

    JsonNode settings = template.properties("ApiStage").path("DefaultRouteSettings");
    assertEquals(ref("ApiRateLimit"), settings.path("ThrottlingRateLimit"));
    assertEquals(ref("ApiBurstLimit"), settings.path("ThrottlingBurstLimit"));
    assertEquals(getAtt("ApiAccessLogGroup", "Arn"),
        template.properties("ApiStage").path("AccessLogSettings").path("DestinationArn"));

    JsonNode permission = template.properties("AskInvokePermission");
    assertEquals("apigateway.amazonaws.com", permission.path("Principal").asText());
    assertTrue(permission.path("SourceArn").path("Fn::Sub").asText().endsWith("${HttpApi}/*/POST/ask"),
        "only the ask route may invoke the function: " + permission.path("SourceArn"));
  }

  @Test
  void thePageRouteServesTheAskFunctionsPageWithTheSameAuthorisation() {
    Map<String, JsonNode> routes = template.resourcesOfType("AWS::ApiGatewayV2::Route");
    assertEquals(Set.of("POST /ask", "GET /"), routes.values().stream()
        .map(route -> route.path("Properties").path("RouteKey").asText()).collect(Collectors.toSet()));
    JsonNode page = template.properties("PageRoute");
    assertEquals("GET /", page.path("RouteKey").asText());
    assertEquals("AWS_IAM", page.path("AuthorizationType").asText());
    assertEquals(template.properties("AskRoute").path("Target"), page.path("Target"),
        "the page comes from the ask function (AskHandler serves GET /)");
    JsonNode permission = template.properties("PageInvokePermission");
    assertEquals(ref("AskFunction"), permission.path("FunctionName"));
    assertEquals("apigateway.amazonaws.com", permission.path("Principal").asText());
    assertTrue(permission.path("SourceArn").path("Fn::Sub").asText().endsWith("${HttpApi}/*/GET/"),
        "only GET / may invoke the function for the page: " + permission.path("SourceArn"));
    assertTrue(template.root().path("Outputs").has("PageUrl"), "the stack says where the page is");
  }

  @Test
  void bothFunctionsRunTheOneImageSizedForLibtorch() {
    for (String id : FUNCTIONS) {
      JsonNode function = template.properties(id);
      assertAll(id,
          () -> assertEquals("Image", function.path("PackageType").asText()),
          () -> assertEquals(ref("ImageUri"), function.path("Code").path("ImageUri")),
          () -> assertEquals(List.of("x86_64"), strings(function.path("Architectures")), "libtorch jar is x86_64"),
          () -> assertEquals(ref("EphemeralStorageMb"), function.path("EphemeralStorage").path("Size")),
          () -> assertTrue(function.path("Timeout").asInt() >= 30, "timeout"),
          () -> assertTrue(function.path("Handler").isMissingNode(), "the image's CMD is the handler"));
    }
    assertEquals(ref("AskMemoryMb"), template.properties("AskFunction").path("MemorySize"));
    assertEquals(ref("IngestMemoryMb"), template.properties("IngestFunction").path("MemorySize"));
    for (String memory : List.of("AskMemoryMb", "IngestMemoryMb")) {
      assertTrue(Integer.parseInt(parameterDefault(memory)) >= 3008, memory + " default too small for libtorch");
      assertTrue(template.root().path("Parameters").path(memory).path("MinValue").asInt() >= 2048, memory);
    }
    assertTrue(Integer.parseInt(parameterDefault("EphemeralStorageMb")) >= 2048);
    assertEquals(900, template.properties("IngestFunction").path("Timeout").asInt());
    assertTrue(template.properties("AskIntegration").path("TimeoutInMillis").asInt() <= 30_000);
  }

  @Test
  void functionsSelectTheirFunqyFunctionAndShareConfiguration() {
    Map<String, JsonNode> ask = CloudFormationTemplate.fields(env("AskFunction"));
    Map<String, JsonNode> ingest = CloudFormationTemplate.fields(env("IngestFunction"));
    assertEquals("ask", ask.get("QUARKUS_FUNQY_EXPORT").asText());
    assertEquals("ingest", ingest.get("QUARKUS_FUNQY_EXPORT").asText());
    ask.remove("QUARKUS_FUNQY_EXPORT");
    ingest.remove("QUARKUS_FUNQY_EXPORT");
    assertEquals(ask, ingest, "ask must read the index and models exactly as ingest wrote them");
    assertTrue(ask.get("DOCQA_STORAGE_LOCATION").path("Fn::Sub").asText().startsWith("s3://${DocumentsBucket}"));
    assertTrue(ask.get("DOCQA_STORAGE_CACHE_DIR").asText().startsWith("/tmp/"), "only /tmp is writable on Lambda");
    // The functions must look for documents and the index where the notifications and permissions point.
    assertEquals("DocumentsPrefix", ask.get("DOCQA_STORAGE_DOCUMENT_PREFIX").path("Ref").asText());
    assertEquals("IndexPrefix", ask.get("DOCQA_STORAGE_INDEX_PREFIX").path("Ref").asText());
    assertFalse(ask.containsKey("JAVA_TOOL_OPTIONS"), "the image's JAVA_TOOL_OPTIONS (ai.djl.offline) must stand");
    // Bounded retries with backoff for S3 faults, as S3Connection.Retries.DEFAULT gives the CLI's client.
    assertEquals("standard", ask.get("AWS_RETRY_MODE").asText());
    assertEquals("4", ask.get("AWS_MAX_ATTEMPTS").asText());
  }

  /** Quarkus maps DOCQA_A_B_C to docqa.a.b-c: every variable must name a field of the settings model. */
  @Test
  void everyDocqaVariableNamesASetting() {
    Set<String> settings = settingKeys();
    Set<String> variables = new TreeSet<>();
    FUNCTIONS.forEach(id -> variables.addAll(CloudFormationTemplate.fields(env(id)).keySet()));
    variables.removeIf(v -> !v.startsWith("DOCQA_"));
    assertFalse(variables.isEmpty());
    for (String variable : variables) {
      assertTrue(settings.contains(variable), variable + " maps to no setting; settings=" + settings);
    }
  }

  /**
   * DOCQA_ environment variable names of every {@link DocqaSettings} field and every setting of the functions'
   * {@link DocqaConfig} mapping (which also has groups the core settings lack, such as {@code functions} and {@code
   * index}), e.g. DOCQA_STORAGE_CACHE_DIR.
   */
  static Set<String> settingKeys() {
    Set<String> keys = new TreeSet<>();
    for (RecordComponent group : DocqaSettings.class.getRecordComponents()) {
      for (RecordComponent field : group.getType().getRecordComponents()) {
        keys.add(variable(group.getName(), field.getName()));
      }
    }
    for (Method group : DocqaConfig.class.getMethods()) {
      if (Modifier.isAbstract(group.getModifiers()) && group.getReturnType().isInterface()) {
        for (Method field : group.getReturnType().getMethods()) {
          if (Modifier.isAbstract(field.getModifiers())) {
            keys.add(variable(group.getName(), field.getName()));
          }
        }
      }
    }
    return keys;
  }

  private static String variable(String group, String field) {
    return ("DOCQA_" + group + "_" + field.replaceAll("([a-z0-9])([A-Z])", "$1_$2")).toUpperCase(Locale.ROOT);
  }

  @Test
  void logsAreKeptForTheConfiguredRetention() {
    Map<String, JsonNode> groups = template.resourcesOfType("AWS::Logs::LogGroup");
    assertEquals(Set.of("AskLogGroup", "IngestLogGroup", "ApiAccessLogGroup"), groups.keySet());
    groups.forEach((id, group) ->
        assertEquals(ref("LogRetentionDays"), group.path("Properties").path("RetentionInDays"), id));
    assertEquals(ref("AskLogGroup"), template.properties("AskFunction").path("LoggingConfig").path("LogGroup"));
    assertEquals(ref("IngestLogGroup"), template.properties("IngestFunction").path("LoggingConfig").path("LogGroup"));
  }

  @Test
  void noAllowStatementUsesWildcardActionsOrResources() {
    List<Statement> statements = template.identityStatements();
    assertFalse(statements.isEmpty());
    for (Statement s : statements) {
      assertEquals("Allow", s.effect(), s.role() + ": " + s.node());
      for (String action : s.actions()) {
        assertFalse(action.contains("*"), s.role() + " allows a wildcard action " + action);
      }
      for (JsonNode resource : s.resources()) {
        String described = describe(resource);
        assertFalse(described.equals("*") || described.endsWith(":::*") || described.endsWith(".Arn}/*"),
            s.role() + " allows every resource or every object of a bucket: " + resource);
        // The one '/*' after an ARN: the paths of the OpenSearch domain the stack was given, and only its HTTP verbs.
        if (described.endsWith("Arn}/*")) {
          assertEquals("${OpenSearchDomainArn}/*", described, s.role() + ": " + resource);
          assertTrue(s.actions().stream().allMatch(a -> a.startsWith("es:ESHttp")), s.role() + ": " + s.node());
        }
      }
    }
    assertTrue(template.properties("AskRole").path("ManagedPolicyArns").isMissingNode(), "no managed policies");
    assertTrue(template.properties("IngestRole").path("ManagedPolicyArns").isMissingNode(), "no managed policies");
  }

  @Test
  void askMayOnlyReadTheIndexAndTheModel() {
    Map<String, Set<String>> grants = grants(template.resolve(MODEL), "AskRole");
    assertEquals(Map.of(
        "logs:CreateLogStream", Set.of("GetAtt AskLogGroup.Arn"),
        "logs:PutLogEvents", Set.of("GetAtt AskLogGroup.Arn"),
        "s3:GetObject", Set.of("${DocumentsBucket.Arn}/${IndexPrefix}*", MODEL_OBJECTS),
        "s3:ListBucket", Set.of("GetAtt DocumentsBucket.Arn", MODEL_BUCKET)), grants);
  }

  @Test
  void ingestMayReadDocumentsAndWriteOnlyTheIndex() {
    Map<String, Set<String>> grants = grants(template.resolve(MODEL), "IngestRole");
    assertAll(
        () -> assertEquals(Set.of("${DocumentsBucket.Arn}/${DocumentsPrefix}*", "${DocumentsBucket.Arn}/${IndexPrefix}*",
            MODEL_OBJECTS), grants.get("s3:GetObject")),
        () -> assertEquals(Set.of("${DocumentsBucket.Arn}/${DocumentsPrefix}*"), grants.get("s3:GetObjectVersion")),
        () -> assertEquals(Set.of("${DocumentsBucket.Arn}/${IndexPrefix}*"), grants.get("s3:PutObject")),
        () -> assertEquals(Set.of("${DocumentsBucket.Arn}/${IndexPrefix}*"), grants.get("s3:DeleteObject")),
        () -> assertEquals(Set.of("GetAtt IngestQueue.Arn"), grants.get("sqs:ReceiveMessage")),
        () -> assertEquals(Set.of("GetAtt IngestQueue.Arn"), grants.get("sqs:DeleteMessage")),
        () -> assertEquals(Set.of("GetAtt IngestLogGroup.Arn"), grants.get("logs:PutLogEvents")));
    Set<String> writes = grants.keySet().stream()
        .filter(a -> a.startsWith("s3:Put") || a.startsWith("s3:Delete")).collect(Collectors.toSet());
    assertEquals(Set.of("s3:PutObject", "s3:DeleteObject"), writes);
  }

  @Test
  void modelReadIsGrantedOnlyForAnS3ModelAndOnlyForReading() {
    JsonNode policy = template.resource("ReaderModelReadPolicy");
    assertEquals("ModelInS3", policy.path("Condition").asText());
    for (Statement s : template.identityStatements()) {
      if (s.node().path("Sid").asText().contains("ReaderModel")) {
        assertTrue(List.of("s3:GetObject", "s3:ListBucket").containsAll(s.actions()), s.node().toString());
      }
    }
    JsonNode modelEnv = env("AskFunction").path("DOCQA_READER_MODEL").path("Fn::If");
    assertEquals("ModelInS3", modelEnv.get(0).asText());
    assertEquals(ref("AWS::NoValue"), modelEnv.get(2), "a baked-in model keeps the image's DOCQA_READER_MODEL");
  }

  // ---------------------------------------------------------------- index backends: embedded, serverless, domain

  @Test
  void indexBackendIsAChoiceOfThreeAndEmbeddedByDefault() {
    JsonNode backend = template.root().path("Parameters").path("IndexBackend");
    assertEquals("embedded", backend.path("Default").asText());
    assertEquals(List.of("embedded", "serverless", "domain"), strings(backend.path("AllowedValues")));
    assertEquals("docqa-passages", parameterDefault("OpenSearchIndexName"));
    assertEquals("", parameterDefault("OpenSearchDomainEndpoint"));
    assertEquals("", parameterDefault("OpenSearchDomainArn"));
  }

  /** Embedded (with and without an S3 model): exactly today's resources, roles and variables; nothing of OpenSearch. */
  @Test
  void embeddedIndexAddsNoOpenSearchResourcesPermissionsOrVariables() {
    for (Map<String, String> parameters : List.of(Map.<String, String>of(), MODEL)) {
      CloudFormationTemplate shape = template.resolve(parameters);
      Set<String> expected = new TreeSet<>();
      template.resources().forEach((id, resource) -> {
        String condition = resource.path("Condition").asText("");
        if (condition.isEmpty() || condition.equals("ModelInS3") && parameters.containsKey("ReaderModelBucket")) {
          expected.add(id);
        }
      });
      assertEquals(expected, new TreeSet<>(shape.resources().keySet()), "resources for " + parameters);
      shape.resources().forEach((id, resource) -> assertFalse(
          resource.path("Type").asText().startsWith("AWS::OpenSearch"), id));
      for (Statement s : shape.identityStatements()) {
        s.actions().forEach(action -> assertFalse(action.startsWith("aoss:") || action.startsWith("es:"),
            s.role() + " allows " + action + " with the embedded index"));
      }
      // The roles are untouched by the index conditions, and the functions see no DOCQA_INDEX_ variable.
      assertEquals(template.properties("AskRole"), shape.properties("AskRole"));
      assertEquals(template.properties("IngestRole"), shape.properties("IngestRole"));
      for (String function : FUNCTIONS) {
        Set<String> variables = CloudFormationTemplate.fields(env(shape, function)).keySet();
        assertTrue(variables.stream().noneMatch(v -> v.startsWith("DOCQA_INDEX_")), function + ": " + variables);
        assertTrue(variables.contains("DOCQA_STORAGE_INDEX_PREFIX"), function + ": " + variables);
      }
      assertEquals(Set.of("ApiUrl", "PageUrl", "BucketName", "DocumentsUri", "AskFunctionName",
          "IngestDeadLetterQueueUrl"), CloudFormationTemplate.fields(shape.root().path("Outputs")).keySet());
    }
  }

  @Test
  void serverlessIndexIsOneVectorCollectionWithItsThreePolicies() {
    CloudFormationTemplate shape = template.resolve(SERVERLESS);
    assertEquals(Set.of("IndexCollection"), shape.resourcesOfType("AWS::OpenSearchServerless::Collection").keySet());
    assertEquals(Set.of("IndexEncryptionPolicy", "IndexNetworkPolicy"),
        shape.resourcesOfType("AWS::OpenSearchServerless::SecurityPolicy").keySet());
    assertEquals(Set.of("IndexAccessPolicy"), shape.resourcesOfType("AWS::OpenSearchServerless::AccessPolicy").keySet());
    assertEquals(Set.of("IndexCollection", "IndexEncryptionPolicy", "IndexNetworkPolicy", "IndexAccessPolicy"),
        shape.resources().keySet().stream().filter(id -> shape.resource(id).path("Type").asText()
            .startsWith("AWS::OpenSearch")).collect(Collectors.toSet()), "no other OpenSearch resources");
    JsonNode collection = shape.properties("IndexCollection");
    assertEquals("VECTORSEARCH", collection.path("Type").asText());
    assertTrue(strings(shape.resource("IndexCollection").path("DependsOn")).contains("IndexEncryptionPolicy"),
        "a collection is created only once a matching encryption policy exists");

    // One name for the collection and its policies, from the stack id: valid for a collection and a policy.
    String name = evaluateIn(SERVERLESS, collection.path("Name"), Map.of());
    assertEquals("docqa-51af3dc0-da77", name);
    assertTrue(name.matches("[a-z][a-z0-9-]{2,31}"), "invalid collection name " + name);
    for (String policy : List.of("IndexEncryptionPolicy", "IndexNetworkPolicy", "IndexAccessPolicy")) {
      assertEquals(name, evaluateIn(SERVERLESS, shape.properties(policy).path("Name"), Map.of()), policy);
    }

    JsonNode encryption = shape.properties("IndexEncryptionPolicy");
    assertEquals("encryption", encryption.path("Type").asText());
    JsonNode encryptionRules = json(evaluateIn(SERVERLESS, encryption.path("Policy"), Map.of()));
    assertTrue(encryptionRules.path("AWSOwnedKey").asBoolean(false), encryptionRules.toString());
    assertTrue(encryptionRules.path("KmsARN").isMissingNode(), encryptionRules.toString());
    assertEquals(json("[{\"ResourceType\":\"collection\",\"Resource\":[\"collection/" + name + "\"]}]"),
        encryptionRules.path("Rules"));

    // Public endpoints (the functions run outside any VPC); SigV4 and the data access policy still gate every call.
    JsonNode network = shape.properties("IndexNetworkPolicy");
    assertEquals("network", network.path("Type").asText());
    JsonNode networkRules = json(evaluateIn(SERVERLESS, network.path("Policy"), Map.of()));
    assertEquals(1, networkRules.size(), networkRules.toString());
    assertTrue(networkRules.get(0).path("AllowFromPublic").asBoolean(false), networkRules.toString());
    for (JsonNode rule : networkRules.get(0).path("Rules")) {
      assertEquals(List.of("collection/" + name), strings(rule.path("Resource")), rule.toString());
    }
    assertEquals(Set.of("collection", "dashboard"), list(networkRules.get(0).path("Rules")).stream()
        .map(r -> r.path("ResourceType").asText()).collect(Collectors.toSet()));
  }

  /** The data access policy admits exactly the two function roles, each on the one index, with the least it needs. */
  @Test
  void serverlessDataAccessPolicyGrantsOnlyTheTwoRolesTheirLeastPrivilege() {
    CloudFormationTemplate shape = template.resolve(SERVERLESS);
    JsonNode access = shape.properties("IndexAccessPolicy");
    assertEquals("data", access.path("Type").asText());
    Map<String, String> roles = Map.of("AskRole.Arn", "arn:aws:iam::123456789012:role/docqa-AskRole-1",
        "IngestRole.Arn", "arn:aws:iam::123456789012:role/docqa-IngestRole-2", "OpenSearchIndexName", "passages-v2");
    JsonNode policy = json(evaluateIn(SERVERLESS, access.path("Policy"), roles));
    String index = "index/docqa-51af3dc0-da77/passages-v2";

    Map<String, Set<String>> permissions = new HashMap<>();
    for (JsonNode element : policy) {
      List<String> principals = strings(element.path("Principal"));
      assertEquals(1, principals.size(), "one role per element: " + element);
      for (JsonNode rule : element.path("Rules")) {
        assertEquals("index", rule.path("ResourceType").asText(), "no collection-level permissions: " + rule);
        assertEquals(List.of(index), strings(rule.path("Resource")), "the one index only: " + rule);
        for (String permission : strings(rule.path("Permission"))) {
          assertFalse(permission.contains("*"), "wildcard permission " + permission);
          permissions.computeIfAbsent(principals.get(0), p -> new TreeSet<>()).add(permission);
        }
      }
    }
    assertEquals(Map.of(
        roles.get("AskRole.Arn"), Set.of("aoss:ReadDocument", "aoss:DescribeIndex"),
        roles.get("IngestRole.Arn"), Set.of("aoss:ReadDocument", "aoss:WriteDocument", "aoss:CreateIndex",
            "aoss:DescribeIndex")), permissions);
  }

  @Test
  void serverlessRolesMayCallTheCollectionAndNothingElseOfOpenSearch() {
    CloudFormationTemplate shape = template.resolve(SERVERLESS);
    for (String role : List.of("AskRole", "IngestRole")) {
      Map<String, Set<String>> grants = grants(shape, role);
      Map<String, Set<String>> openSearch = new HashMap<>(grants);
      openSearch.keySet().removeIf(action -> !action.startsWith("aoss:") && !action.startsWith("es:"));
      assertEquals(Map.of("aoss:APIAccessAll", Set.of("GetAtt IndexCollection.Arn")), openSearch, role);
      // The S3 grants of the embedded shape are kept (the bucket still holds the documents).
      grants.keySet().removeAll(openSearch.keySet());
      assertEquals(grants(template.resolve(MODEL), role), grants, role);
    }
  }

  @Test
  void serverlessFunctionsReadTheCollectionHostWithFaiss() {
    CloudFormationTemplate shape = template.resolve(SERVERLESS);
    Map<String, String> endpoint = Map.of("IndexCollection.CollectionEndpoint",
        "https://07tjusf2h91cunochc.eu-west-1.aoss.amazonaws.com");
    for (String function : FUNCTIONS) {
      JsonNode env = env(shape, function);
      assertEquals("opensearch+https://07tjusf2h91cunochc.eu-west-1.aoss.amazonaws.com/docqa-passages",
          evaluateIn(SERVERLESS, env.path("DOCQA_INDEX_LOCATION"), endpoint), function);
      assertEquals("faiss", env.path("DOCQA_INDEX_KNN_ENGINE").asText(), function);
    }
    JsonNode outputs = shape.root().path("Outputs");
    assertEquals(getAtt("IndexCollection", "CollectionEndpoint"), outputs.path("IndexCollectionEndpoint").path("Value"));
    assertEquals(getAtt("IndexCollection", "DashboardEndpoint"), outputs.path("IndexDashboardUrl").path("Value"));
    assertEquals(env(shape, "AskFunction").path("DOCQA_INDEX_LOCATION"), outputs.path("IndexLocation").path("Value"));
    assertFalse(outputs.has("AskRoleArn") || outputs.has("IngestRoleArn"), "the stack's own policy names the roles");
  }

  @Test
  void domainIndexUsesTheGivenDomainWithoutACollection() {
    CloudFormationTemplate shape = template.resolve(DOMAIN);
    shape.resources().forEach((id, resource) -> assertFalse(
        resource.path("Type").asText().startsWith("AWS::OpenSearchServerless::"), id));
    for (String function : FUNCTIONS) {
      JsonNode env = env(shape, function);
      assertEquals("opensearch+https://" + DOMAIN_HOST + "/docqa-passages",
          evaluateIn(DOMAIN, env.path("DOCQA_INDEX_LOCATION"), Map.of()), function);
      assertEquals("lucene", env.path("DOCQA_INDEX_KNN_ENGINE").asText(), function);
    }
    JsonNode outputs = shape.root().path("Outputs");
    assertEquals(env(shape, "AskFunction").path("DOCQA_INDEX_LOCATION"), outputs.path("IndexLocation").path("Value"));
    assertEquals(getAtt("AskRole", "Arn"), outputs.path("AskRoleArn").path("Value"), "for the domain's access policy");
    assertEquals(getAtt("IngestRole", "Arn"), outputs.path("IngestRoleArn").path("Value"));
    assertFalse(outputs.has("IndexCollectionEndpoint") || outputs.has("IndexDashboardUrl"), outputs.toString());
  }

  @Test
  void domainRolesMayUseOnlyTheDomainsPathsAndAskCannotWrite() {
    CloudFormationTemplate shape = template.resolve(DOMAIN);
    Map<String, Set<String>> ask = openSearchGrants(shape, "AskRole");
    Map<String, Set<String>> ingest = openSearchGrants(shape, "IngestRole");
    Set<String> paths = Set.of("${OpenSearchDomainArn}/*");
    assertEquals(Map.of("es:ESHttpGet", paths, "es:ESHttpHead", paths, "es:ESHttpPost", paths), ask);
    assertEquals(Map.of("es:ESHttpGet", paths, "es:ESHttpHead", paths, "es:ESHttpPost", paths,
        "es:ESHttpPut", paths, "es:ESHttpDelete", paths), ingest);
    for (Statement s : shape.identityStatements()) {
      if (s.actions().stream().anyMatch(a -> a.startsWith("es:"))) {
        for (JsonNode resource : s.resources()) {
          assertEquals(DOMAIN_ARN + "/*", evaluateIn(DOMAIN, resource, Map.of()), s.node().toString());
        }
      }
    }
  }

  /** CloudFormation refuses a domain deployment that does not name the domain, before anything is created. */
  @Test
  void aDomainDeploymentMustNameItsDomain() {
    JsonNode rule = template.root().path("Rules").path("DomainBackendNamesTheDomain");
    assertEquals(json("{\"Fn::Equals\":[{\"Ref\":\"IndexBackend\"},\"domain\"]}"), rule.path("RuleCondition"));
    Set<String> asserted = new TreeSet<>();
    for (JsonNode assertion : rule.path("Assertions")) {
      JsonNode equals = assertion.path("Assert").path("Fn::Not").get(0).path("Fn::Equals");
      assertEquals("", equals.get(1).asText(), assertion.toString());
      asserted.add(equals.get(0).path("Ref").asText());
    }
    assertEquals(Set.of("OpenSearchDomainArn", "OpenSearchDomainEndpoint"), asserted);
  }

  @Test
  void indexAndDomainParameterPatternsFollowOpenSearchsRules() {
    String index = parameter("OpenSearchIndexName", "AllowedPattern");
    for (String good : List.of("docqa-passages", "passages", "docqa_passages.v2", "2026-docs", "a".repeat(255))) {
      assertTrue(good.matches(index), good);
    }
    for (String bad : List.of("", "Docqa", "docqa-Passages", "_docqa", "-docqa", "+docqa", ".", "..", ".hidden",
        "doc qa", "doc,qa", "doc#qa", "doc*qa", "doc?qa", "doc\"qa", "doc<qa", "doc>qa", "doc|qa", "doc/qa",
        "doc\\qa", "doc:qa", "a".repeat(256))) {
      assertFalse(bad.matches(index), "index name accepted: " + bad);
    }
    String host = parameter("OpenSearchDomainEndpoint", "AllowedPattern");
    assertTrue(DOMAIN_HOST.matches(host));
    assertTrue("".matches(host), "empty: no domain");
    assertFalse(("https://" + DOMAIN_HOST).matches(host), "a host, not a URL");
    assertFalse((DOMAIN_HOST + "/").matches(host));
    assertFalse("07tjusf2h91cunochc.eu-west-1.aoss.amazonaws.com".matches(host), "a Serverless collection");
    assertFalse("search.example.com".matches(host), "the functions sign for es only on *.es.amazonaws.com");
    String arn = parameter("OpenSearchDomainArn", "AllowedPattern");
    assertTrue(DOMAIN_ARN.matches(arn));
    assertTrue("".matches(arn));
    assertFalse((DOMAIN_ARN + "/*").matches(arn), "the template adds the paths");
    assertFalse("arn:aws:aoss:eu-west-1:123456789012:collection/abc".matches(arn));
  }

  private static Map<String, Set<String>> openSearchGrants(CloudFormationTemplate shape, String role) {
    Map<String, Set<String>> grants = grants(shape, role);
    grants.keySet().removeIf(action -> !action.startsWith("aoss:") && !action.startsWith("es:"));
    return grants;
  }

  @Test
  void outputsAndParametersUsersNeed() {
    Set<String> outputs = CloudFormationTemplate.fields(template.root().path("Outputs")).keySet();
    assertTrue(outputs.containsAll(Set.of("ApiUrl", "BucketName")), "outputs=" + outputs);
    assertTrue(template.root().path("Outputs").path("ApiUrl").path("Value").path("Fn::Sub").asText()
        .startsWith("https://${HttpApi}.execute-api."));
    Set<String> parameters = CloudFormationTemplate.fields(template.root().path("Parameters")).keySet();
    assertTrue(parameters.containsAll(Set.of("ImageUri", "ReaderModelBucket", "ReaderModelPrefix", "AskMemoryMb", "IngestMemoryMb",
        "IngestConcurrency", "AskReservedConcurrency")), "parameters=" + parameters);
    assertEquals("", template.root().path("Parameters").path("ReaderModelBucket").path("Default").asText("missing"),
        "by default the functions use the reader inside the image (docqa's trained one)");
  }

  private JsonNode env(String function) {
    return env(template, function);
  }

  private static JsonNode env(CloudFormationTemplate shape, String function) {
    return shape.properties(function).path("Environment").path("Variables");
  }

  private String parameter(String name, String attribute) {
    return template.root().path("Parameters").path(name).path(attribute).asText();
  }

  /** The value of {@code node} in {@code shape} deployed by {@link #STACK_ID}, with the shape's own parameters. */
  private static String evaluateIn(Map<String, String> shape, JsonNode node, Map<String, String> more) {
    Map<String, String> values = new HashMap<>(Map.of("AWS::StackId", STACK_ID, "AWS::Partition", "aws",
        "OpenSearchIndexName", "docqa-passages"));
    values.putAll(shape);
    values.putAll(more);
    return CloudFormationTemplate.evaluate(node, values);
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  private String parameterDefault(String name) {
    JsonNode value = template.root().path("Parameters").path(name).path("Default");
    if (value.isMissingNode()) {
      throw new AssertionError("parameter " + name + " has no default");
    }
    return value.asText();
  }

  /** Action -> resources (Fn::Sub text or "GetAtt Id.Attr") that {@code role} is allowed in {@code shape}. */
  private static Map<String, Set<String>> grants(CloudFormationTemplate shape, String role) {
    Map<String, Set<String>> grants = new HashMap<>();
    for (Statement s : shape.identityStatements(role)) {
      for (String action : s.actions()) {
        for (JsonNode resource : s.resources()) {
          grants.computeIfAbsent(action, a -> new TreeSet<>()).add(describe(resource));
        }
      }
    }
    return grants;
  }

  private static String describe(JsonNode resource) {
    if (resource.has("Fn::GetAtt")) {
      JsonNode att = resource.path("Fn::GetAtt");
      return "GetAtt " + att.get(0).asText() + "." + att.get(1).asText();
    }
    if (resource.has("Fn::Sub")) {
      JsonNode sub = resource.path("Fn::Sub");
      return sub.isArray() ? sub.get(0).asText() : sub.asText();
    }
    return resource.toString();
  }
}
