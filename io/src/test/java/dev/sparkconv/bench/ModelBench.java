package dev.sparkconv.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Whole models, single thread: each ONNX file under the suite folder (scripts/gen_bench_models.py)
 * imported by sparkconv and run by ONNX Runtime Java (1 intra-op thread, all graph optimizations)
 * in the same process, at batch 1 and 8. Outputs are compared first; then warm-up and the best of
 * --reps, the two engines' reps interleaved so load changes hit both alike.
 * Args: SUITE_DIR [--reps N] [--batches 1,8]
 */
public final class ModelBench {
  public static void main(String[] args) throws Exception {
    Path suite = Path.of(args[0]);
    int reps = 5;
    int[] batches = {1, 8};
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--batches" -> batches = Stream.of(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    System.out.println("# onnxruntime " + env.getVersion() + ", 1 intra-op thread; sparkconv 1 thread");
    double logRatios = 0;
    int cases = 0;
    try (Stream<Path> dirs = Files.list(suite)) {
      for (Path dir : dirs.sorted().toList()) {
        Path file = dir.resolve("model.onnx");
        Network ours = ModelLoader.load(file, null, new int[] {3, 224, 224});
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
          options.setIntraOpNumThreads(1);
          options.setInterOpNumThreads(1);
          options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
          options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
          try (OrtSession session = env.createSession(file.toString(), options)) {
            for (int batch : batches) {
              double ratio = run(env, session, ours, dir.getFileName().toString(), batch, reps);
              logRatios += Math.log(ratio);
              cases++;
            }
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "model geomean cases=%d ratio=%.2f%n", cases, Math.exp(logRatios / cases));
  }

  private static double run(OrtEnvironment env, OrtSession session, Network ours, String name, int batch, int reps)
      throws OrtException {
    float[] x = new float[batch * 3 * 224 * 224];
    SplittableRandom random = new SplittableRandom(batch);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    ExecutionContext ctx = new ExecutionContext();
    Tensor in = Tensor.wrap(x, batch, 3, 224, 224);
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 3, 224, 224})) {
      Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), input);
      float[] want;
      try (OrtSession.Result result = session.run(feed)) {
        FloatBuffer y = ((OnnxTensor) result.get(0)).getFloatBuffer();
        want = new float[y.remaining()];
        y.get(want);
      }
      float[] got = ours.forward(in, ctx).toArray();
      double maxDiff = 0;
      for (int i = 0; i < want.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
      }
      double oursBest = Double.MAX_VALUE;
      double ortBest = Double.MAX_VALUE;
      for (int r = 0; r < reps + 1; r++) { // the first rep of each warms up
        long t = System.nanoTime();
        ours.forward(in, ctx);
        double oursSeconds = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        try (OrtSession.Result ignored = session.run(feed)) {
          double ortSeconds = (System.nanoTime() - t) / 1e9;
          if (r > 0) {
            oursBest = Math.min(oursBest, oursSeconds);
            ortBest = Math.min(ortBest, ortSeconds);
          }
        }
      }
      double ratio = ortBest / oursBest;
      System.out.printf(Locale.ROOT,
          "model name=%s batch=%d sparkconv=%.1f images/s onnxruntime=%.1f images/s ratio=%.2f max_diff=%.1e%n",
          name, batch, batch / oursBest, batch / ortBest, ratio, maxDiff);
      return ratio;
    }
  }
}
