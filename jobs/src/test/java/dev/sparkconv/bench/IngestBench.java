package dev.sparkconv.bench;

import dev.sparkconv.io.image.ImageDecoder;
import dev.sparkconv.io.image.Planar;
import dev.sparkconv.io.image.Preprocess;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.io.video.ClipSpec;
import dev.sparkconv.io.video.VideoDecoder;
import dev.sparkconv.jobs.FileIngest;
import dev.sparkconv.jobs.InferenceJob;
import dev.sparkconv.jobs.NioLocalFileSystem;
import dev.sparkconv.jobs.RunSummary;
import dev.sparkconv.jobs.SparkconvKryoRegistrator;
import dev.sparkconv.nn.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Ingest throughput (scripts/bench ingest), in one Spark session so that start-up is not counted:
 * image ingest with ImageNet preprocessing, after {@code --warmup} untimed runs (the JIT still compiles through
 * the third: a job is a few seconds, and Spark's driver code runs a few times a job), then {@code --reps} times;
 * video ingest into clips {@code --reps} times (the first warms the JIT); the in-JVM split of one thread's time
 * between decoding and preprocessing;
 * then ingest to uint8 beside infer on that output with the given model (its declared preprocessing
 * applied at infer). With {@code --python PYTHON}, each ImageNet rep is paired with a pass of PIL + torchvision
 * (scripts/media_data.py bench-python --serve, one process kept for the whole run) just before it, plain and
 * storing its tensors, and by a plain pass right after it in a second process whose glibc allocator keeps its
 * memory (Python's best: see {@link PythonPeer#PythonPeer}): this machine's speed drifts by a third within minutes,
 * and a ratio of two figures taken minutes apart measured the drift as much as the code. Prints "name=value" lines
 * for the script.
 * Args: PHOTOS_DIR CLIPS_DIR WORK_DIR MODEL [--master local[2]] [--reps 2] [--warmup 3] [--clip-length 16]
 * [--python PYTHON].
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    Path photos = Path.of(args[0]);
    Path clips = Path.of(args[1]);
    Path work = Path.of(args[2]);
    Path model = Path.of(args[3]);
    String master = "local[2]";
    int reps = 2;
    int warmup = 3;
    int clipLength = 16;
    String python = null;
    for (int i = 4; i < args.length; i += 2) {
      switch (args[i]) {
        case "--master" -> master = args[i + 1];
        case "--reps" -> reps = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--clip-length" -> clipLength = Integer.parseInt(args[i + 1]);
        case "--python" -> python = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(work);
    splitOneThread(photos);
    SparkSession spark = SparkSession.builder().master(master).appName("sparkconv bench ingest")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .config(NioLocalFileSystem.CONF, NioLocalFileSystem.class.getName())
        .config("spark.sql.shuffle.partitions", "8").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.printf(Locale.ROOT, "spark_cores=%d%n", spark.sparkContext().defaultParallelism());

    var imagenet = new ImageDecoder(ImageDecoder.Options.DEFAULT.withPreprocess(Preprocess.IMAGENET));
    var images = new FileIngest.Source(photos.toString(), null);
    var stages = new StageTimes();
    spark.sparkContext().addSparkListener(stages);
    // Each rep: [Python plain], uncompressed (ingest's default), [Python storing its tensors], Snappy; so each
    // Python pass runs right next to the uncompressed run it is compared with. Each run's output is removed
    // before it starts (untimed). The best warm rep of each codec is printed last; with Python paired, so is the
    // median of the warm reps' figures and ratios, the figure scripts/bench reports.
    String[] names = {"ingest_imagenet", "ingest_imagenet_snappy"};
    String[] codecs = {null, "snappy"};
    String[] best = new String[2];
    double[] bestRate = new double[2];
    List<Pair> pairs = new ArrayList<>();
    String warmupOut = work.resolve("warmup.parquet").toString();
    for (int w = 1; w <= warmup; w++) {
      RunSummary s = FileIngest.run(spark, imagenet, images, warmupOut, true);
      System.out.printf(Locale.ROOT, "warmup run=%d per_s=%.1f%n", w, s.ok() / s.seconds());
    }
    deleteTree(Path.of(warmupOut));
    deleteTree(Path.of(InferenceJob.defaultQuarantine(warmupOut)));
    try (PythonPeer peer = python == null ? null : new PythonPeer(python, photos, false);
        PythonPeer tuned = python == null ? null : new PythonPeer(python, photos, true)) {
      for (int r = 1; r <= reps; r++) {
        double[][] py = new double[2][]; // per codec's run: the Python pass just before it
        double[] pyTuned = null; // right after the uncompressed run
        double ours = Double.NaN;
        for (int k = 0; k < 2; k++) {
          if (peer != null) {
            py[k] = peer.pass(k == 0 ? "plain" : "store " + work.resolve("python.f32"), r);
          }
          String out = work.resolve(names[k] + ".parquet").toString();
          deleteTree(Path.of(out));
          deleteTree(Path.of(InferenceJob.defaultQuarantine(out)));
          if (codecs[k] != null) {
            spark.conf().set(FileIngest.CODEC_CONF, codecs[k]);
          }
          stages.clear();
          RunSummary s = FileIngest.run(spark, imagenet, images, out, true);
          spark.conf().unset(FileIngest.CODEC_CONF);
          String line = print(names[k], r, s, s.ok(), stages);
          if (k == 0) {
            ours = s.ok() / s.seconds();
            pyTuned = tuned == null ? null : tuned.pass("plain", r);
          }
          if (s.ok() / s.seconds() > bestRate[k]) {
            bestRate[k] = s.ok() / s.seconds();
            best[k] = line.replace(" rep=" + r + " ", " rep=best(" + r + ") ");
            if (k == 0) {
              stages.lines.forEach(l -> System.out.println("stage " + l)); // where the best rep's time went
            }
          }
        }
        if (peer != null) {
          Pair pair = new Pair(ours, py[0][0], py[1][0], py[0][1], pyTuned[0]);
          System.out.printf(Locale.ROOT, "pair rep=%d ours=%.1f python=%.1f python_store=%.1f python_tuned=%.1f "
              + "ratio=%.3f ratio_store=%.3f ratio_tuned=%.3f%n", r, pair.ours, pair.python, pair.pythonStore,
              pair.pythonTuned, pair.ratio(), pair.ratioStore(), pair.ratioTuned());
          pairs.add(pair);
        }
      }
    }
    for (String line : best) {
      System.out.println(line);
    }
    if (!pairs.isEmpty()) {
      System.out.printf(Locale.ROOT, "pairs reps=%d ours=%.1f python=%.1f python_store=%.1f python_per_cpu_s=%.1f "
          + "python_tuned=%.1f ratio=%.3f ratio_store=%.3f ratio_tuned=%.3f%n", pairs.size(), median(pairs, Pair::ours),
          median(pairs, Pair::python), median(pairs, Pair::pythonStore), median(pairs, Pair::pythonPerCpu),
          median(pairs, Pair::pythonTuned), median(pairs, Pair::ratio), median(pairs, Pair::ratioStore),
          median(pairs, Pair::ratioTuned));
    }
    var video = new VideoDecoder(ClipSpec.of(clipLength, 1), Duration.ofSeconds(60), VideoDecoder.DEFAULT_MAX_PIXELS);
    for (int r = 1; r <= reps; r++) {
      stages.clear();
      RunSummary s = FileIngest.run(spark, video, new FileIngest.Source(clips.toString(), null),
          work.resolve("clips.parquet").toString(), true);
      print("ingest_video", r, s, s.outputRows(), stages);
    }

    String raw = work.resolve("uint8.parquet").toString();
    stages.clear();
    RunSummary ingest = FileIngest.run(spark, new ImageDecoder(), images, raw, true);
    print("ingest_uint8", 1, ingest, ingest.ok(), stages);
    Network network = ModelLoader.load(model);
    var options = new InferenceJob.Options(raw, work.resolve("infer.parquet").toString(), null, 32, 0,
        InferenceJob.Mode.OVERWRITE, ModelLoader.fingerprint(model, null), null, null,
        ModelLoader.preprocess(model).orElse(null));
    stages.clear();
    RunSummary infer = InferenceJob.run(spark, network, options);
    print("infer", 1, infer, infer.ok(), stages);
    spark.stop();
  }

  /**
   * Each completed stage: its name (call site), tasks, wall time and the tasks' summed run and CPU time;
   * the CPU time summed over stages says what a run costs whatever else the machine is running (task threads
   * only: video decodes on a thread of its own and is not counted).
   */
  public static final class StageTimes extends org.apache.spark.scheduler.SparkListener {
    final List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    public final java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();

    public void clear() {
      lines.clear();
      cpuNanos.set(0);
    }

    @Override
    public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted event) {
      var info = event.stageInfo();
      long wall = (long) info.completionTime().get() - (long) info.submissionTime().get();
      var m = info.taskMetrics();
      cpuNanos.addAndGet(m.executorCpuTime());
      lines.add(String.format(Locale.ROOT, "%-40s tasks=%d wall_ms=%d run_ms=%d cpu_ms=%d gc_ms=%d",
          info.name(), info.numTasks(), wall, m.executorRunTime(), m.executorCpuTime() / 1_000_000, m.jvmGCTime()));
    }
  }

  /**
   * One rep: our uncompressed ingest's images/s beside the Python passes' (plain, storing, plain with glibc's
   * allocator tuned) and plain per CPU-s.
   */
  private record Pair(double ours, double python, double pythonStore, double pythonPerCpu, double pythonTuned) {
    double ratioTuned() {
      return ours / pythonTuned;
    }

    double ratio() {
      return ours / python;
    }

    double ratioStore() {
      return ours / pythonStore;
    }
  }

  private static double median(List<Pair> pairs, java.util.function.ToDoubleFunction<Pair> f) {
    double[] v = pairs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** PIL + torchvision in one Python process that runs a timed pass on each request (scripts/media_data.py). */
  private static final class PythonPeer implements AutoCloseable {
    private final Process process;
    private final String tag;
    private final java.io.PrintWriter requests;
    private final java.io.BufferedReader results;

    /**
     * {@code tuned}: glibc's malloc keeps freed memory (mmap threshold 64 MB, trim threshold 1 GB). By default it
     * maps each image-sized buffer afresh and returns it on free, and the page faults (650,000-790,000 in a
     * 3000-photo pass, against 43,000 tuned) cost Python 2.4-2.8x its speed (165-196 against 462-493 images/s,
     * passes run alternately); a long-lived process sometimes drifts into the fast mode by itself.
     */
    PythonPeer(String python, Path photos, boolean tuned) throws java.io.IOException {
      ProcessBuilder builder = new ProcessBuilder(python, "scripts/media_data.py", "bench-python", photos.toString(),
          "--serve").redirectError(ProcessBuilder.Redirect.DISCARD); // torchvision's warnings
      if (tuned) {
        builder.environment().putAll(Map.of("MALLOC_MMAP_THRESHOLD_", String.valueOf(64 << 20),
            "MALLOC_TRIM_THRESHOLD_", String.valueOf(1 << 30)));
      }
      this.tag = tuned ? "python_tuned_" : "python_";
      process = builder.start();
      requests = new java.io.PrintWriter(process.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
      results = process.inputReader(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs one pass and returns its images/s and images per CPU-second. */
    double[] pass(String request, int rep) throws java.io.IOException {
      requests.println(request);
      String line = results.readLine();
      if (line == null) {
        throw new IllegalStateException("the Python peer (scripts/media_data.py bench-python) closed its output");
      }
      System.out.println(tag + request.split(" ")[0] + " rep=" + rep + " " + line);
      return new double[] {Double.parseDouble(line.replaceAll(".*images_per_s=([^ ]+).*", "$1")),
          Double.parseDouble(line.replaceAll(".*per_cpu_s=([^ ]+).*", "$1"))};
    }

    @Override
    public void close() throws InterruptedException {
      requests.close();
      process.waitFor();
    }
  }

  /** Prints the run's line and returns it. */
  private static String print(String name, int rep, RunSummary s, long samples, StageTimes stages) {
    double cpu = stages.cpuNanos.get() / 1e9;
    String line = String.format(Locale.ROOT, "%s rep=%d files=%d ok=%d quarantined=%d samples=%d seconds=%.3f "
        + "per_s=%.2f executor_cpu_s=%.3f per_cpu_s=%.2f", name, rep, s.in(), s.ok(), s.quarantined(), samples,
        s.seconds(), samples / s.seconds(), cpu, samples / cpu);
    System.out.println(line);
    return line;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** One thread, no Spark: seconds per image to decode (ImageIO + colour conversion) and to preprocess. */
  private static void splitOneThread(Path photos) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(photos)) {
      files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    List<byte[]> contents = new java.util.ArrayList<>();
    for (Path f : files) {
      contents.add(Files.readAllBytes(f));
    }
    var decoder = new ImageDecoder();
    double decode = 0;
    double preprocess = 0;
    for (int pass = 0; pass < 2; pass++) { // the first warms the JIT
      decode = 0;
      preprocess = 0;
      for (int i = 0; i < files.size(); i++) {
        long t0 = System.nanoTime();
        Planar image = decoder.decodePixels(files.get(i).toString(), contents.get(i));
        long t1 = System.nanoTime();
        Preprocess.IMAGENET.apply(image);
        long t2 = System.nanoTime();
        decode += (t1 - t0) / 1e9;
        preprocess += (t2 - t1) / 1e9;
      }
    }
    int n = files.size();
    System.out.printf(Locale.ROOT, "one_thread images=%d decode_ms=%.2f preprocess_ms=%.2f images_per_s=%.1f%n", n,
        1000 * decode / n, 1000 * preprocess / n, n / (decode + preprocess));
  }
}
