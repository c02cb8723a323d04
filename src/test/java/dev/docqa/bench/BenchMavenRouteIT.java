package dev.docqa.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docqa bench} through the documented Maven route ({@code mvnw exec:java -Dexec.args="bench ..."}), whole: its
 * cold-start step starts child JVMs with the class path of Maven's class loader, not the launcher's. On the
 * classes this build compiled.
 */
class BenchMavenRouteIT {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @TempDir Path temp;

  @Test
  void quickBenchRunsWholeThroughExecJava() throws Exception {
    Path plot = temp.resolve("through-maven.png");
    Path stdout = temp.resolve("out.json");
    Path stderr = temp.resolve("err.txt");
    List<String> command = List.of(Path.of("src/bin/mvnw-jdk21").toAbsolutePath().toString(), "-B", "-q",
        "exec:java", "-Dexec.args=bench --json --quick --out " + plot);
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
        .start();
    assertTrue(process.waitFor(15, TimeUnit.MINUTES), "bench through Maven took over 15 minutes");
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), err);

    List<String> jsonLines = Files.readAllLines(stdout, StandardCharsets.UTF_8).stream()
        .filter(line -> line.startsWith("{")).toList();
    assertEquals(1, jsonLines.size(), Files.readString(stdout));
    JsonNode json = new ObjectMapper().readTree(jsonLines.getFirst());
    assertTrue(json.path("cold_start_ms").asDouble() > 0, "the cold-start step ran: " + json.path("cold_start"));
    assertEquals(plot.toAbsolutePath().toString(), json.path("plot").asText());
    assertArrayEquals(PNG_MAGIC, Arrays.copyOf(Files.readAllBytes(plot), 4));
    assertTrue(!err.contains("Could not find or load main class"), err);
  }
}
