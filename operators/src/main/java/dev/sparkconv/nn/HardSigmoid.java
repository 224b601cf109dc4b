package dev.sparkconv.nn;

/** PyTorch nn.Hardsigmoid: min(max(x + 3, 0), 6) / 6, i.e. relu6(x + 3) / 6; op "hard_sigmoid". */
public final class HardSigmoid extends Elementwise {
  public HardSigmoid(String name) {
    super("hard_sigmoid", name);
  }

  @Override
  public String op() {
    return "hard_sigmoid";
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      out[i] = Math.min(Math.max(in[i] + 3f, 0f), 6f) / 6f;
    }
  }
}
