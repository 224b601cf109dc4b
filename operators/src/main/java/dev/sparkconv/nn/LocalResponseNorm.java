package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Local response normalization across channels (AlexNet), PyTorch nn.LocalResponseNorm:
 * y_c = x_c / (k + alpha / size * sum of x_j^2)^beta over channels j from c - size/2 to
 * c + (size-1)/2, channels beyond either end counting as zero (the divisor stays size). Channels
 * on the first sample axis, any rank. Op "lrn".
 */
public final class LocalResponseNorm extends BaseLayer {
  private final int size;
  private final float alpha;
  private final float beta;
  private final float k;

  public LocalResponseNorm(String name, int size, float alpha, float beta, float k) {
    super("lrn", name);
    this.size = positive("size", size);
    this.alpha = Params.finite(this, "alpha", alpha);
    this.beta = Params.finite(this, "beta", beta);
    this.k = Params.finite(this, "k", k);
  }

  @Override
  public String op() {
    return "lrn";
  }

  public int size() {
    return size;
  }

  public float alpha() {
    return alpha;
  }

  public float beta() {
    return beta;
  }

  public float k() {
    return k;
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length < 1 || Shapes.size(in) == 0) {
      throw new ShapeException(this, "(C, ...) with every dimension >= 1", in);
    }
    return in.clone();
  }

  /** The window sum of squares goes into {@code out} first, then each value becomes x / denominator. */
  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int c = inShape[0];
    int plane = Shapes.size(inShape) / c;
    double perSize = (double) alpha / size;
    for (int n = 0; n < batch; n++) {
      int sample = n * c * plane;
      for (int ch = 0; ch < c; ch++) {
        int dst = sample + ch * plane;
        java.util.Arrays.fill(out, dst, dst + plane, 0f);
        for (int j = Math.max(0, ch - size / 2); j <= Math.min(c - 1, ch + (size - 1) / 2); j++) {
          for (int i = 0, src = sample + j * plane; i < plane; i++) {
            float v = in[src + i];
            out[dst + i] += v * v;
          }
        }
        if (beta == 0.75f) {
          // AlexNet's: d^0.75 = sqrt(d) sqrt(sqrt(d)) in float, a loop C2 vectorises (a few ulps from the double
          // pow, which took a fifth of AlexNet's time at batch 8)
          float kf = k;
          float scale = (float) perSize;
          for (int i = dst; i < dst + plane; i++) {
            float root = (float) Math.sqrt(kf + scale * out[i]);
            out[i] = in[i] / (root * (float) Math.sqrt(root));
          }
        } else {
          for (int i = 0; i < plane; i++) {
            out[dst + i] = (float) (in[dst + i] / Math.pow(k + perSize * out[dst + i], beta));
          }
        }
      }
    }
  }
}
