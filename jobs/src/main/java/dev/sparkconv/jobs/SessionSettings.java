package dev.sparkconv.jobs;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** SQL settings a job needs while it runs (how its scan splits files, for example), then the session's own again. */
final class SessionSettings {
  private SessionSettings() {}

  static <T> T during(SparkSession spark, Map<String, String> settings, Supplier<T> job) {
    Map<String, String> previous = new HashMap<>();
    settings.forEach((key, value) -> {
      previous.put(key, spark.conf().contains(key) ? spark.conf().get(key) : null);
      spark.conf().set(key, value);
    });
    try {
      return job.get();
    } finally {
      previous.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
  }
}
