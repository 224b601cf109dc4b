package dev.sparkconv.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ConvTranspose;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Single-layer convolution throughput, batch 1, one thread: sparkconv's {@link Conv} /
 * {@link ConvTranspose} as a one-node {@link Network} (its plan's layout conversions included)
 * beside ONNX Runtime (its Java API, one intra-op thread, all graph optimizations) on the same
 * weights and the same seeded input, and beside PyTorch's time for the layer when the generator
 * measured it. The suite, its ONNX files and weights come from
 * {@code scripts/gen_bench_onnx.py} (run by {@code scripts/bench conv}), which writes
 * {@code manifest.tsv} into the folder given here. Not a test; run it with
 * {@code scripts/bench conv [--reps 5] [--layers substring,...]}.
 *
 * <p>GFLOPS count 2 x the layer's MACs ({@link Layer#macs}: for a transposed convolution every
 * input element times every tap). Outputs of both are compared before timing.
 */
public final class ConvBench {

  /**
   * Per layer and peer. 2 s, not 1: a blocked layer first in the suite (a 576-channel 14x14 depthwise) once measured
   * 3.7 GFLOPS instead of 17 after 1 s, C2 not yet done with its conversion and kernel methods.
   */
  private static final double WARMUP_SECONDS = Timing.WARMUP_SECONDS;

  public static void main(String[] args) throws Exception {
    Path dir = null;
    int reps = 5;
    List<String> filters = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
        case "--reps" -> reps = Integer.parseInt(value(args, ++i, "--reps"));
        case "--layers" -> filters.addAll(Arrays.asList(value(args, ++i, "--layers").split(",")));
        default -> throw new IllegalArgumentException("unknown argument '" + args[i]
            + "'; expected --dir DIR (made by scripts/gen_bench_onnx.py) --reps N --layers a,b");
      }
    }
    if (dir == null) {
      throw new IllegalArgumentException("--dir is required (the folder gen_bench_onnx.py wrote)");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    System.err.println("# onnxruntime " + env.getVersion() + ", 1 intra-op thread; sparkconv kernel: "
        + new ExecutionContext().gemm().kernel().describe());
    double logRatio = 0;
    double logRatioPytorch = 0;
    int counted = 0;
    int countedPytorch = 0;
    for (String line : Files.readAllLines(dir.resolve("manifest.tsv"))) {
      if (line.isBlank()) {
        continue;
      }
      Case c = Case.parse(dir, line);
      if (!filters.isEmpty() && filters.stream().noneMatch(c.name::contains)) {
        continue;
      }
      Result r = c.run(env, reps);
      StringBuilder out = new StringBuilder(String.format(
          "conv layer=%s sparkconv=%.1f GFLOPS onnxruntime=%.1f GFLOPS ratio=%.2f",
          c.name, r.ours, r.onnx, r.ours / r.onnx));
      logRatio += Math.log(r.ours / r.onnx);
      counted++;
      if (c.pytorchSeconds > 0) {
        double pytorch = c.flops() / c.pytorchSeconds / 1e9;
        out.append(String.format(" pytorch=%.1f GFLOPS ratio_pytorch=%.2f", pytorch, r.ours / pytorch));
        logRatioPytorch += Math.log(r.ours / pytorch);
        countedPytorch++;
      }
      System.out.println(out);
    }
    if (counted > 0) {
      StringBuilder out = new StringBuilder(String.format("conv geomean layers=%d ratio=%.2f",
          counted, Math.exp(logRatio / counted)));
      if (countedPytorch == counted) {
        out.append(String.format(" ratio_pytorch=%.2f", Math.exp(logRatioPytorch / countedPytorch)));
      }
      System.out.println(out);
    }
  }

  record Result(double ours, double onnx) {}

  /** One manifest line: a layer, its files and PyTorch's best seconds (0 when not measured). */
  record Case(String name, Path dir, Layer layer, int[] inShape, double pytorchSeconds) {

    static Case parse(Path root, String line) throws IOException {
      String[] f = line.split("\t");
      if (f.length != 10) {
        throw new IllegalArgumentException("manifest line needs 10 tab-separated fields: " + line);
      }
      String name = f[0];
      Path dir = root.resolve(name);
      int inC = Integer.parseInt(f[2]);
      int outC = Integer.parseInt(f[3]);
      int[] kernel = ints(f[4]);
      int[] stride = ints(f[5]);
      int[] padding = ints(f[6]);
      int groups = Integer.parseInt(f[7]);
      int[] ones = new int[kernel.length];
      Arrays.fill(ones, 1);
      float[] weight = floats(dir.resolve("weight.bin"));
      float[] bias = floats(dir.resolve("bias.bin"));
      Layer layer = switch (f[1]) {
        case "conv" -> new Conv(name, inC, outC, kernel, stride, padding, ones, groups, weight, bias);
        case "conv_transpose" -> new ConvTranspose(name, inC, outC, kernel, stride, padding,
            new int[kernel.length], ones, groups, weight, bias, null);
        default -> throw new IllegalArgumentException("unknown op '" + f[1] + "' in " + line);
      };
      return new Case(name, dir, layer, ints(f[8]), f[9].equals("-") ? 0 : Double.parseDouble(f[9]));
    }

    double flops() {
      return 2.0 * layer.macs(inShape);
    }

    Result run(OrtEnvironment env, int reps) throws OrtException {
      float[] x = new float[Shapes.size(inShape)];
      SplittableRandom rnd = new SplittableRandom(7);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
      Tensor in = Tensor.wrap(x, Shapes.batched(1, inShape));
      // A one-node network, run as a user's network runs it: through its plan, so a blocked convolution pays its
      // layout conversions inside the timing, as ONNX Runtime pays the reorders its NCHWc transformer inserts.
      Network network = Network.builder(name, inShape).add(layer).build();
      ExecutionContext ctx = new ExecutionContext();
      float[] ours = network.forward(in, ctx).toArray();

      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        long[] shape = Arrays.stream(Shapes.batched(1, inShape)).asLongStream().toArray();
        try (OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), options);
            OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
          Map<String, OnnxTensor> feed = Map.of("x", input);
          float[] expected;
          try (OrtSession.Result result = session.run(feed)) {
            FloatBuffer y = ((OnnxTensor) result.get(0)).getFloatBuffer();
            expected = new float[y.remaining()];
            y.get(expected);
          }
          checkClose(expected, ours);
          // Reps interleaved, so load changes during the run hit both alike.
          double[] seconds = Timing.best(reps, WARMUP_SECONDS, () -> network.forward(in, ctx), () -> {
            try (OrtSession.Result result = session.run(feed)) {
              result.get(0);
            } catch (OrtException e) {
              throw new IllegalStateException(e);
            }
          });
          return new Result(flops() / seconds[0] / 1e9, flops() / seconds[1] / 1e9);
        }
      }
    }

    private void checkClose(float[] expected, float[] actual) {
      if (expected.length != Shapes.size(layer.outputShape(inShape))) {
        throw new IllegalStateException(name + ": onnxruntime returned " + expected.length
            + " values, sparkconv's output shape is " + Shapes.format(layer.outputShape(inShape)));
      }
      double worst = 0;
      for (int i = 0; i < expected.length; i++) {
        worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i])));
      }
      if (!(worst <= 1e-4)) {
        throw new IllegalStateException(name + ": sparkconv differs from onnxruntime, max rel error " + worst);
      }
    }
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
  }

  private static float[] floats(Path file) throws IOException {
    FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] f = new float[b.remaining()];
    b.get(f);
    return f;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
