package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Maximum of each channel over all its spatial axes, any number of them: (C, d1, ..., dk) to
 * (C, 1, ..., 1), like PyTorch's AdaptiveMaxPool{1,2,3}d(1); NaN propagates.
 */
public final class GlobalMaxPool extends BaseLayer {
  public GlobalMaxPool(String name) {
    super("global_maxpool", name);
  }

  @Override
  public String op() {
    return "global_maxpool";
  }

  @Override
  public int[] outputShape(int[] in) {
    return GlobalAvgPool.globalShape(this, in);
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int plane = Shapes.size(inShape) / inShape[0];
    int planes = batch * inShape[0];
    for (int p = 0; p < planes; p++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int i = p * plane, end = i + plane; i < end; i++) {
        max = Math.max(max, in[i]); // NaN wins; branch-free
      }
      out[p] = max;
    }
  }
}
