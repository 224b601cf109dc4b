package dev.sparkconv.nn;

import java.util.Locale;

/**
 * Elementwise division, power, maximum, minimum or comparison of computed tensors, broadcasting size-1 axes like
 * {@link Add} (ONNX Div, Pow, Max, Min, Equal, Less, Greater between two tensors the network computes); several
 * inputs fold left (Max and Min are variadic). A comparison gives 1 or 0. Op "div" and so on.
 */
public final class BinaryMath extends ElementwiseJoin {
  public enum Kind { DIV, POW, MAX, MIN, EQUAL, LESS, GREATER }

  private final Kind kind;

  public BinaryMath(String name, Kind kind) {
    super("binary", name, kind == Kind.MAX || kind == Kind.MIN ? Integer.MAX_VALUE : 2);
    if (kind == null) {
      throw new IllegalArgumentException("layer '" + name + "': parameter 'kind' must be one of "
          + java.util.Arrays.toString(Kind.values()) + " but is null");
    }
    this.kind = kind;
  }

  @Override
  public String op() {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  @Override
  void combine(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    for (int i = 0; i < len; i++) {
      out[oo + i] = apply(kind, a[ao + i * as], b[bo + i * bs]);
    }
  }

  /** ONNX's Max and Min propagate NaN, as Math.max / min do; Pow as float pow (powf). */
  static float apply(Kind kind, float x, float y) {
    return switch (kind) {
      case DIV -> x / y;
      case POW -> (float) Math.pow(x, y);
      case MAX -> Math.max(x, y);
      case MIN -> Math.min(x, y);
      case EQUAL -> x == y ? 1f : 0f;
      case LESS -> x < y ? 1f : 0f;
      case GREATER -> x > y ? 1f : 0f;
    };
  }
}
