package dev.sparkconv.nn;

/**
 * Softmax, or log-softmax, along one axis of the sample (any rank; the axis counts within the
 * sample, negative from the end, so the default -1 is the features of an (N, F) batch, PyTorch's
 * dim=1). The axis maximum is subtracted first so exp never overflows, sums run in double.
 * Ops "softmax" and "log_softmax".
 */
public final class Softmax extends BaseLayer {
  private final int axis;
  private final boolean log;

  /** Softmax over the last axis. */
  public Softmax(String name) {
    this(name, -1, false);
  }

  public Softmax(String name, int axis, boolean log) {
    super(log ? "log_softmax" : "softmax", name);
    this.axis = axis;
    this.log = log;
  }

  @Override
  public String op() {
    return log ? "log_softmax" : "softmax";
  }

  public int axis() {
    return axis;
  }

  public boolean isLog() {
    return log;
  }

  @Override
  public int[] outputShape(int[] in) {
    int a = Axes.normalize(axis, in.length);
    if (a < 0 || in[a] < 1) {
      throw new ShapeException(this, "a sample with axis " + axis + " of size >= 1", in);
    }
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int a = Axes.normalize(axis, inShape.length);
    int len = inShape[a];
    int inner = Axes.product(inShape, a + 1, inShape.length);
    int outer = batch * Axes.product(inShape, 0, a);
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int start = o * len * inner + j;
        int end = start + len * inner;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = start; i < end; i += inner) {
          max = Math.max(max, in[i]);
        }
        double sum = 0;
        if (log) {
          for (int i = start; i < end; i += inner) {
            sum += Math.exp(in[i] - max);
          }
          double logSum = Math.log(sum);
          for (int i = start; i < end; i += inner) {
            out[i] = (float) (in[i] - max - logSum);
          }
        } else {
          for (int i = start; i < end; i += inner) {
            float e = (float) Math.exp(in[i] - max);
            out[i] = e;
            sum += e;
          }
          float scale = (float) (1 / sum);
          for (int i = start; i < end; i += inner) {
            out[i] *= scale;
          }
        }
      }
    }
  }
}
