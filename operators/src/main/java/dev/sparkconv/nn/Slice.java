package dev.sparkconv.nn;

/**
 * Python's x[start:end:step] along one sample axis (negative start and end count from the end and
 * are clamped to the axis, step >= 1, end defaults to the axis end); the other axes are kept.
 * Unlike PyTorch an empty result is refused, as a network cannot carry it. Op "slice".
 */
public final class Slice extends BaseLayer {
  private final int axis;
  private final int start;
  private final int end;
  private final int step;

  public Slice(String name, int axis, int start, int end, int step) {
    super("slice", name);
    this.axis = axis;
    this.start = start;
    this.end = end;
    if (step < 1) {
      throw badParameter("step", "must be positive", Integer.toString(step));
    }
    this.step = step;
  }

  @Override
  public String op() {
    return "slice";
  }

  public int axis() {
    return axis;
  }

  public int start() {
    return start;
  }

  public int end() {
    return end;
  }

  public int step() {
    return step;
  }

  private static int clamp(int index, int size) {
    return index < 0 ? Math.max(0, index + size) : Math.min(index, size);
  }

  private int count(int size) {
    int s = clamp(start, size);
    int e = clamp(end, size);
    return e <= s ? 0 : (int) (((long) e - s + step - 1) / step);
  }

  @Override
  public int[] outputShape(int[] in) {
    int a = Axes.normalize(axis, in.length);
    if (a < 0 || count(in[a]) < 1) {
      throw new ShapeException(this, "a sample whose axis " + axis + " has elements in [" + start + ":" + end + ":"
          + step + "]", in);
    }
    int[] out = in.clone();
    out[a] = count(in[a]);
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int a = Axes.normalize(axis, inShape.length);
    int n = inShape[a];
    int s = clamp(start, n);
    int count = count(n);
    int inner = Axes.product(inShape, a + 1, inShape.length);
    int outer = batch * Axes.product(inShape, 0, a);
    int dst = 0;
    for (int o = 0; o < outer; o++) {
      for (int k = 0, src = (o * n + s) * inner; k < count; k++, src += step * inner, dst += inner) {
        System.arraycopy(in, src, out, dst, inner);
      }
    }
  }
}
