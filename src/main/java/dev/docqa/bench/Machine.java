package dev.docqa.bench;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the figures come from: cores, load, Java and engine versions, and this process's peak memory. */
final class Machine {

  private static final Path STATUS = Path.of("/proc/self/status");

  private Machine() {}

  static void describe(ObjectNode json) {
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("load_average", Samples.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    json.put("java", Runtime.version().toString());
    json.put("djl", Engine.getDjlVersion());
    json.put("pytorch", Engine.getEngine("PyTorch").getVersion());
    json.put("onnxruntime", Engine.getEngine("OnnxRuntime").getVersion());
    // Without this module Lucene scores vectors with scalar code (it says so in a log line at start).
    json.put("lucene_vector_incubator", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
  }

  /** Peak resident set size in MB ({@code VmHWM}), or -1 where /proc is absent (not Linux). */
  static double peakRssMb() {
    if (!Files.isReadable(STATUS)) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmHWM:")) {
          return Samples.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + STATUS, e);
    }
  }
}
