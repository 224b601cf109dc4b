package dev.sparkconv.nn;

/**
 * The error function elementwise (ONNX Erf, which exporters use to spell exact GELU) by
 * {@link dev.sparkconv.kernel.Axpy#erf}: within 5e-7 with the vector kernel; op "erf".
 */
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
    dev.sparkconv.kernel.Kernels.axpy().erf(count(batch, inShape), in, 0, out, 0);
  }
}
