package dev.sparkconv.jobs;

import java.util.Locale;

/** What a run did: counts that always add up (in = ok + quarantined) and how fast it went. */
public record RunSummary(String command, long in, long ok, long quarantined, double seconds,
    String output, String quarantine) {

  public double rowsPerSecond() {
    return seconds > 0 ? ok / seconds : 0;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "%s: %d rows in, %d ok, %d quarantined in %.2f s (%.1f rows/s)%n  output:     %s%n  quarantine: %s",
        command, in, ok, quarantined, seconds, rowsPerSecond(), output, quarantine);
  }
}
