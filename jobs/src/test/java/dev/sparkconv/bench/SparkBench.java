package dev.sparkconv.bench;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.jobs.Cli;
import dev.sparkconv.jobs.InferenceJob;
import dev.sparkconv.jobs.NioLocalFileSystem;
import dev.sparkconv.jobs.OutputFormat;
import dev.sparkconv.jobs.RunSummary;
import dev.sparkconv.jobs.SparkconvKryoRegistrator;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * Spark's overhead (scripts/bench spark): the inference job end to end on COUNT seeded uint8 images (synth, the
 * model's declared preprocessing applied by the job) in local[THREADS], then, in the same JVM, the kernel alone:
 * THREADS threads each running the network on its share of COUNT preprocessed-size inputs in batches of the same
 * size. The job runs first, from a cold JIT, as a user's job would; the kernel gets one untimed batch per thread.
 * Prints both images/s, ratio = job / kernel, and cpu_ratio = kernel CPU seconds / job CPU seconds (the JVM's,
 * every thread), which a loaded machine moves less than wall time; jit is the compiler threads' time within it.
 * With --runs N the job runs N times; the last run's figure, from a warm JIT, is printed as warm_ratio. Each run's
 * seconds, CPU seconds and JIT seconds come first, as "# run N:" lines: a warm run still pays the JIT for Spark's code.
 * Args: WORK_DIR MODEL [--count 1024] [--batch-size 32] [--threads 2] [--runs 1]
 */
public final class SparkBench {
  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    Path model = Path.of(args[1]);
    int count = 1024;
    int batchSize = 32;
    int threads = 2;
    int runs = 1;
    for (int i = 2; i < args.length; i += 2) {
      switch (args[i]) {
        case "--count" -> count = Integer.parseInt(args[i + 1]);
        case "--batch-size" -> batchSize = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(work);
    Network network = ModelLoader.load(model);
    int[] shape = network.inputShape();
    String master = "local[" + threads + "]";
    String input = work.resolve("input-" + count + ".parquet").toString();
    if (!Files.isDirectory(Path.of(input))) {
      int rc = new CommandLine(new Cli()).execute("synth", "--count", Integer.toString(count), "--shape",
          String.join(",", java.util.Arrays.stream(shape).mapToObj(Integer::toString).toList()), "--dtype", "uint8",
          "--output", input, "--master", master);
      if (rc != 0) {
        throw new IllegalStateException("synth failed with status " + rc);
      }
    }
    System.out.printf(Locale.ROOT, "# cpu: %s, %d cores; load %s%n", cpuModel(),
        Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim());

    SparkSession spark = SparkSession.builder().master(master).appName("sparkconv bench spark")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .config(NioLocalFileSystem.CONF, NioLocalFileSystem.class.getName())
        .config("spark.sql.shuffle.partitions", "8").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    var opts = new InferenceJob.Options(input, work.resolve("output.parquet").toString(), null, batchSize, 0,
        InferenceJob.Mode.OVERWRITE, ModelLoader.fingerprint(model, null), null, OutputFormat.tensor,
        ModelLoader.preprocess(model).orElse(null));
    double jobSeconds = 0;
    double jobCpu = 0;
    double warmSeconds = 0;
    double jobJit = 0;
    for (int run = 0; run < runs; run++) { // the first from a cold JIT; later ones show what JIT warm-up cost
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      long jitStart = jitMillis();
      RunSummary summary = InferenceJob.run(spark, network, opts);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = (processCpuNanos() - cpuStart) / 1e9;
      double jit = (jitMillis() - jitStart) / 1e3;
      if (summary.ok() != count) {
        throw new IllegalStateException("the job wrote " + summary.ok() + " of " + count + " rows: " + summary);
      }
      System.out.println("# " + summary.toString().replace("\n", "\n# "));
      System.out.printf(Locale.ROOT, "# run %d: %.2f s, %.2f cpu s, jit %.2f s%n", run + 1, seconds, cpu, jit);
      if (run == 0) {
        jobSeconds = seconds;
        jobCpu = cpu;
        jobJit = jit;
      } else {
        warmSeconds = seconds;
      }
    }
    spark.stop();

    long kernelCpuStart = processCpuNanos();
    long kernelJitStart = jitMillis();
    double kernelSeconds = kernel(network, shape, count, batchSize, threads);
    double kernelCpu = (processCpuNanos() - kernelCpuStart) / 1e9;
    double kernelJit = (jitMillis() - kernelJitStart) / 1e3;
    double job = count / jobSeconds;
    double kernel = count / kernelSeconds;
    // On a shared machine wall time moves with the load; CPU seconds (the whole JVM's) show the overhead alone.
    System.out.printf(Locale.ROOT,
        "spark %s images=%d batch=%d %s job=%.1f images/s (%.2f s, %.2f cpu s, jit %.1f s) kernel=%.1f "
            + "images/s (%.2f s, %.2f cpu s, jit %.1f s, %d threads) ratio=%.2f cpu_ratio=%.2f%s%n",
        model.getFileName(), count, batchSize, master, job, jobSeconds, jobCpu, jobJit, kernel, kernelSeconds,
        kernelCpu, kernelJit, threads, job / kernel, kernelCpu / jobCpu,
        runs > 1 ? String.format(Locale.ROOT, " warm_job=%.1f images/s warm_ratio=%.2f", count / warmSeconds,
            count / warmSeconds / kernel) : "");
  }

  /** Seconds for THREADS threads, each with its own context, to run its share of COUNT samples in batches. */
  private static double kernel(Network network, int[] shape, int count, int batchSize, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Future<?>[] warm = new Future<?>[threads];
      ExecutionContext[] contexts = new ExecutionContext[threads];
      Tensor[] batches = new Tensor[threads];
      for (int t = 0; t < threads; t++) {
        contexts[t] = new ExecutionContext();
        float[] data = new float[batchSize * Shapes.size(shape)];
        SplittableRandom random = new SplittableRandom(t);
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) random.nextGaussian();
        }
        batches[t] = Tensor.view(data, Shapes.batched(batchSize, shape));
        int k = t;
        warm[t] = pool.submit(() -> network.forward(batches[k], contexts[k]));
      }
      for (Future<?> f : warm) {
        f.get();
      }
      long start = System.nanoTime();
      Future<?>[] runs = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        int share = count / threads + (t < count % threads ? 1 : 0);
        int k = t;
        runs[t] = pool.submit(() -> {
          for (int done = 0; done < share; done += batchSize) {
            int n = Math.min(batchSize, share - done);
            Tensor in = n == batchSize ? batches[k]
                : Tensor.view(batches[k].data(), Shapes.batched(n, shape));
            network.forward(in, contexts[k]);
          }
        });
      }
      for (Future<?> f : runs) {
        f.get();
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      pool.shutdown();
    }
  }

  /** Milliseconds the JIT's compiler threads have spent compiling (C1 and C2; their elapsed time, near their CPU). */
  private static long jitMillis() {
    return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** CPU time of the whole JVM (every thread: tasks, Spark, JIT, GC). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String cpuModel() throws java.io.IOException {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
  }
}
