package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Batch normalization at inference (PyTorch nn.BatchNorm1d/2d/3d in eval mode), channels on the
 * first sample axis, any rank: y = (x - mean) / sqrt(var + eps) * weight + bias, folded at
 * construction into one scale and shift per channel (computed in double). weight and bias may
 * both be null (affine=False). Op "batch_norm".
 */
public final class BatchNorm extends BaseLayer {
  private final float[] scale;
  private final float[] shift;
  private final float eps;
  private final boolean affine;

  public BatchNorm(String name, float[] weight, float[] bias, float[] runningMean, float[] runningVar, float eps) {
    super("batch_norm", name);
    if (runningMean == null || runningMean.length == 0) {
      throw badParameter("runningMean", "must hold one value per channel", runningMean == null ? "null" : "0 values");
    }
    int c = runningMean.length;
    Params.values(this, "runningVar", runningVar, c, "channels");
    if ((weight == null) != (bias == null)) {
      throw badParameter(weight == null ? "weight" : "bias", "must be given with the other (or both null)", "null");
    }
    if (weight != null) {
      Params.values(this, "weight", weight, c, "channels");
      Params.values(this, "bias", bias, c, "channels");
    }
    if (!(eps >= 0) || Float.isInfinite(eps)) {
      throw badParameter("eps", "must be finite and >= 0", Float.toString(eps));
    }
    this.scale = new float[c];
    this.shift = new float[c];
    for (int i = 0; i < c; i++) {
      if (!(runningVar[i] + (double) eps > 0)) {
        throw badParameter("runningVar", "must be > -eps for every channel", "channel " + i + ": " + runningVar[i]);
      }
      double s = (weight == null ? 1 : weight[i]) / Math.sqrt(runningVar[i] + (double) eps);
      scale[i] = (float) s;
      shift[i] = (float) ((bias == null ? 0 : bias[i]) - runningMean[i] * s);
    }
    this.eps = eps;
    this.affine = weight != null;
  }

  @Override
  public String op() {
    return "batch_norm";
  }

  public int channels() {
    return scale.length;
  }

  /** Per channel, y = x * scale + shift: what folding into a preceding convolution multiplies in. */
  public float[] scale() {
    return scale.clone();
  }

  public float[] shift() {
    return shift.clone();
  }

  public float eps() {
    return eps;
  }

  /** weight, bias, running mean and running variance: 4 per channel (2 without the affine terms). */
  @Override
  public long parameterCount() {
    return (long) scale.length * (affine ? 4 : 2);
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length < 1 || in[0] != scale.length) {
      throw new ShapeException(this, "(" + scale.length + ", ...)", in);
    }
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int c = scale.length;
    int inner = Shapes.size(inShape) / c;
    for (int i = 0, n = 0; n < batch; n++) {
      for (int ch = 0; ch < c; ch++) {
        float a = scale[ch];
        float b = shift[ch];
        for (int end = i + inner; i < end; i++) {
          out[i] = in[i] * a + b;
        }
      }
    }
  }
}
