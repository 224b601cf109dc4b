package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.NpyDecoder;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job on a real standalone cluster: scripts/cluster starts a master and two workers (separate
 * JVMs), this JVM is the driver, the executors load the shaded jar. Runs after `package`.
 */
class ClusterIT {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));
  private static final int SAMPLES = 400;
  private static Path work;
  private static Map<String, String> clusterEnv;
  private static SparkSession spark;
  private static Network lenet;
  private static String input;
  private static final Map<String, float[]> expected = new HashMap<>();

  @BeforeAll
  static void up() throws Exception {
    work = Files.createTempDirectory("sparkconv-cluster-it");
    clusterEnv = Map.of("SPARKCONV_CLUSTER_DIR", work.resolve("cluster").toString());
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try {
      script("up", "--workers", "2", "--cores", "1", "--memory", "1g", "--port", Integer.toString(port));
      SparkSession.Builder builder = SparkSession.builder()
          .master("spark://127.0.0.1:" + port)
          .appName("ClusterIT")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.jars", shadedJar().toString())
          .config("spark.executor.memory", "1g")
          .config("spark.kryo.registrationRequired", "true");
      sparkDefaults().forEach(builder::config);
      spark = builder.getOrCreate();
    } catch (Exception | Error e) {
      down();
      throw e;
    }
    lenet = ModelLoader.load(ROOT.resolve("conf/models/lenet5.json"));
    // The samples arrive as .npy files and are ingested by the cluster's executors.
    Path npy = Files.createDirectories(work.resolve("npy"));
    SplittableRandom random = new SplittableRandom(11);
    ExecutionContext ctx = new ExecutionContext();
    for (int i = 0; i < SAMPLES; i++) {
      float[] data = new float[32 * 32];
      for (int j = 0; j < data.length; j++) {
        data[j] = (float) random.nextDouble();
      }
      Npy.write(npy.resolve("s" + i + ".npy"), Tensor.wrap(data, 1, 32, 32));
      expected.put("s" + i, lenet.forward(Tensor.wrap(data, 1, 1, 32, 32), ctx).toArray());
    }
    input = work.resolve("in.parquet").toString();
    RunSummary ingest = FileIngest.run(spark, new NpyDecoder(), new FileIngest.Source(npy.toString(), null), input, false);
    assertEquals(SAMPLES, ingest.ok());
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      script("down");
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void clusterOutputEqualsTheSingleJvmRun() throws IOException {
    String out = work.resolve("out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(input, out, null, 16, 8, false));
    assertEquals(SAMPLES, summary.ok());
    assertEquals(0, summary.quarantined());
    assertEveryIdOnceAndExact(out);
    assertNoBroadcastFetchedTwiceByOneExecutor();
  }

  /**
   * Eight tasks on two executors: each executor logs every broadcast it fetches, and none, the
   * model included, may be fetched twice by one executor (once per executor, not once per task).
   */
  private static void assertNoBroadcastFetchedTwiceByOneExecutor() throws IOException {
    Pattern fetch = Pattern.compile("Started reading broadcast variable (\\d+)");
    List<Path> logs;
    try (var files = Files.walk(work.resolve("cluster"))) {
      logs = files.filter(f -> f.getFileName().toString().equals("stderr")).toList();
    }
    assertTrue(logs.size() >= 2, "executor logs: " + logs);
    for (Path log : logs) {
      Map<String, Integer> fetches = new HashMap<>();
      Matcher m = fetch.matcher(Files.readString(log));
      while (m.find()) {
        fetches.merge(m.group(1), 1, Integer::sum);
      }
      assertTrue(!fetches.isEmpty(), log + " shows no broadcast fetch");
      fetches.forEach((id, n) -> assertEquals(1, n, log + ": broadcast " + id + " fetched " + n + " times"));
    }
  }

  @Test
  void survivesAnExecutorKilledMidJob() {
    AtomicInteger tasksEnded = new AtomicInteger();
    AtomicLong killed = new AtomicLong(-1);
    SparkListener killer = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (tasksEnded.incrementAndGet() == 3) {
          ProcessHandle.allProcesses()
              .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
              .findFirst()
              .ifPresent(p -> {
                killed.set(p.pid());
                p.destroyForcibly();
              });
        }
      }
    };
    spark.sparkContext().addSparkListener(killer);
    try {
      String out = work.resolve("out-fault.parquet").toString();
      RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(input, out, null, 4, 16, false));
      assertTrue(killed.get() > 0, "no executor was killed");
      assertEquals(SAMPLES, summary.ok());
      assertEveryIdOnceAndExact(out);
    } finally {
      spark.sparkContext().removeSparkListener(killer);
    }
  }

  private static void assertEveryIdOnceAndExact(String out) {
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(SAMPLES, rows.size());
    Map<String, float[]> seen = new HashMap<>();
    for (Row row : rows) {
      TensorRows.Sample s = TensorRows.decode(row);
      assertEquals(null, seen.put(s.id(), s.data()), "id " + s.id() + " written twice");
      assertArrayEquals(expected.get(s.id()), s.data(), 1e-6f, s.id());
    }
  }

  static Path shadedJar() throws IOException {
    try (var jars = Files.list(ROOT.resolve("jobs/target"))) {
      return jars.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no shaded jar in jobs/target: run mvn package first"));
    }
  }

  /** conf/spark-defaults.conf plus conf/jvm.options as the extraJavaOptions, as scripts/spark-properties gives them. */
  static Map<String, String> sparkDefaults() throws IOException {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(ROOT.resolve("conf/spark-defaults.conf"))) {
      props.load(reader);
    }
    Map<String, String> conf = new HashMap<>();
    props.stringPropertyNames().forEach(k -> conf.put(k, props.getProperty(k).trim()));
    String flags = Files.readAllLines(ROOT.resolve("conf/jvm.options")).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(java.util.stream.Collectors.joining(" "));
    conf.put("spark.driver.extraJavaOptions", flags);
    conf.put("spark.executor.extraJavaOptions", flags);
    return conf;
  }

  private static void script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve("cluster-" + args[0] + ".log").toFile());
    pb.environment().putAll(clusterEnv);
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("scripts/cluster " + String.join(" ", args) + " failed: "
          + Files.readString(work.resolve("cluster-" + args[0] + ".log")));
    }
  }
}
