package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * x for x > 0, else a * x with learned slopes (PyTorch nn.PReLU): one slope for every element, or
 * one per channel, the channel being the first axis of the sample ((C, ...) or the features of (F)).
 */
public final class PRelu extends BaseLayer {
  private final float[] slopes;

  public PRelu(String name, float[] slopes) {
    super("prelu", name);
    if (slopes == null || slopes.length == 0) {
      throw badParameter("slopes", "must hold 1 or C values", slopes == null ? "null" : "0 values");
    }
    this.slopes = slopes.clone();
  }

  @Override
  public String op() {
    return "prelu";
  }

  /** A copy: the layer is shared, so its arrays never leave it. */
  public float[] slopes() {
    return slopes.clone();
  }

  @Override
  public long parameterCount() {
    return slopes.length;
  }

  @Override
  public int[] outputShape(int[] in) {
    if (slopes.length > 1 && (in.length == 0 || in[0] != slopes.length)) {
      throw new ShapeException(this, "(" + slopes.length + ", ...) for " + slopes.length + " channel slopes", in);
    }
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int size = Shapes.size(inShape);
    int channels = slopes.length;
    if (channels == 1) {
      float a = slopes[0];
      for (int i = 0, n = batch * size; i < n; i++) {
        float v = in[i];
        out[i] = v > 0 ? v : v * a;
      }
      return;
    }
    int inner = size / channels;
    for (int i = 0, n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        float a = slopes[c];
        for (int end = i + inner; i < end; i++) {
          float v = in[i];
          out[i] = v > 0 ? v : v * a;
        }
      }
    }
  }
}
