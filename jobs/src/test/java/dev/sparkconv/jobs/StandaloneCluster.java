package dev.sparkconv.jobs;

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
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * A real standalone cluster for one test class: scripts/cluster with two workers (one core, 1 GB each) in a
 * temporary folder, and a session on it that ships the shaded jar with the project's Spark settings, as
 * spark-submit would. Closing stops the session and the cluster and deletes the folder.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));

  private final Path work;
  private SparkSession spark;

  private StandaloneCluster(Path work) {
    this.work = work;
  }

  /** {@code conf}: settings beyond the project's (spark-defaults.conf, jvm.options) and the cluster's. */
  static StandaloneCluster start(String app, Map<String, String> conf) throws Exception {
    StandaloneCluster cluster = new StandaloneCluster(Files.createTempDirectory("sparkconv-" + app));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try {
      cluster.script("up", "--workers", "2", "--cores", "1", "--memory", "1g", "--port", Integer.toString(port));
      SparkSession.Builder builder = SparkSession.builder()
          .master("spark://127.0.0.1:" + port)
          .appName(app)
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.jars", shadedJar().toString())
          .config("spark.executor.memory", "1g")
          .config("spark.kryo.registrationRequired", "true");
      sparkDefaults().forEach(builder::config);
      conf.forEach(builder::config);
      cluster.spark = builder.getOrCreate();
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  SparkSession spark() {
    return spark;
  }

  /** The test's folder; the cluster's own state (logs, worker folders) is under {@code cluster/}. */
  Path work() {
    return work;
  }

  @Override
  public void close() throws Exception {
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

  private void script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster").toString()));
    command.addAll(List.of(args));
    Path log = work.resolve("cluster-" + args[0] + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARKCONV_CLUSTER_DIR", work.resolve("cluster").toString());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("scripts/cluster " + String.join(" ", args) + " failed: " + Files.readString(log));
    }
  }
}
