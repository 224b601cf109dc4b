package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Per-patch normalisation (Coates, Lee and Ng 2011): every kh x kw patch of a (C, H, W) sample,
 * taken at the given stride without padding, becomes one column of C·kh·kw values in F.unfold's
 * (c, i, j) order, minus the patch mean and divided by sqrt(var + eps), var the unbiased variance
 * (MATLAB's var, as in the paper's code). Output (C·kh·kw, H', W'); op "patch_norm2d".
 * With eps = 10 on 0..255 pixels (the paper's setting) flat patches stay near zero.
 */
public final class PatchNorm2d extends BaseLayer {
  private final int[] kernel;
  private final int[] stride;
  private final float eps;

  public PatchNorm2d(String name, int[] kernel, int[] stride, float eps) {
    super("patch_norm2d", name);
    this.kernel = pair("kernel", kernel, 1);
    this.stride = pair("stride", stride, 1);
    this.eps = Params.finite(this, "eps", eps);
    if (eps < 0 || kernel[0] * kernel[1] < 2 && eps == 0) {
      throw badParameter("eps", "must be >= 0 (> 0 for a 1x1 patch)", Float.toString(eps));
    }
  }

  @Override
  public String op() {
    return "patch_norm2d";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length != 3 || in[0] < 1 || in[1] < kernel[0] || in[2] < kernel[1]) {
      throw new ShapeException(this, "(C, H, W) with H >= " + kernel[0] + " and W >= " + kernel[1], in);
    }
    return new int[] {in[0] * kernel[0] * kernel[1], (in[1] - kernel[0]) / stride[0] + 1,
        (in[2] - kernel[1]) / stride[1] + 1};
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int c = inShape[0];
    int h = inShape[1];
    int w = inShape[2];
    int[] o = outputShape(inShape);
    int d = o[0];
    int positions = o[1] * o[2];
    float[] patch = ctx.scratch(ScratchSlots.PATCH, d);
    for (int n = 0; n < batch; n++) {
      int src = n * c * h * w;
      int dst = n * d * positions;
      for (int oy = 0, pos = 0; oy < o[1]; oy++) {
        for (int ox = 0; ox < o[2]; ox++, pos++) {
          double sum = 0;
          for (int ch = 0, j = 0; ch < c; ch++) {
            for (int ky = 0; ky < kernel[0]; ky++) {
              int row = src + (ch * h + oy * stride[0] + ky) * w + ox * stride[1];
              for (int kx = 0; kx < kernel[1]; kx++, j++) {
                patch[j] = in[row + kx];
                sum += patch[j];
              }
            }
          }
          double mean = sum / d;
          double squares = 0;
          for (int j = 0; j < d; j++) {
            double v = patch[j] - mean;
            squares += v * v;
          }
          double scale = 1 / Math.sqrt((d > 1 ? squares / (d - 1) : 0) + eps);
          for (int j = 0; j < d; j++) {
            out[dst + j * positions + pos] = (float) ((patch[j] - mean) * scale);
          }
        }
      }
    }
  }
}
