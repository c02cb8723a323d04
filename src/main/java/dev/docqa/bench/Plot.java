package dev.docqa.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The benchmark's PNG: ask latency against top-k beside reader throughput against batch size. */
final class Plot {

  private Plot() {}

  static void write(Path file, Map<Integer, Double> askP50ByTopK, Map<Integer, Double> tokensPerSecondByBatch,
      String readerName) {
    System.setProperty("java.awt.headless", "true"); // a command-line tool: never open a display
    XYChart ask = chart("Ask latency (p50) vs top-k", "top-k (passages read)", "p50 ms", askP50ByTopK,
        "ask, " + readerName);
    XYChart reader = chart("Reader throughput vs batch size", "max windows per forward pass", "tokens/s",
        tokensPerSecondByBatch, "reader, " + readerName);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (OutputStream out = Files.newOutputStream(file)) {
        BitmapEncoder.saveBitmap(List.of(ask, reader), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plot to " + file, e);
    }
  }

  private static XYChart chart(String title, String x, String y, Map<Integer, Double> points, String series) {
    XYChart chart = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setLegendVisible(true);
    double[] xs = points.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
    double[] ys = points.values().stream().mapToDouble(Double::doubleValue).toArray();
    chart.addSeries(series, xs, ys);
    return chart;
  }
}
