package dev.docqa.training;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The run's PNG, written beside the model: the smoothed training loss by step, and dev F1 and EM by epoch. */
final class TrainingPlot {

  private TrainingPlot() {}

  static void write(Path file, TrainingState state) throws IOException {
    System.setProperty("java.awt.headless", "true"); // a command-line tool: never open a display
    XYChart loss = new XYChartBuilder().width(640).height(420).title("Training loss (smoothed)")
        .xAxisTitle("step").yAxisTitle("span loss").build();
    List<Double> steps = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (TrainingState.LossPoint point : state.loss()) {
      steps.add((double) point.step());
      values.add(point.loss());
    }
    if (steps.isEmpty()) {
      steps.add(0.0);
      values.add(Double.NaN);
    }
    loss.addSeries("loss", steps, values).setMarker(SeriesMarkers.NONE);
    loss.getStyler().setXAxisDecimalPattern("#"); // whole steps
    XYChart dev = new XYChartBuilder().width(640).height(420).title("Dev set, gold paragraph")
        .xAxisTitle("epoch").yAxisTitle("%").build();
    List<Double> epochs = new ArrayList<>();
    List<Double> f1 = new ArrayList<>();
    List<Double> exact = new ArrayList<>();
    for (TrainingState.DevPoint point : state.dev()) {
      epochs.add((double) point.epoch());
      f1.add(point.f1());
      exact.add(point.exact());
    }
    if (epochs.isEmpty()) {
      epochs.add(0.0);
      f1.add(Double.NaN);
      exact.add(Double.NaN);
    }
    // Percentages on a fixed 0-100 scale, so runs compare at a glance; whole epochs.
    dev.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setYAxisDecimalPattern("#").setXAxisDecimalPattern("#");
    dev.addSeries("F1", epochs, f1);
    dev.addSeries("EM", epochs, exact);
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(List.of(loss, dev), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
