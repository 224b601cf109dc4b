package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * Layer normalization (PyTorch nn.LayerNorm, ONNX LayerNormalization): over the trailing per-sample axes
 * {@code normalizedShape}, y = (x - mean) / sqrt(var + eps) * weight + bias with the biased variance; weight and
 * bias hold one value per normalized element, or are null (elementwise_affine=False). Statistics in double.
 */
public final class LayerNorm extends BaseLayer {
  private final int[] normalizedShape;
  private final float eps;
  private final float[] weight;
  private final float[] bias;

  public LayerNorm(String name, int[] normalizedShape, float eps, float[] weight, float[] bias) {
    super("layer_norm", name);
    if (normalizedShape == null || normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d < 1)) {
      throw badParameter("normalizedShape", "must list one or more positive sizes",
          normalizedShape == null ? "null" : Arrays.toString(normalizedShape));
    }
    this.normalizedShape = normalizedShape.clone();
    int size = Shapes.size(normalizedShape);
    this.eps = Params.finite(this, "eps", eps);
    this.weight = weight == null ? null : Params.values(this, "weight", weight, size, "normalized elements").clone();
    this.bias = bias == null ? null : Params.values(this, "bias", bias, size, "normalized elements").clone();
  }

  @Override
  public String op() {
    return "layer_norm";
  }

  public int[] normalizedShape() {
    return normalizedShape.clone();
  }

  public float eps() {
    return eps;
  }

  /** A copy, or null. */
  public float[] weight() {
    return weight == null ? null : weight.clone();
  }

  /** A copy, or null. */
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  @Override
  public int[] outputShape(int[] in) {
    int r = normalizedShape.length;
    if (in.length < r || !Arrays.equals(Arrays.copyOfRange(in, in.length - r, in.length), normalizedShape)) {
      throw new ShapeException(this, "(..., " + Shapes.format(normalizedShape).replaceAll("[()]", "") + ")", in);
    }
    return in.clone();
  }

  @Override
  public long parameterCount() {
    return (weight == null ? 0 : weight.length) + (bias == null ? 0 : bias.length);
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int inner = Shapes.size(normalizedShape);
    int rows = batch * Shapes.size(inShape) / inner;
    for (int r = 0, off = 0; r < rows; r++, off += inner) {
      double[] stats = Moments.of(in, off, inner);
      float mean = (float) stats[0];
      float inv = (float) (1 / Math.sqrt(stats[1] + eps));
      for (int i = 0; i < inner; i++) {
        float y = (in[off + i] - mean) * inv;
        out[off + i] = (weight == null ? y : y * weight[i]) + (bias == null ? 0f : bias[i]);
      }
    }
  }
}
