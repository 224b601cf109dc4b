package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * Padding like PyTorch's F.pad: {@code pads} holds (begin, end) pairs starting from the last axis
 * of the sample, (left, right, top, bottom, front, back, ...), and may cover any number of axes up
 * to the sample's rank. Modes: "constant" (the value; negative pads crop), "reflect" (mirror
 * without repeating the edge, pads &lt; the axis), "replicate" (repeat the edge), "circular" (wrap
 * around, pads &lt;= the axis). Op "pad".
 */
public final class Pad extends BaseLayer {
  static final String[] MODES = {"constant", "reflect", "replicate", "circular"};
  private static final int CONSTANT = 0;
  private static final int REFLECT = 1;
  private static final int REPLICATE = 2;
  private static final int CIRCULAR = 3;

  private final int[] pads;
  private final int mode;
  private final float value;

  public Pad(String name, int[] pads, String mode, float value) {
    super("pad", name);
    int code = Arrays.asList(MODES).indexOf(mode);
    if (code < 0) {
      throw badParameter("mode", "must be one of " + String.join(", ", MODES), String.valueOf(mode));
    }
    if (pads == null || pads.length == 0 || pads.length % 2 != 0) {
      throw badParameter("pads", "must hold (begin, end) pairs from the last axis on",
          pads == null ? "null" : Shapes.format(pads));
    }
    for (int p : pads) {
      if (p < 0 && code != CONSTANT) {
        throw badParameter("pads", "must be >= 0 in " + mode + " mode (only constant mode crops)",
            Shapes.format(pads));
      }
    }
    this.pads = pads.clone();
    this.mode = code;
    this.value = Params.finite(this, "value", value);
  }

  @Override
  public String op() {
    return "pad";
  }

  public int[] pads() {
    return pads.clone();
  }

  public String mode() {
    return MODES[mode];
  }

  public float value() {
    return value;
  }

  /** Padding before sample axis {@code a} of a rank-{@code rank} sample. */
  private int begin(int a, int rank) {
    int fromLast = rank - 1 - a;
    return 2 * fromLast < pads.length ? pads[2 * fromLast] : 0;
  }

  private int end(int a, int rank) {
    int fromLast = rank - 1 - a;
    return 2 * fromLast < pads.length ? pads[2 * fromLast + 1] : 0;
  }

  @Override
  public int[] outputShape(int[] in) {
    int rank = in.length;
    boolean ok = pads.length / 2 <= rank;
    int[] out = new int[rank];
    for (int a = 0; ok && a < rank; a++) {
      int b = begin(a, rank);
      int e = end(a, rank);
      out[a] = in[a] + b + e;
      ok = in[a] >= 1 && out[a] >= 1
          && (mode != REFLECT || b < in[a] && e < in[a])
          && (mode != CIRCULAR || b <= in[a] && e <= in[a]);
    }
    if (!ok) {
      throw new ShapeException(this, "a sample of rank >= " + pads.length / 2 + " whose padded axes "
          + (mode == REFLECT ? "are longer than their pads" : mode == CONSTANT ? "stay >= 1 after cropping"
          : mode == REPLICATE ? "are >= 1" : "are at least as long as their pads") + " for pads "
          + Shapes.format(pads), in);
    }
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int inSize = Shapes.size(inShape);
    int dst = 0;
    for (int n = 0; n < batch; n++) {
      dst = copy(in, n * inSize, out, dst, inShape, 0, false);
    }
  }

  /**
   * Writes the output block of axes a.. whose input block starts at {@code src}; {@code outside}
   * when an outer axis already fell in the constant padding. Returns the next dst.
   */
  private int copy(float[] in, int src, float[] out, int dst, int[] inShape, int a, boolean outside) {
    int rank = inShape.length;
    if (outside) {
      int count = 1;
      for (int x = a; x < rank; x++) {
        count *= inShape[x] + begin(x, rank) + end(x, rank);
      }
      Arrays.fill(out, dst, dst + count, value);
      return dst + count;
    }
    int n = inShape[a];
    int b = begin(a, rank);
    int outN = n + b + end(a, rank);
    if (a == rank - 1) {
      for (int o = 0; o < outN; o++) {
        int i = source(o - b, n);
        out[dst++] = i < 0 ? value : in[src + i];
      }
      return dst;
    }
    int stride = Axes.product(inShape, a + 1, rank);
    for (int o = 0; o < outN; o++) {
      int i = source(o - b, n);
      dst = copy(in, src + Math.max(i, 0) * stride, out, dst, inShape, a + 1, i < 0);
    }
    return dst;
  }

  /** The input index an output at unpadded position {@code i} reads, or -1 for the constant value. */
  private int source(int i, int n) {
    if (i >= 0 && i < n) {
      return i;
    }
    return switch (mode) {
      case CONSTANT -> -1;
      case REFLECT -> i < 0 ? -i : 2 * (n - 1) - i;
      case REPLICATE -> i < 0 ? 0 : n - 1;
      default -> i < 0 ? i + n : i - n; // CIRCULAR: pads <= n need one wrap
    };
  }
}
