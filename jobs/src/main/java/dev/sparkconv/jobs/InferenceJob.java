package dev.sparkconv.jobs;

import static org.apache.spark.sql.functions.lit;

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
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The inference job: Parquet tensor rows in, one output row per admitted input row, one
 * quarantine row (id, original bytes, error) per refused row. The network is broadcast once and
 * every executor keeps one deserialized copy for all its tasks. Output rows carry the model's
 * fingerprint in a {@code model} column, which incremental runs check before appending.
 */
public final class InferenceJob {
  public static final String MODEL = "model";
  public static final String NODE = "node";

  /** What to do with an existing output. */
  public enum Mode {
    /** Refuse to run when the output exists. */
    CREATE,
    /** Replace the output. */
    OVERWRITE,
    /** Compute only ids not yet in the output, for the same model, and append them. */
    INCREMENTAL
  }

  /** What to run. {@code partitions} <= 0 means the cluster's default parallelism. */
  public record Options(String input, String output, String quarantine, int batchSize, int partitions,
      Mode mode, String fingerprint, String[] outputNodes, OutputFormat format) {
    public Options {
      format = format == null ? OutputFormat.tensor : format;
      outputNodes = outputNodes == null ? new String[0] : outputNodes.clone();
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1 but is " + batchSize);
      }
      if (quarantine == null) {
        quarantine = defaultQuarantine(output);
      }
    }

    public Options(String input, String output, String quarantine, int batchSize, int partitions, boolean overwrite) {
      this(input, output, quarantine, batchSize, partitions, overwrite ? Mode.OVERWRITE : Mode.CREATE, "unversioned",
          null, null);
    }
  }

  public static String defaultQuarantine(String output) {
    return output.replaceAll("/+$", "") + ".quarantine";
  }

  private InferenceJob() {}

  public static RunSummary run(SparkSession spark, Network network, Options opts) {
    long start = System.nanoTime();
    Dataset<Row> input = spark.read().parquet(opts.input());
    long in = input.count();
    long before = 0;
    SaveMode save = opts.mode() == Mode.CREATE ? SaveMode.ErrorIfExists : SaveMode.Overwrite;
    if (opts.mode() == Mode.INCREMENTAL && hasData(spark, opts.output())) {
      Dataset<Row> done = spark.read().parquet(opts.output());
      requireSameModel(done, opts);
      before = done.count() / Math.max(1, opts.outputNodes().length);
      input = input.join(done.select(TensorRows.ID), TensorRows.ID, "left_anti");
      save = SaveMode.Append;
    }
    int target = opts.partitions() > 0 ? opts.partitions() : spark.sparkContext().defaultParallelism();
    if (input.rdd().getNumPartitions() < target || opts.partitions() > 0) {
      input = input.repartition(target);
    }
    Broadcast<Network> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(network);
    int batchSize = opts.batchSize();
    LongAccumulator rowsDone = spark.sparkContext().longAccumulator("sparkconv rows done");
    LayerTimes layerTimes = new LayerTimes();
    spark.sparkContext().register(layerTimes, "sparkconv layer nanoseconds");

    String[] nodes = opts.outputNodes();
    try (Progress progress = Progress.start("infer", in, rowsDone)) {
      // With output nodes every row names its node and the output is partitioned by it (node=NAME/).
      OutputFormat format = opts.format();
      StructType schema = format.schema(nodes.length > 0);
      var writer = input.mapPartitions(
              (MapPartitionsFunction<Row, Row>) rows -> new BatchInference(rows, model.value(), nodes, format,
                  batchSize, rowsDone, layerTimes),
              Encoders.row(schema))
          .withColumn(MODEL, lit(opts.fingerprint()))
          .write().mode(save);
      (nodes.length == 0 ? writer : writer.partitionBy(NODE)).parquet(opts.output());
      input.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> refusals(rows, model.value(), nodes),
              Encoders.row(TensorRows.QUARANTINE_SCHEMA))
          .write().mode(save == SaveMode.Append ? SaveMode.Overwrite : save).parquet(opts.quarantine());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    model.destroy();

    // Counts come from what was written, so they are exact even when tasks were retried.
    long ok = (spark.read().parquet(opts.output()).count() - before) / Math.max(1, nodes.length);
    long quarantined = spark.read().parquet(opts.quarantine()).count();
    if (ok + quarantined + before < in) {
      throw new IllegalStateException("row count mismatch: " + in + " rows in but " + ok + " written, "
          + quarantined + " quarantined and " + before + " already present");
    }
    long skipped = in - ok - quarantined;
    return new RunSummary("infer", in, ok, quarantined, skipped, seconds, opts.output(), opts.quarantine(),
        opts.fingerprint(), shares(network, layerTimes.value()));
  }

  /** Each node's share of the time spent in the network, largest first (a retried task counts twice). */
  private static java.util.Map<String, Double> shares(Network network, long[] nanos) {
    double total = java.util.Arrays.stream(nanos).sum();
    java.util.Map<String, Double> shares = new java.util.LinkedHashMap<>();
    java.util.stream.IntStream.range(0, nanos.length).boxed()
        .sorted((a, b) -> Long.compare(nanos[b], nanos[a]))
        .forEach(i -> shares.put(network.nodes().get(i).name(), total > 0 ? nanos[i] / total : 0));
    return shares;
  }

  static void requireSameModel(Dataset<Row> done, Options opts) {
    if (!java.util.Arrays.asList(done.columns()).contains(MODEL)) {
      throw new IllegalArgumentException("output " + opts.output() + " has no '" + MODEL
          + "' column, so its model is unknown: pass --recompute to replace it");
    }
    List<String> models = done.select(MODEL).distinct().as(Encoders.STRING()).collectAsList();
    if (!models.stream().allMatch(opts.fingerprint()::equals)) {
      throw new IllegalArgumentException("output " + opts.output() + " holds outputs of model " + models
          + " but this model is " + opts.fingerprint() + ": pass --recompute to replace them");
    }
  }

  /**
   * Whether a committed data file lies under {@code path}: a job that crashed before its commit
   * leaves at most an empty folder (and Spark's _temporary), which counts as no output yet.
   */
  static boolean hasData(SparkSession spark, String path) {
    try {
      var dir = new org.apache.hadoop.fs.Path(path);
      var fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return false;
      }
      var files = fs.listFiles(dir, true);
      while (files.hasNext()) {
        var file = files.next().getPath();
        if (file.getName().endsWith(".parquet") && !file.toString().contains("/_temporary/")) {
          return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Iterator<Row> refusals(Iterator<Row> rows, Network network, String[] nodes) {
    Admission admission = new Admission(network, nodes);
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
