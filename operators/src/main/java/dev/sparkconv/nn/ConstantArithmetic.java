package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * x + c, x * c, c - x, x ^ c, c / x, max(x, c), min(x, c) or a comparison x == c, x < c, x > c (1 or 0) with a
 * constant tensor c that broadcasts to the input: its per-sample shape
 * has at most the input's rank (leading axes added as size 1) and each size equals the input's or
 * is 1. Imported graphs need it for biases and scales that are weights, not nodes (ONNX Add/Mul
 * with an initializer). Ops "const_add", "const_mul", "const_rsub", "const_pow", "const_rdiv", "const_max", "const_min", "const_equal",
 * "const_less", "const_greater".
 */
public final class ConstantArithmetic extends BaseLayer {
  public enum Kind { ADD, MUL, RSUB, POW, RDIV, MAX, MIN, EQUAL, LESS, GREATER }

  private final Kind kind;
  private final float[] constant;
  private final int[] shape;

  public ConstantArithmetic(String name, Kind kind, float[] constant, int[] shape) {
    super("const_arithmetic", name);
    if (kind == null || constant == null || shape == null || Shapes.size(shape) != constant.length) {
      throw badParameter("constant", "must hold product(shape) values of a non-null kind",
          constant == null || shape == null ? "null" : constant.length + " values for " + Arrays.toString(shape));
    }
    this.kind = kind;
    this.constant = constant.clone();
    this.shape = shape.clone();
  }

  @Override
  public String op() {
    return "const_" + kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  /** A copy of the constant, of {@link #shape()}. */
  public float[] constant() {
    return constant.clone();
  }

  public int[] shape() {
    return shape.clone();
  }

  @Override
  public long parameterCount() {
    return constant.length;
  }

  @Override
  public int[] outputShape(int[] in) {
    boolean fits = shape.length <= in.length;
    for (int a = 0; fits && a < shape.length; a++) {
      int d = shape[shape.length - 1 - a];
      fits = d == 1 || d == in[in.length - 1 - a];
    }
    if (!fits) {
      throw new ShapeException(this, "an input the constant " + Shapes.format(shape) + " broadcasts to", in);
    }
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rank = inShape.length;
    int[] cStride = new int[rank]; // 0 where the constant repeats
    int[] inStride = new int[rank];
    for (int a = rank - 1, cs = 1, is = 1; a >= 0; a--) {
      int ca = a - (rank - shape.length);
      int cd = ca < 0 ? 1 : shape[ca];
      cStride[a] = cd == 1 ? 0 : cs;
      cs *= cd;
      inStride[a] = is;
      is *= inShape[a];
    }
    int size = Shapes.size(inShape);
    for (int n = 0; n < batch; n++) {
      walk(0, inShape, inStride, cStride, in, out, n * size, 0);
    }
  }

  private void walk(int axis, int[] dims, int[] inStride, int[] cStride, float[] in, float[] out, int off, int coff) {
    if (axis == dims.length - 1) {
      int cs = cStride[axis];
      for (int i = 0, len = dims[axis]; i < len; i++) {
        float c = constant[coff + i * cs];
        float x = in[off + i];
        out[off + i] = switch (kind) {
          case ADD -> x + c;
          case MUL -> x * c;
          case RSUB -> c - x;
          case POW -> (float) Math.pow(x, c);
          case RDIV -> c / x;
          case MAX -> Math.max(x, c);
          case MIN -> Math.min(x, c);
          case EQUAL -> x == c ? 1f : 0f;
          case LESS -> x < c ? 1f : 0f;
          case GREATER -> x > c ? 1f : 0f;
        };
      }
      return;
    }
    for (int i = 0; i < dims[axis]; i++) {
      walk(axis + 1, dims, inStride, cStride, in, out, off + i * inStride[axis], coff + i * cStride[axis]);
    }
  }
}
