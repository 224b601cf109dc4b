package dev.sparkconv.nn;

/** Hyperbolic tangent elementwise; op "tanh". */
public final class Tanh extends Elementwise {
  public Tanh(String name) {
    super("tanh", name);
  }

  @Override
  public String op() {
    return "tanh";
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      out[i] = (float) Math.tanh(in[i]);
    }
  }
}
