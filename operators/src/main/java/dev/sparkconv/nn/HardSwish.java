package dev.sparkconv.nn;

/** PyTorch nn.Hardswish (MobileNetV3): x * relu6(x + 3) / 6; op "hard_swish". */
public final class HardSwish extends Elementwise {
  public HardSwish(String name) {
    super("hard_swish", name);
  }

  @Override
  public String op() {
    return "hard_swish";
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      float v = in[i];
      out[i] = v * Math.min(Math.max(v + 3f, 0f), 6f) / 6f;
    }
  }
}
