package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * ShuffleNet's channel shuffle: the C channels, seen as (groups, C/groups), are transposed to
 * (C/groups, groups), so the next grouped convolution sees channels from every group. Output channel
 * j*groups + i is input channel i*(C/groups) + j, as x.view(N, g, C/g, ...).transpose(1, 2) does.
 * Any rank: (C, L), (C, H, W), (C, T, H, W).
 */
public final class ChannelShuffle extends BaseLayer {
  private final int groups;

  public ChannelShuffle(String name, int groups) {
    super("channel_shuffle", name);
    this.groups = positive("groups", groups);
  }

  @Override
  public String op() {
    return "channel_shuffle";
  }

  public int groups() {
    return groups;
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length < 1 || in[0] % groups != 0) {
      throw new ShapeException(this, "(C, ...) with C divisible by groups " + groups, in);
    }
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int channels = inShape[0];
    int perGroup = channels / groups;
    int plane = Shapes.size(inShape) / Math.max(1, channels);
    for (int n = 0; n < batch; n++) {
      int base = n * channels * plane;
      for (int i = 0; i < groups; i++) {
        for (int j = 0; j < perGroup; j++) {
          System.arraycopy(in, base + (i * perGroup + j) * plane, out, base + (j * groups + i) * plane, plane);
        }
      }
    }
  }
}
