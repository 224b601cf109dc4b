package dev.sparkconv.nn;

/** Softmax over the features of a (N, F) batch; the maximum is subtracted first so exp never overflows. */
public final class Softmax extends BaseLayer {
  public Softmax(String name) {
    super("softmax", name);
  }

  @Override
  public String op() {
    return "softmax";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length != 1 || in[0] < 1) {
      throw new ShapeException(this, "(F) with F>=1", in);
    }
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int f = inShape[0];
    for (int n = 0; n < batch; n++) {
      int off = n * f;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = off; i < off + f; i++) {
        max = Math.max(max, in[i]);
      }
      double sum = 0;
      for (int i = off; i < off + f; i++) {
        float e = (float) Math.exp(in[i] - max);
        out[i] = e;
        sum += e;
      }
      float scale = (float) (1.0 / sum);
      for (int i = off; i < off + f; i++) {
        out[i] *= scale;
      }
    }
  }
}
