package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * The triangle encoder of Coates, Lee and Ng (2011): f_k = max(0, mean_j(z_j) - z_k) over the
 * channel axis (the first sample axis), where z_k is usually the distance of a patch to centroid
 * k; half of the features come out zero. Any rank (C, ...); op "triangle".
 */
public final class Triangle extends BaseLayer {
  public Triangle(String name) {
    super("triangle", name);
  }

  @Override
  public String op() {
    return "triangle";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length < 1 || in[0] < 1) {
      throw new ShapeException(this, "(C, ...) with C >= 1", in);
    }
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int c = inShape[0];
    int plane = Shapes.size(inShape) / c;
    float[] mean = ctx.scratch(ScratchSlots.CHANNEL_MEAN, plane);
    for (int n = 0, base = 0; n < batch; n++, base += c * plane) {
      java.util.Arrays.fill(mean, 0, plane, 0f);
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0, src = base + ch * plane; i < plane; i++) {
          mean[i] += in[src + i];
        }
      }
      for (int i = 0; i < plane; i++) {
        mean[i] /= c;
      }
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0, at = base + ch * plane; i < plane; i++) {
          out[at + i] = Math.max(mean[i] - in[at + i], 0f);
        }
      }
    }
  }
}
