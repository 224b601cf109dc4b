package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Mean of each channel over all its spatial axes, any number of them: (C, d1, ..., dk) to
 * (C, 1, ..., 1), like PyTorch's AdaptiveAvgPool{1,2,3}d(1) (Lin et al.'s global average pooling).
 */
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
    return globalShape(this, in);
  }

  /** (C, 1, ..., 1) of an input (C, d1, ..., dk) with k >= 1 and every dimension >= 1. */
  static int[] globalShape(Layer layer, int[] in) {
    boolean ok = in.length >= 2;
    for (int d : in) {
      ok &= d >= 1;
    }
    if (!ok) {
      throw new ShapeException(layer, "(C, d1, ..., dk) with k >= 1 spatial axes, all >= 1", in);
    }
    int[] out = new int[in.length];
    java.util.Arrays.fill(out, 1);
    out[0] = in[0];
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int plane = Shapes.size(inShape) / inShape[0];
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
