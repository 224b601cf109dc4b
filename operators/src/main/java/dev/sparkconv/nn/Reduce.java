package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Locale;

/**
 * A reduction over some per-sample axes (ONNX ReduceMean / ReduceSum / ReduceMax / ReduceMin / ReduceL2, PyTorch's
 * mean / sum / amax / amin / norm over dims): {@code keepDims} leaves the reduced axes with size 1, otherwise they
 * are dropped. Sums in double. Op "reduce_mean" and so on.
 */
public final class Reduce extends BaseLayer {
  public enum Kind { MEAN, SUM, MAX, MIN, L2 }

  private final Kind kind;
  private final int[] axes;
  private final boolean keepDims;

  /** {@code axes}: per-sample axes (0 is the first after the batch), each at most once. */
  public Reduce(String name, Kind kind, int[] axes, boolean keepDims) {
    super("reduce", name);
    if (kind == null || axes == null || axes.length == 0 || Arrays.stream(axes).distinct().count() != axes.length
        || Arrays.stream(axes).anyMatch(a -> a < 0)) {
      throw badParameter("axes", "must list distinct per-sample axes >= 0 (and the kind be non-null)",
          axes == null ? "null" : Arrays.toString(axes));
    }
    this.kind = kind;
    this.axes = axes.clone();
    Arrays.sort(this.axes);
    this.keepDims = keepDims;
  }

  @Override
  public String op() {
    return "reduce_" + kind.name().toLowerCase(Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  /** The reduced per-sample axes, ascending. */
  public int[] axes() {
    return axes.clone();
  }

  public boolean keepDims() {
    return keepDims;
  }

  @Override
  public int[] outputShape(int[] in) {
    if (axes[axes.length - 1] >= in.length) {
      throw new ShapeException(this, "an input with axis " + axes[axes.length - 1], in);
    }
    int[] kept = in.clone();
    for (int a : axes) {
      kept[a] = keepDims ? 1 : -1;
    }
    return keepDims ? kept : Arrays.stream(kept).filter(d -> d >= 0).toArray();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rank = inShape.length + 1;
    int[] dims = Shapes.batched(batch, inShape);
    boolean[] reduced = new boolean[rank];
    for (int a : axes) {
      reduced[a + 1] = true;
    }
    int[] outStride = new int[rank]; // 0 along reduced axes
    for (int d = rank - 1, s = 1; d >= 0; d--) {
      outStride[d] = reduced[d] ? 0 : s;
      s *= reduced[d] ? 1 : dims[d];
    }
    int outSize = batch * Shapes.size(outputShape(inShape));
    double[] acc = new double[outSize];
    Arrays.fill(acc, kind == Kind.MAX ? Double.NEGATIVE_INFINITY : kind == Kind.MIN ? Double.POSITIVE_INFINITY : 0);
    int inner = dims[rank - 1];
    int innerStride = outStride[rank - 1];
    int[] index = new int[rank];
    for (int src = 0, dst = 0, total = batch * Shapes.size(inShape); src < total; src += inner) {
      accumulate(acc, dst, innerStride, in, src, inner);
      for (int d = rank - 2; d >= 0; d--) { // odometer over the outer axes
        dst += outStride[d];
        if (++index[d] < dims[d]) {
          break;
        }
        index[d] = 0;
        dst -= outStride[d] * dims[d];
      }
    }
    long count = Shapes.size(inShape) / Math.max(1, Shapes.size(outputShape(inShape)));
    for (int i = 0; i < outSize; i++) {
      out[i] = (float) (kind == Kind.MEAN ? acc[i] / count : kind == Kind.L2 ? Math.sqrt(acc[i]) : acc[i]);
    }
  }

  /** The innermost axis: into one cell (step 0, a reduced axis) or a run of cells; one loop per kind. */
  private void accumulate(double[] acc, int at, int step, float[] in, int src, int n) {
    switch (kind) {
      case MAX -> {
        for (int i = 0; i < n; i++) {
          acc[at + i * step] = Math.max(acc[at + i * step], in[src + i]);
        }
      }
      case MIN -> {
        for (int i = 0; i < n; i++) {
          acc[at + i * step] = Math.min(acc[at + i * step], in[src + i]);
        }
      }
      case L2 -> {
        for (int i = 0; i < n; i++) {
          acc[at + i * step] += (double) in[src + i] * in[src + i];
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          acc[at + i * step] += in[src + i];
        }
      }
    }
  }
}
