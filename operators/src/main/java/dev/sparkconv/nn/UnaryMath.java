package dev.sparkconv.nn;

import java.util.Locale;

/**
 * An elementwise function of one input (ONNX Sqrt, Reciprocal, Exp, Log, Abs, Neg, Floor, Ceil, Sign), float in and out
 * with IEEE semantics (sqrt and log of a negative are NaN, 1/0 is infinite). Op "sqrt" and so on.
 */
public final class UnaryMath extends Elementwise {
  public enum Kind { SQRT, RECIPROCAL, EXP, LOG, ABS, NEG, FLOOR, CEIL, SIGN }

  private final Kind kind;

  public UnaryMath(String name, Kind kind) {
    super("unary", name);
    if (kind == null) {
      throw badParameter("kind", "must be one of " + java.util.Arrays.toString(Kind.values()), "null");
    }
    this.kind = kind;
  }

  @Override
  public String op() {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int n = count(batch, inShape);
    switch (kind) { // one loop per function, each monomorphic
      case SQRT -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) Math.sqrt(in[i]);
        }
      }
      case RECIPROCAL -> {
        for (int i = 0; i < n; i++) {
          out[i] = 1f / in[i];
        }
      }
      case EXP -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) Math.exp(in[i]);
        }
      }
      case LOG -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) Math.log(in[i]);
        }
      }
      case ABS -> {
        for (int i = 0; i < n; i++) {
          out[i] = Math.abs(in[i]);
        }
      }
      case NEG -> {
        for (int i = 0; i < n; i++) {
          out[i] = -in[i];
        }
      }
      case FLOOR -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) Math.floor(in[i]);
        }
      }
      case CEIL -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) Math.ceil(in[i]);
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          out[i] = Math.signum(in[i]);
        }
      }
    }
  }
}
