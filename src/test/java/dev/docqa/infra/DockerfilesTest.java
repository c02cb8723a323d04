package dev.docqa.infra;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.LibUtils;
import dev.docqa.infra.Dockerfile.Copy;
import dev.docqa.infra.Dockerfile.Stage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the images' Dockerfiles against the app, the pom and the template; needs no build (see DockerBuildContextIT). */
class DockerfilesTest {

  static final Path LAMBDA = Path.of("infra/docker/Dockerfile.lambda");
  static final Path GPU = Path.of("infra/docker/Dockerfile.gpu");
  static final Path LAMBDA_MODEL = Path.of("infra/docker/Dockerfile.lambda-model");
  static final List<String> FUNQY_HANDLER = List.of("io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest");

  private final Stage lambda = Dockerfile.parse(LAMBDA).finalStage();
  private final Stage gpu = Dockerfile.parse(GPU).finalStage();

  @Test
  void lambdaImageIsTheJava21BaseRunningTheFunqyHandler() {
    assertEquals("public.ecr.aws/lambda/java:21", lambda.baseImage());
    assertEquals(FUNQY_HANDLER, lambda.cmd());
    assertTrue(lambda.entrypoint().isEmpty(), "the base image's entrypoint runs the handler");
  }

  @ParameterizedTest
  @ValueSource(strings = {"infra/docker/Dockerfile.lambda", "infra/docker/Dockerfile.gpu"})
  void imagesLoadPreExtractedLibtorchOfThePinnedVersionOffline(String file) {
    Stage stage = Dockerfile.parse(Path.of(file)).finalStage();
    Map<String, String> env = stage.env();
    assertAll(file,
        () -> assertEquals(pomProperty("pytorch.native.version"), env.get("PYTORCH_VERSION")),
        () -> assertEquals(copyDestination(stage, "/opt/libtorch/"), env.get("PYTORCH_LIBRARY_PATH") + "/"),
        () -> assertTrue(env.get("DJL_CACHE_DIR").startsWith("/tmp/"), "only /tmp is writable on Lambda"),
        () -> assertTrue(env.get("DOCQA_STORAGE_CACHE_DIR").startsWith("/tmp/"), "only /tmp is writable on Lambda"),
        () -> assertTrue(env.get("JAVA_TOOL_OPTIONS").contains("-Dai.djl.offline=true"), "DJL must never download"),
        () -> assertTrue(env.get("JAVA_TOOL_OPTIONS").contains("-Djava.io.tmpdir=/tmp"), "ONNX Runtime unpacks there"));
  }

  @Test
  void lambdaImageUsesTheCpuBuildUnpackedByPackage() {
    assertEquals("cpu", lambda.env().get("PYTORCH_FLAVOR"));
    Copy libtorch = lambda.copies().stream().filter(c -> c.destination().equals("/opt/libtorch/")).findFirst()
        .orElseThrow();
    assertEquals(List.of("target/docker/libtorch/"), libtorch.sources());
  }

  /** The CUDA flavour must have a JNI library in the pinned pytorch-jni jar, and match the CUDA base image. */
  @Test
  void gpuImageMatchesCudaFlavourJniAndBaseImage() {
    String flavor = gpu.env().get("PYTORCH_FLAVOR");
    Matcher cuda = Pattern.compile("cu(\\d+)(\\d)").matcher(flavor);
    assertTrue(cuda.matches(), "PYTORCH_FLAVOR must be a CUDA flavour; flavor=" + flavor);
    assertNotNull(LibUtils.class.getResource("/jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"),
        "pytorch-jni has no JNI library for " + flavor);
    assertTrue(gpu.baseImage().startsWith("nvidia/cuda:" + cuda.group(1) + "." + cuda.group(2) + "."),
        "CUDA base image must match " + flavor + "; base=" + gpu.baseImage());
    assertEquals(List.of("com.amazonaws.services.lambda.runtime.api.client.AWSLambda"),
        gpu.entrypoint().subList(gpu.entrypoint().size() - 1, gpu.entrypoint().size()));
    assertEquals("/usr/local/bin/aws-lambda-rie", gpu.entrypoint().get(0));
  }

  /** Same handler and configuration on GPU hosts as on Lambda, only the libtorch flavour differs. */
  @Test
  void gpuImageRunsTheSameApplicationAndConfiguration() {
    assertEquals(FUNQY_HANDLER, gpu.cmd());
    Map<String, String> lambdaEnv = new HashMap<>(lambda.env());
    Map<String, String> gpuEnv = new HashMap<>(gpu.env());
    lambdaEnv.remove("PYTORCH_FLAVOR");
    gpuEnv.remove("PYTORCH_FLAVOR");
    assertEquals(lambdaEnv, gpuEnv);
  }

  @Test
  void bakedModelImageTellsTheAppWhereTheModelIs() {
    Stage baked = Dockerfile.parse(LAMBDA_MODEL).finalStage();
    assertEquals("${BASE_IMAGE}", baked.baseImage());
    assertEquals(List.of(new Copy(List.of("."), baked.env().get("DOCQA_READER_MODEL") + "/", Optional.empty())),
        baked.copies());
  }

  @Test
  void everyDocqaVariableOfTheImagesNamesASetting() {
    for (Path file : List.of(LAMBDA, GPU, LAMBDA_MODEL)) {
      Dockerfile.parse(file).finalStage().env().keySet().stream().filter(k -> k.startsWith("DOCQA_")).forEach(k ->
          assertTrue(TemplateTest.settingKeys().contains(k), file + ": " + k + " maps to no setting"));
    }
  }

  /** What the functions run with is the image's ENV overlaid by the template's: together they set everything. */
  @Test
  void imageAndTemplateTogetherSetEverythingTheAppReads() {
    CloudFormationTemplate template = CloudFormationTemplate.load(TemplateTest.TEMPLATE);
    for (String function : List.of("AskFunction", "IngestFunction")) {
      Set<String> set = new TreeSet<>(lambda.env().keySet());
      set.addAll(CloudFormationTemplate.fields(
          template.properties(function).path("Environment").path("Variables")).keySet());
      assertTrue(set.containsAll(Set.of("QUARKUS_FUNQY_EXPORT", "DOCQA_STORAGE_LOCATION", "DOCQA_STORAGE_CACHE_DIR",
          "DOCQA_READER_MODEL", "DOCQA_EMBEDDER_MODEL", "DJL_CACHE_DIR", "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION",
          "PYTORCH_FLAVOR", "JAVA_TOOL_OPTIONS")), function + " runs with only " + set);
    }
  }

  @Test
  void imageAndTemplateAgreeOnTheCacheDirectory() {
    CloudFormationTemplate template = CloudFormationTemplate.load(TemplateTest.TEMPLATE);
    assertEquals(lambda.env().get("DOCQA_STORAGE_CACHE_DIR"), template.properties("AskFunction")
        .path("Environment").path("Variables").path("DOCQA_STORAGE_CACHE_DIR").asText());
  }

  private static String copyDestination(Stage stage, String destination) {
    return stage.copies().stream().map(Copy::destination).filter(destination::equals).findFirst()
        .orElseThrow(() -> new AssertionError("no COPY to " + destination + "; copies=" + stage.copies()));
  }

  static String pomProperty(String name) {
    try {
      var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
      var nodes = pom.getElementsByTagName(name);
      if (nodes.getLength() != 1) {
        throw new AssertionError("pom.xml defines " + name + " " + nodes.getLength() + " times");
      }
      return nodes.item(0).getTextContent().trim();
    } catch (Exception e) {
      throw new AssertionError("cannot read pom.xml property " + name, e);
    }
  }
}
