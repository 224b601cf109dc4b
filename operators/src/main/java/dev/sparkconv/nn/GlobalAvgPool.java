package dev.sparkconv.nn;

/** Mean of each channel plane: (C, H, W) to (C, 1, 1), like PyTorch nn.AdaptiveAvgPool2d(1). */
public final class GlobalAvgPool extends BaseLayer {
  public GlobalAvgPool(String name) {
    super("global_avgpool", name);
  }

  @Override
  public String op() {
    return "global_avgpool";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length != 3 || in[1] < 1 || in[2] < 1) {
      throw new ShapeException(this, "(C, H>=1, W>=1)", in);
    }
    return new int[] {in[0], 1, 1};
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int plane = inShape[1] * inShape[2];
    int planes = batch * inShape[0];
    for (int p = 0; p < planes; p++) {
      double sum = 0; // large planes: float accumulation would drift
      for (int i = p * plane, end = i + plane; i < end; i++) {
        sum += in[i];
      }
      out[p] = (float) (sum / plane);
    }
  }
}
