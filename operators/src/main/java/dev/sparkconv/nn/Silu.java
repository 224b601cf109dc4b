package dev.sparkconv.nn;

/** x * sigmoid(x) (SiLU, swish with beta 1; PyTorch nn.SiLU); op "silu". */
public final class Silu extends Elementwise {
  public Silu(String name) {
    super("silu", name);
  }

  @Override
  public String op() {
    return "silu";
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      double v = in[i];
      out[i] = (float) (v / (1 + Math.exp(-v)));
    }
  }
}
