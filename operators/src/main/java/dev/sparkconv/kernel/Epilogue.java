package dev.sparkconv.kernel;

/**
 * What a layer does to a GEMM's result as the micro-kernel writes it, instead of in passes of its own over C:
 * add a bias per row of C ({@code rowBias[rowBiasOff + i]} to row i; null for none), then clamp to
 * [lo, hi] (a fused ReLU: [0, +inf]; ReLU6: [0, 6]). Infinite bounds clamp nothing, NaN included.
 */
public record Epilogue(float[] rowBias, int rowBiasOff, float lo, float hi) {

  /** Neither bias nor clamp. */
  public static final Epilogue NONE = new Epilogue(null, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

  public Epilogue {
    if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
      throw new IllegalArgumentException("epilogue clamp needs lo <= hi, got [" + lo + ", " + hi + "]");
    }
  }

  /** A bias only (null: none). */
  public static Epilogue bias(float[] rowBias, int rowBiasOff) {
    return new Epilogue(rowBias, rowBiasOff, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
  }

  /** A bias and a clamp. */
  public static Epilogue of(float[] rowBias, int rowBiasOff, float lo, float hi) {
    return new Epilogue(rowBias, rowBiasOff, lo, hi);
  }
}
