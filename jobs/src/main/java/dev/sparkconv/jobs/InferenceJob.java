package dev.sparkconv.jobs;

import dev.sparkconv.io.TensorRows;
import dev.sparkconv.nn.Network;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The inference job: Parquet tensor rows in, one output row per admitted input row, one
 * quarantine row (id, original bytes, error) per refused row. The network is broadcast once and
 * every executor keeps one deserialized copy for all its tasks.
 */
public final class InferenceJob {

  /** What to run. {@code partitions} <= 0 means the cluster's default parallelism. */
  public record Options(String input, String output, String quarantine, int batchSize, int partitions,
      boolean overwrite) {
    public Options {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1 but is " + batchSize);
      }
      if (quarantine == null) {
        quarantine = defaultQuarantine(output);
      }
    }
  }

  public static String defaultQuarantine(String output) {
    return output.replaceAll("/+$", "") + ".quarantine";
  }

  private InferenceJob() {}

  public static RunSummary run(SparkSession spark, Network network, Options opts) {
    long start = System.nanoTime();
    Dataset<Row> input = spark.read().parquet(opts.input());
    int target = opts.partitions() > 0 ? opts.partitions() : spark.sparkContext().defaultParallelism();
    if (input.rdd().getNumPartitions() < target || opts.partitions() > 0) {
      input = input.repartition(target);
    }
    Broadcast<Network> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(network);
    int batchSize = opts.batchSize();
    SaveMode mode = opts.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists;

    input.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new BatchInference(rows, model.value(), batchSize),
            Encoders.row(TensorRows.SCHEMA))
        .write().mode(mode).parquet(opts.output());
    input.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> refusals(rows, model.value()),
            Encoders.row(TensorRows.QUARANTINE_SCHEMA))
        .write().mode(mode).parquet(opts.quarantine());
    double seconds = (System.nanoTime() - start) / 1e9;
    model.destroy();

    // Counts come from what was written, so they are exact even when tasks were retried.
    long in = spark.read().parquet(opts.input()).count();
    long ok = spark.read().parquet(opts.output()).count();
    long quarantined = spark.read().parquet(opts.quarantine()).count();
    if (ok + quarantined != in) {
      throw new IllegalStateException("row count mismatch: " + in + " rows in but " + ok + " written and "
          + quarantined + " quarantined");
    }
    return new RunSummary("infer", in, ok, quarantined, seconds, opts.output(), opts.quarantine());
  }

  private static Iterator<Row> refusals(Iterator<Row> rows, Network network) {
    Admission admission = new Admission(network);
    List<Row> refused = new ArrayList<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      String reason = admission.refusal(row);
      if (reason != null) {
        refused.add(TensorRows.quarantine(row, reason));
      }
    }
    return refused.iterator();
  }
}
