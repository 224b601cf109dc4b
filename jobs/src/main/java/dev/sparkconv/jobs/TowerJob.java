package dev.sparkconv.jobs;

import static org.apache.spark.sql.functions.lit;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.nn.tower.Gather;
import dev.sparkconv.nn.tower.TowerPlan;
import dev.sparkconv.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Inference with the weights split over towers ({@link TowerPlan}): each tower's weights are their own
 * broadcast, and tower t's tasks are placed on tower t's executors, so an executor fetches only its towers'
 * weights. Stage s of tower t reads the pack of the previous gather (stage 0: the admitted input rows) and
 * writes its piece; a gather is a shuffle keyed by sample id that brings the towers' pieces together. The
 * last gather's packs become the output rows. Admission, quarantine, incremental runs, output nodes, progress
 * and the run summary work as in {@link InferenceJob}; towers run the plan's input shape only.
 */
public final class TowerJob {
  private TowerJob() {}

  /** The run summary, and where the weights went: executor to the towers it was given and those it fetched. */
  public record Result(RunSummary summary, int towers, long[] towerWeightBytes, Map<String, List<Integer>> assigned,
      Map<String, List<Integer>> fetched, long[] broadcastIds, long bytesFetchedOutsidePlan, double shuffleWriteBytesPerSample,
      double shuffleReadBytesPerSample, long plannedWriteBytesPerSample, long plannedReadBytesPerSample) {
    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(summary.toString()).append('\n');
      s.append("towers: ").append(towers).append(", weight bytes per tower ").append(Arrays.toString(towerWeightBytes))
          .append("\nexecutors given towers: ").append(assigned).append("\nexecutors fetched towers: ")
          .append(fetched).append("\nweight bytes fetched outside the plan: ").append(bytesFetchedOutsidePlan)
          .append(String.format(java.util.Locale.ROOT, "%nshuffle bytes per sample: %.0f written, %.0f read; "
              + "plan: %d written, %d read", shuffleWriteBytesPerSample, shuffleReadBytesPerSample,
              plannedWriteBytesPerSample, plannedReadBytesPerSample));
      return s.toString();
    }
  }

  public static Result run(SparkSession spark, TowerPlan plan, InferenceJob.Options opts) {
    long start = System.nanoTime();
    SparkContext sc = spark.sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    Dataset<Row> input = spark.read().parquet(opts.input());
    long in = input.count();
    long before = 0;
    SaveMode save = opts.mode() == InferenceJob.Mode.CREATE ? SaveMode.ErrorIfExists : SaveMode.Overwrite;
    String[] nodes = opts.outputNodes();
    if (opts.mode() == InferenceJob.Mode.INCREMENTAL && InferenceJob.hasData(spark, opts.output())) {
      Dataset<Row> done = spark.read().parquet(opts.output());
      InferenceJob.requireSameModel(done, opts);
      before = done.count() / Math.max(1, nodes.length);
      input = input.join(done.select(TensorRows.ID), TensorRows.ID, "left_anti");
      save = SaveMode.Append;
    }
    int partitions = opts.partitions() > 0 ? opts.partitions() : sc.defaultParallelism();
    input = input.repartition(partitions).persist(StorageLevel.MEMORY_AND_DISK()); // read once by every tower
    input.count(); // the repartition's shuffle is done before the gathers' shuffles are measured

    int towers = plan.towers();
    Map<String, List<Integer>> assigned = assign(sc, towers);
    List<List<String>> locations = locations(sc, assigned, towers);
    List<Broadcast<TowerShard>> shards = new ArrayList<>();
    long[] weightBytes = new long[towers];
    long[] broadcastIds = new long[towers];
    for (int t = 0; t < towers; t++) {
      shards.add(jsc.broadcast(TowerShard.of(plan, t)));
      broadcastIds[t] = shards.get(t).id();
      weightBytes[t] = plan.weightBytes(t);
    }
    CollectionAccumulator<String> fetches = sc.collectionAccumulator("sparkconv tower broadcasts opened");
    LongAccumulator rowsDone = sc.longAccumulator("sparkconv rows done");
    LongAccumulator stageSamples = sc.longAccumulator("sparkconv tower stage samples");
    AtomicLong shuffleWrite = new AtomicLong();
    AtomicLong shuffleRead = new AtomicLong();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          shuffleWrite.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
          shuffleRead.addAndGet(end.taskMetrics().shuffleReadMetrics().totalBytesRead());
        }
      }
    };
    sc.addSparkListener(listener);

    int[] shape = plan.inputShape();
    int batchSize = opts.batchSize();
    JavaRDD<Row> rows = input.javaRDD();
    JavaPairRDD<String, Iterable<Piece>> gathered = null;
    ClassTag<Tuple2<String, Piece>> tag = ClassTag$.MODULE$.apply(Tuple2.class);
    for (int s = 0; s < plan.stages(); s++) {
      List<JavaPairRDD<String, Piece>> parts = new ArrayList<>();
      Gather pack = plan.pack(s);
      for (int t = 0; t < towers; t++) {
        if (!plan.runs(s, t)) {
          continue;
        }
        JavaRDD<Tuple2<String, float[]>> samples = s == 0
            ? rows.mapPartitions(it -> admitted(it, shape))
            : gathered.map(kv -> new Tuple2<>(kv._1(), TowerBatches.assemble(pack, kv._2())));
        Broadcast<TowerShard> shard = shards.get(t);
        int stage = s;
        int tower = t;
        JavaRDD<Tuple2<String, Piece>> pieces = samples.mapPartitions(it -> new TowerBatches(it,
            TowerShard.open(shard, fetches).stages[stage], tower, batchSize, stageSamples));
        parts.add(JavaPairRDD.fromJavaRDD(new JavaRDD<>(new PlacedRDD<>(pieces.rdd(), locations.get(t), tag), tag)));
      }
      JavaPairRDD<String, Piece> all = parts.get(0);
      for (int i = 1; i < parts.size(); i++) {
        all = all.union(parts.get(i));
      }
      gathered = all.groupByKey(partitions);
    }
    Gather last = plan.gather(plan.stages() - 1);
    String[] targets = plan.targets();
    OutputFormat format = opts.format();
    JavaRDD<Row> out = gathered.flatMap(kv -> {
      float[] packed = TowerBatches.assemble(last, kv._2());
      List<Row> result = new ArrayList<>(targets.length);
      for (String target : targets) {
        int i = Arrays.asList(last.tensors()).indexOf(target);
        result.add(format.row(kv._1(), last.shape(i), packed, last.offset(i), Shapes.size(last.shape(i)),
            nodes.length > 0 ? target : null));
      }
      rowsDone.add(1);
      return result.iterator();
    });

    try (Progress progress = Progress.start(spark.sparkContext(), "infer", in, rowsDone)) {
      var writer = spark.createDataFrame(out, format.schema(nodes.length > 0)).withColumn(InferenceJob.MODEL,
          lit(opts.fingerprint())).write().mode(save).options(TensorRows.WRITE_OPTIONS);
      (nodes.length == 0 ? writer : writer.partitionBy(InferenceJob.NODE)).parquet(opts.output());
      input.mapPartitions((MapPartitionsFunction<Row, Row>) it -> refusals(it, shape),
              Encoders.row(TensorRows.QUARANTINE_SCHEMA))
          .write().mode(save == SaveMode.Append ? SaveMode.Overwrite : save).options(TensorRows.WRITE_OPTIONS)
          .parquet(opts.quarantine());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    try {
      sc.listenerBus().waitUntilEmpty(); // the last tasks' metrics
    } catch (java.util.concurrent.TimeoutException e) {
      // the shuffle figures then miss a few tasks; nothing else depends on them
    }
    sc.removeSparkListener(listener);
    shards.forEach(Broadcast::destroy);
    input.unpersist();

    long ok = (spark.read().parquet(opts.output()).count() - before) / Math.max(1, nodes.length);
    long quarantined = spark.read().parquet(opts.quarantine()).count();
    if (ok + quarantined + before < in) {
      throw new IllegalStateException("row count mismatch: " + in + " rows in but " + ok + " written, "
          + quarantined + " quarantined and " + before + " already present");
    }
    RunSummary summary = new RunSummary("infer", in, ok, quarantined, in - ok - quarantined, seconds,
        opts.output(), opts.quarantine(), opts.fingerprint(), Map.of());
    Map<String, List<Integer>> fetched = new TreeMap<>();
    long outside = 0;
    for (String f : fetches.value()) {
      String executor = f.substring(0, f.lastIndexOf('/'));
      int tower = Integer.parseInt(f.substring(f.lastIndexOf('/') + 1));
      fetched.computeIfAbsent(executor, e -> new ArrayList<>()).add(tower);
      if (!assigned.getOrDefault(executor, List.of()).contains(tower)) {
        outside += weightBytes[tower];
      }
    }
    fetched.values().forEach(java.util.Collections::sort);
    double samples = Math.max(1, ok);
    return new Result(summary, towers, weightBytes, assigned, fetched, broadcastIds, outside, shuffleWrite.get() / samples,
        shuffleRead.get() / samples, plan.gatherBytesPerSample(), plan.gatherReadBytesPerSample());
  }

  /** Executor id to its towers: executors share the towers round-robin (local mode: the driver holds all). */
  static Map<String, List<Integer>> assign(SparkContext sc, int towers) {
    List<String> executors = executorIds(sc, towers);
    Map<String, List<Integer>> assigned = new LinkedHashMap<>();
    if (executors.isEmpty()) {
      List<Integer> all = new ArrayList<>();
      for (int t = 0; t < towers; t++) {
        all.add(t);
      }
      assigned.put("driver", all);
      return assigned;
    }
    int count = executors.size();
    for (int i = 0; i < count; i++) {
      List<Integer> mine = new ArrayList<>();
      for (int t = 0; t < towers; t++) {
        if (count >= towers ? i % towers == t : t % count == i) {
          mine.add(t);
        }
      }
      assigned.put(executors.get(i), mine);
    }
    return assigned;
  }

  /** {@code executor_<host>_<id>} of each tower's executors (none in local mode: everything runs in the driver). */
  private static List<List<String>> locations(SparkContext sc, Map<String, List<Integer>> assigned, int towers) {
    Map<String, String> hosts = new LinkedHashMap<>();
    for (var e : scala.jdk.javaapi.CollectionConverters.asJava(sc.statusStore().executorList(true))) {
      int colon = e.hostPort().lastIndexOf(':'); // "host:port", or the host alone for a replaced executor
      hosts.put(e.id(), colon < 0 ? e.hostPort() : e.hostPort().substring(0, colon));
    }
    List<List<String>> locations = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      locations.add(new ArrayList<>());
    }
    assigned.forEach((executor, mine) -> {
      if (!executor.equals("driver")) {
        mine.forEach(t -> locations.get(t).add("executor_" + hosts.get(executor) + "_" + executor));
      }
    });
    return locations;
  }

  /** The executors (not the driver), sorted by id, after waiting up to 30 s for as many as there are towers. */
  private static List<String> executorIds(SparkContext sc, int towers) {
    if (sc.isLocal()) {
      return List.of();
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      List<String> ids = new ArrayList<>();
      for (var e : scala.jdk.javaapi.CollectionConverters.asJava(sc.statusStore().executorList(true))) {
        if (!e.id().equals("driver")) {
          ids.add(e.id());
        }
      }
      if (ids.size() >= towers || System.nanoTime() > deadline) {
        ids.sort(java.util.Comparator.comparing((String id) -> id.length()).thenComparing(id -> id));
        return ids;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ids;
      }
    }
  }

  /** The rows a tower's first stage takes, flat; refused ones are left to the quarantine pass. */
  private static Iterator<Tuple2<String, float[]>> admitted(Iterator<Row> rows, int[] shape) {
    return new Iterator<>() {
      private Tuple2<String, float[]> next;

      @Override
      public boolean hasNext() {
        while (next == null && rows.hasNext()) {
          try {
            TensorRows.Encoded sample = admit(rows.next(), shape);
            float[] data = new float[sample.size()];
            sample.decodeInto(data, 0);
            next = new Tuple2<>(sample.id(), data);
          } catch (BadRecordException refused) { // only the row's own defect; our bugs fail the task
            next = null;
          }
        }
        return next != null;
      }

      @Override
      public Tuple2<String, float[]> next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        Tuple2<String, float[]> result = next;
        next = null;
        return result;
      }
    };
  }

  /** A valid tensor row of the plan's input shape (the only shape the towers' sub-networks take). */
  static TensorRows.Encoded admit(Row row, int[] shape) {
    TensorRows.Encoded sample = TensorRows.check(row);
    if (!Arrays.equals(sample.shape(), shape)) {
      throw new BadRecordException(sample.id(), "shape", "does not fit the model: towers run the plan's input shape "
          + Shapes.format(shape) + " only, but this row's shape is " + Shapes.format(sample.shape()));
    }
    return sample;
  }

  private static Iterator<Row> refusals(Iterator<Row> rows, int[] shape) {
    List<Row> refused = new ArrayList<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      try {
        admit(row, shape);
      } catch (BadRecordException e) {
        refused.add(TensorRows.quarantine(row, e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    }
    return refused.iterator();
  }
}
