package dev.sparkconv.nn;

/** The error function elementwise (ONNX Erf, which exporters use to spell exact GELU); op "erf". */
public final class ErfLayer extends Elementwise {
  public ErfLayer(String name) {
    super("erf", name);
  }

  @Override
  public String op() {
    return "erf";
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      out[i] = (float) Erf.erf(in[i]);
    }
  }
}
