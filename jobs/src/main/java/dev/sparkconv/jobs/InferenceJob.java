package dev.sparkconv.jobs;

import static org.apache.spark.sql.functions.lit;

import dev.sparkconv.io.image.Preprocess;
import dev.sparkconv.nn.Network;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The inference job: Parquet tensor rows in, one output row per admitted input row, one
 * quarantine row (id, original bytes, error) per refused row. The input is read in the partitions asked for,
 * without a shuffle when its row groups allow, and its output rows stream straight into the write; refused rows
 * report their ids and only they are read again for the quarantine, so a run without bad rows reads its input once. The network is broadcast once and
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
  /** {@code preprocess}: the model's preprocessing of raw uint8 images, or null. */
  public record Options(String input, String output, String quarantine, int batchSize, int partitions,
      Mode mode, String fingerprint, String[] outputNodes, OutputFormat format, Preprocess preprocess) {
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
          null, null, null);
    }

    public Options(String input, String output, String quarantine, int batchSize, int partitions, Mode mode,
        String fingerprint, String[] outputNodes, OutputFormat format) {
      this(input, output, quarantine, batchSize, partitions, mode, fingerprint, outputNodes, format, null);
    }
  }

  public static String defaultQuarantine(String output) {
    return output.replaceAll("/+$", "") + ".quarantine";
  }

  private InferenceJob() {}

  public static RunSummary run(SparkSession spark, Network network, Options opts) {
    long start = System.nanoTime();
    int target = opts.partitions() > 0 ? opts.partitions() : spark.sparkContext().defaultParallelism();
    // The scan cuts the files into at least `target` splits by bytes (a split reads the row groups whose middle
    // it holds), so an input of a few files is usually read in enough partitions without shuffling it.
    // Its columnar batches hold one batch of rows, not 4096: at 150 KB an image that was 600 MB per task, grown by
    // doubling in humongous arrays (G1 spent seconds per run on them).
    Map<String, String> scan = Map.of("spark.sql.files.minPartitionNum", Integer.toString(target),
        "spark.sql.parquet.columnarReaderBatchSize", Integer.toString(opts.batchSize()));
    return SessionSettings.during(spark, scan, () -> run(spark, network, opts, target, start));
  }

  private static RunSummary run(SparkSession spark, Network network, Options opts, int target, long start) {
    Dataset<Row> input = spark.read().parquet(opts.input());
    long[] rows = rowsPerPartition(input);
    long in = java.util.Arrays.stream(rows).sum();
    long before = 0;
    SaveMode save = opts.mode() == Mode.CREATE ? SaveMode.ErrorIfExists : SaveMode.Overwrite;
    if (opts.mode() == Mode.INCREMENTAL && hasData(spark, opts.output())) {
      Dataset<Row> done = spark.read().parquet(opts.output());
      requireSameModel(done, opts);
      before = done.count() / Math.max(1, opts.outputNodes().length);
      input = input.join(done.select(TensorRows.ID), TensorRows.ID, "left_anti");
      save = SaveMode.Append;
      if (input.rdd().getNumPartitions() < target) {
        input = input.repartition(target);
      }
    } else if (!balanced(rows, target)) { // too few splits, or row groups too large to share out: shuffle
      input = input.repartition(target);
    } else if (opts.partitions() > 0 && rows.length > target) {
      input = input.coalesce(target);
    }
    Broadcast<Network> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(network);
    int batchSize = opts.batchSize();
    LongAccumulator rowsDone = spark.sparkContext().longAccumulator("sparkconv rows done");
    LayerTimes layerTimes = new LayerTimes();
    spark.sparkContext().register(layerTimes, "sparkconv layer nanoseconds");

    String[] nodes = opts.outputNodes();
    Preprocess preprocess = opts.preprocess();
    // With output nodes every row names its node and the output is partitioned by it (node=NAME/).
    OutputFormat format = opts.format();
    StructType schema = format.schema(nodes.length > 0);
    Refusals refusals = Refusals.register(spark);
    Reruns reruns = Reruns.register(spark);
    // Output rows stream straight into the write; refused rows only report their id (see Refusals).
    Dataset<Row> outputs = input.mapPartitions(
        (MapPartitionsFunction<Row, Row>) part -> {
          reruns.note();
          return new BatchInference(part, new Admission(model.value(), nodes, preprocess), refusals::add,
              model.value(), nodes, format, batchSize, rowsDone, layerTimes);
        }, Encoders.row(schema));
    try (Progress progress = Progress.start(spark.sparkContext(), "infer", in, rowsDone)) {
      var writer = outputs.withColumn(MODEL, lit(opts.fingerprint())).write().mode(save).options(TensorRows.WRITE_OPTIONS);
      (nodes.length == 0 ? writer : writer.partitionBy(NODE)).parquet(opts.output());
      Quarantines.write(spark, quarantine(spark, input, model, nodes, preprocess, refusals), refusals.none(),
          opts.quarantine(), save == SaveMode.Append ? SaveMode.Overwrite : save);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    model.destroy();

    // The tasks' counts when every task ran once; else counted from what was written, exact after retries too.
    long ok = reruns.none() ? rowsDone.value()
        : (spark.read().parquet(opts.output()).count() - before) / Math.max(1, nodes.length);
    long quarantined = reruns.none() && refusals.none() ? 0 : spark.read().parquet(opts.quarantine()).count();
    if (ok + quarantined + before < in) {
      throw new IllegalStateException("row count mismatch: " + in + " rows in but " + ok + " written, "
          + quarantined + " quarantined and " + before + " already present");
    }
    long skipped = in - ok - quarantined;
    return new RunSummary("infer", in, ok, quarantined, skipped, seconds, opts.output(), opts.quarantine(),
        opts.fingerprint(), shares(network, layerTimes.value()));
  }

  /** The rows of each partition as the scan reads them; Parquet answers from its row-group metadata. */
  private static long[] rowsPerPartition(Dataset<Row> input) {
    return input.select(lit(1)).javaRDD().mapPartitions((FlatMapFunction<Iterator<Row>, Long>) part -> {
      long n = 0;
      for (; part.hasNext(); part.next()) {
        n++;
      }
      return List.of(n).iterator();
    }).collect().stream().mapToLong(Long::longValue).toArray();
  }

  /** Whether {@code target} tasks can share the partitions out evenly: none holds much more than its share. */
  static boolean balanced(long[] rowsPerPartition, int target) {
    long total = java.util.Arrays.stream(rowsPerPartition).sum();
    long largest = java.util.Arrays.stream(rowsPerPartition).max().orElse(0);
    return largest <= Math.max(1, Math.ceil(1.25 * total / target));
  }

  /**
   * The ids of the rows the inference pass refused, through an accumulator (merged once per successful task; a
   * stage run again reports its ids again, which the set absorbs). A row whose id is itself the defect has none
   * to report: it counts in {@code unnamed}, and the quarantine then looks at every row.
   */
  private record Refusals(CollectionAccumulator<String> ids, LongAccumulator unnamed) implements Serializable {
    static Refusals register(SparkSession spark) {
      var sc = spark.sparkContext();
      return new Refusals(sc.collectionAccumulator("sparkconv refused ids"),
          sc.longAccumulator("sparkconv refused rows without an id"));
    }

    boolean none() {
      return ids.value().isEmpty() && unnamed.value() == 0;
    }

    void add(Row row, String reason) {
      String id = TensorRows.id(row);
      if (id == null) {
        unnamed.add(1);
      } else {
        ids.add(id);
      }
    }
  }

  /**
   * The quarantine rows (id, original bytes, reason): the refused rows are read again and admitted again, which
   * refuses them for the same reason, so a run without refusals reads its input once. Only rows with a refused id
   * are looked at (every row when one had no id); a good row that shares a refused row's id is admitted and left out.
   */
  private static Dataset<Row> quarantine(SparkSession spark, Dataset<Row> input, Broadcast<Network> model,
      String[] nodes, Preprocess preprocess, Refusals refusals) {
    Set<String> ids = new HashSet<>(refusals.ids().value());
    boolean all = refusals.unnamed().value() > 0;
    if (ids.isEmpty() && !all) {
      return spark.createDataFrame(List.of(), TensorRows.QUARANTINE_SCHEMA);
    }
    return input.mapPartitions((MapPartitionsFunction<Row, Row>) part -> {
      Admission admission = new Admission(model.value(), nodes, preprocess);
      Iterable<Row> rows = () -> part;
      return StreamSupport.stream(rows.spliterator(), false)
          .filter(row -> all || ids.contains(TensorRows.id(row)))
          .map(row -> {
            String reason = admission.reason(row);
            return reason == null ? null : TensorRows.quarantine(row, reason);
          })
          .filter(Objects::nonNull).iterator();
    }, Encoders.row(TensorRows.QUARANTINE_SCHEMA));
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
}
