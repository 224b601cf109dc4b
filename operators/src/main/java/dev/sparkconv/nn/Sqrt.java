package dev.sparkconv.nn;

/** sqrt(x) elementwise; a negative x gives NaN as in PyTorch. Op "sqrt". */
public final class Sqrt extends Elementwise {
  public Sqrt(String name) {
    super("sqrt", name);
  }

  @Override
  public String op() {
    return "sqrt";
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      out[i] = (float) Math.sqrt(in[i]);
    }
  }
}
