package dev.sparkconv.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.NetworkSummary;
import dev.sparkconv.nn.Node;
import dev.sparkconv.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Whole models, single thread: each ONNX file under the suite folder (scripts/gen_bench_models.py; its sample
 * shape in input_shape, 3,224,224 when absent) imported by sparkconv and run by ONNX Runtime Java (1 intra-op
 * thread, all graph optimizations) in the same process, at batch 1 and 8. Outputs are compared first (at most 1e-4
 * of the largest apart, or the bench stops); then the warm-up ({@link #warmUp}) and the
 * best of --reps (15), the two engines' reps interleaved so load changes hit both alike: this machine's speed
 * drifts for seconds to minutes at a time, and a best of 5 (about 0.2 s of ResNet-18) often fell in one slow
 * spell. --profile prints our slowest layers over as many reps run back to back, then ONNX Runtime's from its own
 * profiler over runs back to back too: interleaved, each engine's run evicts the other's weights and activations,
 * and memory-bound layers slow down (ShuffleNetV2's classifier at batch 1: 174 us interleaved, 142 back to back).
 * PyTorch's own timings (one thread), from SUITE_DIR/pytorch.tsv when gen_bench_models.py wrote it, are printed
 * beside with ratio_pytorch.
 * Args: SUITE_DIR [--reps N] [--batches 1,8] [--profile] [--no-pytorch]
 */
public final class ModelBench {
  /** Warm-up bounds, and how long C2 must have compiled nothing before the timed reps start ({@link #warmUp}). */
  private static final long WARM_UP_MIN_NANOS = 3_000_000_000L;
  private static final long WARM_UP_MAX_NANOS = 60_000_000_000L;
  private static final long JIT_QUIET_NANOS = 2_000_000_000L;
  /** Our outputs against ONNX Runtime's, relative to the largest: the 1e-4. */
  private static final double MAX_REL_DIFF = 1e-4;

  public static void main(String[] args) throws Exception {
    Path suite = Path.of(args[0]);
    int reps = 15;
    int[] batches = {1, 8};
    boolean profile = false;
    Set<String> models = null; // null: every model in the suite
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--batches" -> batches = Stream.of(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--profile" -> profile = true;
        case "--models" -> models = Set.of(args[++i].split(","));
        case "--no-pytorch" -> { } // for gen_bench_models.py: no pytorch.tsv is written
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Map<String, Double> pytorch = pytorchSeconds(suite.resolve("pytorch.tsv"));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    System.out.println("# onnxruntime " + env.getVersion() + ", 1 intra-op thread; sparkconv 1 thread");
    double logRatios = 0;
    double logPytorchRatios = 0;
    int cases = 0;
    try (Stream<Path> dirs = Files.list(suite)) {
      Set<String> wanted = models;
      for (Path dir : dirs.filter(Files::isDirectory)
          .filter(d -> wanted == null || wanted.contains(d.getFileName().toString())).sorted().toList()) {
        Path file = dir.resolve("model.onnx");
        Path shapeFile = dir.resolve("input_shape"); // gen_bench_models.py writes the sample shape
        int[] shape = Files.exists(shapeFile) ? Stream.of(Files.readString(shapeFile).trim().split(","))
            .mapToInt(Integer::parseInt).toArray() : new int[] {3, 224, 224};
        Network ours = ModelLoader.load(file, null, shape);
        try (OrtSession.SessionOptions options = options()) {
          try (OrtSession session = env.createSession(file.toString(), options)) {
            for (int batch : batches) {
              String name = dir.getFileName().toString();
              double[] ratios = run(env, session, file, ours, name, shape, batch, reps, profile,
                  pytorch.get(name + "/" + batch));
              logRatios += Math.log(ratios[0]);
              logPytorchRatios += Math.log(ratios[1]);
              cases++;
            }
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "model geomean cases=%d ratio=%.2f%s%n", cases, Math.exp(logRatios / cases),
        Double.isNaN(logPytorchRatios) ? "" : String.format(Locale.ROOT, " ratio_pytorch=%.2f",
            Math.exp(logPytorchRatios / cases)));
  }

  /** scripts/gen_bench_models.py's PyTorch timings, "name/batch" to seconds per call; empty when absent. */
  private static Map<String, Double> pytorchSeconds(Path file) throws java.io.IOException {
    Map<String, Double> seconds = new java.util.HashMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split("\t");
        seconds.put(f[0] + "/" + f[1], Double.parseDouble(f[2]));
      }
    }
    return seconds;
  }

  /** Our ratio to ONNX Runtime and to PyTorch (NaN without a PyTorch timing). */
  private static double[] run(OrtEnvironment env, OrtSession session, Path model, Network ours, String name,
      int[] shape, int batch, int reps, boolean profile, Double pytorchSeconds) throws OrtException, java.io.IOException {
    int[] batched = dev.sparkconv.tensor.Shapes.batched(batch, shape);
    float[] x = new float[dev.sparkconv.tensor.Shapes.size(batched)];
    SplittableRandom random = new SplittableRandom(batch);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    ExecutionContext ctx = new ExecutionContext();
    Tensor in = Tensor.wrap(x, batched);
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x),
        java.util.Arrays.stream(batched).asLongStream().toArray())) {
      Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), input);
      float[] want;
      try (OrtSession.Result result = session.run(feed)) {
        FloatBuffer y = ((OnnxTensor) result.get(0)).getFloatBuffer();
        want = new float[y.remaining()];
        y.get(want);
      }
      float[] got = ours.forward(in, ctx).toArray();
      double maxDiff = 0;
      double scale = 0;
      for (int i = 0; i < want.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      // Relative to the largest output: a seeded model's outputs may be 1e-9 (MobileNetV2), where an absolute
      // difference says nothing. NaN (a NaN output) fails too.
      double relDiff = scale > 0 ? maxDiff / scale : maxDiff;
      if (!(relDiff <= MAX_REL_DIFF)) {
        throw new IllegalStateException(String.format(Locale.ROOT, "%s batch %d: outputs differ from ONNX Runtime's"
            + " by %.1e of the largest (%.1e), above %.0e", name, batch, relDiff, scale, MAX_REL_DIFF));
      }
      double warmSeconds = warmUp(() -> {
        ours.forward(in, ctx);
        try {
          session.run(feed).close();
        } catch (OrtException e) {
          throw new IllegalStateException(e);
        }
      });
      double oursBest = Double.MAX_VALUE;
      double ortBest = Double.MAX_VALUE;
      for (int r = 0; r < reps; r++) { // interleaved, so load changes hit both alike
        long t = System.nanoTime();
        ours.forward(in, ctx);
        double oursSeconds = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        try (OrtSession.Result ignored = session.run(feed)) {
          ortBest = Math.min(ortBest, (System.nanoTime() - t) / 1e9);
        }
        oursBest = Math.min(oursBest, oursSeconds);
      }
      double ratio = ortBest / oursBest;
      if (profile) { // runs back to back, as ONNX Runtime's profile (see the class comment)
        long[] alone = ctx.nodeNanos();
        for (int r = 0; r < reps; r++) {
          ours.forward(in, ctx);
        }
        printProfile(ours, ctx.nodeNanos(), alone, batch, reps);
        printOnnxRuntimeProfile(env, model, feed, reps);
      }
      double pytorchRatio = pytorchSeconds == null ? Double.NaN : pytorchSeconds / oursBest;
      System.out.printf(Locale.ROOT,
          "model name=%s batch=%d sparkconv=%.1f images/s onnxruntime=%.1f images/s ratio=%.2f%s max_diff=%.1e"
              + " rel_diff=%.1e warm_up_s=%.0f%n",
          name, batch, batch / oursBest, batch / ortBest, ratio, pytorchSeconds == null ? ""
              : String.format(Locale.ROOT, " pytorch=%.1f images/s ratio_pytorch=%.2f", batch / pytorchSeconds,
                  pytorchRatio), maxDiff, relDiff, warmSeconds);
      return new double[] {ratio, pytorchRatio};
    }
  }

  /**
   * Runs {@code pair} (ours, then ONNX Runtime) for at least {@link #WARM_UP_MIN_NANOS} and until the JIT has
   * compiled nothing for {@link #JIT_QUIET_NANOS} (at most {@link #WARM_UP_MAX_NANOS}). C2 compiles a hot method
   * after ~10k calls, and a layer's inner loop may run only a few hundred times per image; on the 2-vCPU Zen 5,
   * ResNet-18 at batch 1 after a fixed 3 s read 41.3 images/s, after 15 s 49.0 (ONNX Runtime 54.9 and 54.8, which
   * needs no warm-up).
   */
  private static double warmUp(Runnable pair) {
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    long start = System.nanoTime();
    long compiled = jit.getTotalCompilationTime();
    long quietSince = start;
    for (int r = 0; r < 3 || System.nanoTime() - start < WARM_UP_MIN_NANOS
        || System.nanoTime() - quietSince < JIT_QUIET_NANOS && System.nanoTime() - start < WARM_UP_MAX_NANOS; r++) {
      pair.run();
      long now = jit.getTotalCompilationTime();
      if (now != compiled) {
        compiled = now;
        quietSince = System.nanoTime();
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** The op, with convolutions split into depthwise, 1x1, Winograd-eligible 3x3 stride 1 and the rest. */
  private static String kind(Node node) {
    if (node.layer() instanceof dev.sparkconv.nn.Conv conv) {
      boolean ones = java.util.Arrays.stream(conv.kernel()).allMatch(k -> k == 1);
      boolean unitStride = java.util.Arrays.stream(conv.stride()).allMatch(s -> s == 1);
      if (conv.groups() > 1 && conv.groups() == conv.inChannels()) {
        return "conv-depthwise-s" + conv.stride()[0];
      }
      if (ones) {
        return unitStride ? "conv-1x1" : "conv-1x1-strided";
      }
      return conv.rank() == 2 && conv.kernel()[0] == 3 && conv.kernel()[1] == 3 && unitStride && conv.groups() == 1
          ? "conv-3x3-s1" : "conv-other";
    }
    return node.op();
  }

  /** {@code title}, then each key's share of {@code total}, largest first. */
  private static String shares(String title, Map<String, Long> times, long total) {
    StringBuilder line = new StringBuilder(title);
    times.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(e ->
        line.append(String.format(Locale.ROOT, " %s %.1f%%", e.getKey(), 100.0 * e.getValue() / total)));
    return line.toString();
  }

  /**
   * ONNX Runtime's slowest nodes at this batch (its own profiler, a second session on the same model, {@code runs}
   * profiled runs after as many unprofiled ones): each node's median time per run, beside ours, so a gap can be put
   * on a layer. Its names are those of the optimized graph (a fused Conv + ReLU is named after its output).
   */
  private static void printOnnxRuntimeProfile(OrtEnvironment env, Path model, Map<String, OnnxTensor> feed, int runs)
      throws OrtException, java.io.IOException {
    Path dir = Files.createTempDirectory("ort-profile");
    String file;
    try (OrtSession.SessionOptions options = options()) {
      options.enableProfiling(dir.resolve("ort").toString());
      try (OrtSession session = env.createSession(model.toString(), options)) {
        for (int r = 0; r < 2 * runs; r++) { // the first half warms up; every run is in the profile
          session.run(feed).close();
        }
        file = session.endProfiling();
      }
    }
    String json = Files.readString(Path.of(file));
    Files.delete(Path.of(file));
    Files.delete(dir);
    // One event per node and run: {"cat" : "Node", ..., "dur" :N, ..., "name" :"X_kernel_time", "args" : {...,
    // "op_name" : "Conv", ...}}, its args holding nested objects (shapes) before op_name.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"dur\"\\s*:\\s*(\\d+)[^{}]*?\"name\"\\s*:\\s*\""
        + "([^\"]+)_kernel_time\".*?\"op_name\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    Map<String, java.util.List<Long>> micros = new java.util.LinkedHashMap<>();
    Map<String, String> ops = new java.util.HashMap<>();
    while (m.find()) {
      micros.computeIfAbsent(m.group(2), k -> new java.util.ArrayList<>()).add(Long.parseLong(m.group(1)));
      ops.put(m.group(2), m.group(3));
    }
    Map<String, Long> median = new java.util.HashMap<>();
    micros.forEach((node, times) -> {
      java.util.List<Long> late = new java.util.ArrayList<>(times.subList(times.size() / 2, times.size()));
      java.util.Collections.sort(late);
      median.put(node, late.get(late.size() / 2));
    });
    long total = median.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(Locale.ROOT, "  onnxruntime: %d nodes, %.0f us a run%n", median.size(), (double) total);
    Map<String, Long> byOp = new java.util.TreeMap<>();
    median.forEach((node, time) -> byOp.merge(ops.get(node), time, Long::sum));
    System.out.println(shares("  by op:", byOp, total));
    median.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(25).forEach(e ->
        System.out.printf(Locale.ROOT, "  %5.1f%% %7d us %s %s%n", 100.0 * e.getValue() / total, e.getValue(),
            ops.get(e.getKey()), e.getKey()));
  }

  /** One intra-op thread, sequential, all graph optimizations: ONNX Runtime as the benchmarks run it. */
  private static OrtSession.SessionOptions options() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    return options;
  }

  /**
   * Our slowest nodes over {@code runs} runs ({@code nanos} less {@code before}): share of the time, time per run,
   * GFLOPS, and what the node is.
   */
  private static void printProfile(Network network, long[] nanos, long[] before, int batch, int runs) {
    for (int i = 0; i < before.length; i++) {
      nanos[i] -= before[i];
    }
    long total = java.util.Arrays.stream(nanos).sum();
    NetworkSummary summary = NetworkSummary.of(network, network.inputShape());
    java.util.List<Node> nodes = network.nodes();
    Integer[] order = new Integer[nanos.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(nanos[b], nanos[a]));
    java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
    for (int i = 0; i < nanos.length; i++) {
      byKind.merge(kind(nodes.get(i)), nanos[i], Long::sum);
    }
    System.out.println(shares("  by kind:", byKind, total));
    for (int r = 0; r < Math.min(25, order.length); r++) {
      int i = order[r];
      Node node = nodes.get(i);
      long macs = summary.row(node.name()).macs();
      double seconds = nanos[i] / 1e9;
      System.out.printf(Locale.ROOT, "  %5.1f%% %7.0f us %6.1f GFLOPS %s%n", 100.0 * nanos[i] / total,
          seconds / runs * 1e6, 2.0 * macs * batch * runs / seconds / 1e9, node);
    }
  }
}
