package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Group normalization (PyTorch nn.GroupNorm, ONNX GroupNormalization; InstanceNormalization is one group per
 * channel): the channels (first sample axis) in {@code groups} groups, each group of each sample normalized over
 * its channels and every other axis, y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c] with the biased
 * variance; weight and bias hold one value per channel, or are null. Statistics in double.
 */
public final class GroupNorm extends BaseLayer {
  private final int groups;
  private final int channels;
  private final float eps;
  private final float[] weight;
  private final float[] bias;

  public GroupNorm(String name, int groups, int channels, float eps, float[] weight, float[] bias) {
    super("group_norm", name);
    this.groups = positive("groups", groups);
    this.channels = positive("channels", channels);
    if (channels % groups != 0) {
      throw badParameter("groups", "must divide channels " + channels, Integer.toString(groups));
    }
    this.eps = Params.finite(this, "eps", eps);
    this.weight = weight == null ? null : Params.values(this, "weight", weight, channels, "channels").clone();
    this.bias = bias == null ? null : Params.values(this, "bias", bias, channels, "channels").clone();
  }

  @Override
  public String op() {
    return "group_norm";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length < 1 || in[0] != channels) {
      throw new ShapeException(this, "(" + channels + ", ...)", in);
    }
    return in.clone();
  }

  @Override
  public long parameterCount() {
    return (weight == null ? 0 : weight.length) + (bias == null ? 0 : bias.length);
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int plane = Shapes.size(inShape) / channels;
    int perGroup = channels / groups;
    for (int n = 0; n < batch; n++) {
      for (int g = 0; g < groups; g++) {
        int off = (n * channels + g * perGroup) * plane;
        double[] stats = Moments.of(in, off, perGroup * plane);
        float mean = (float) stats[0];
        float inv = (float) (1 / Math.sqrt(stats[1] + eps));
        for (int c = g * perGroup; c < (g + 1) * perGroup; c++) {
          float scale = weight == null ? inv : inv * weight[c];
          float shift = bias == null ? 0f : bias[c];
          for (int i = (n * channels + c) * plane, end = i + plane; i < end; i++) {
            out[i] = (in[i] - mean) * scale + shift; // centred first: no cancellation when |mean| >> std
          }
        }
      }
    }
  }
}
