package dev.sparkconv.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a run did: counts that always add up (in = ok + quarantined + skipped), the model's
 * fingerprint, how fast it went and where the network spent its time (share per layer). Printed for people, written as JSON for schedulers.
 */
public record RunSummary(String command, long in, long ok, long quarantined, long skipped, double seconds,
    String output, String quarantine, String model, java.util.Map<String, Double> layerTimeShares,
    long outputRows) {
  /** A run that writes one output row per row in (outputRows = ok). */
  public RunSummary(String command, long in, long ok, long quarantined, long skipped, double seconds, String output,
      String quarantine, String model, java.util.Map<String, Double> layerTimeShares) {
    this(command, in, ok, quarantined, skipped, seconds, output, quarantine, model, layerTimeShares, ok);
  }

  public RunSummary {
    layerTimeShares = layerTimeShares == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(layerTimeShares));
  }

  @com.fasterxml.jackson.annotation.JsonProperty("rowsPerSecond")
  public double rowsPerSecond() {
    return seconds > 0 ? ok / seconds : 0;
  }

  /** Quarantined rows as a share of the rows in (0 when nothing came in). */
  @com.fasterxml.jackson.annotation.JsonProperty("failureRatio")
  public double failureRatio() {
    return in > 0 ? (double) quarantined / in : 0;
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
  }

  @Override
  public String toString() {
    String samples = outputRows == ok ? "" : String.format(Locale.ROOT, ", %d samples out", outputRows); // clips
    String text = String.format(Locale.ROOT,
        "%s: %d rows in, %d ok, %d quarantined, %d skipped in %.2f s (%.1f rows/s)%s%n  output:     %s%n  quarantine: %s",
        command, in, ok, quarantined, skipped, seconds, rowsPerSecond(), samples, output, quarantine);
    if (!layerTimeShares.isEmpty()) {
      text += layerTimeShares.entrySet().stream().limit(5)
          .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100 * e.getValue()))
          .collect(java.util.stream.Collectors.joining(", ", String.format("%n  layer time: "), ""));
    }
    return text;
  }
}
