package dev.sparkconv.nn;

/**
 * Output-size arithmetic of transposed convolution, with PyTorch's rules (ConvTransposeNd and
 * its {@code output_size} argument). Move to ConvGeometry: it is kept apart only while that class
 * is being extended on another branch.
 */
final class TransposedGeometry {
  private TransposedGeometry() {}

  /**
   * {@code (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1}: the
   * output size along one axis; may be &lt; 1 (the caller rejects that input).
   */
  static long outputSize(int in, int kernel, int stride, int padding, int dilation, int outputPadding) {
    return (long) (in - 1) * stride - 2L * padding + (long) dilation * (kernel - 1) + outputPadding + 1;
  }

  /**
   * The output padding that gives {@code requested} output elements from {@code in} input elements,
   * or -1 when PyTorch refuses it: an explicit output size must lie in [min, min + stride - 1] with
   * min the size without output padding.
   */
  static int outputPaddingFor(int requested, int in, int kernel, int stride, int padding, int dilation) {
    long min = outputSize(in, kernel, stride, padding, dilation, 0);
    long extra = requested - min;
    return extra >= 0 && extra < stride ? (int) extra : -1;
  }

  /**
   * The one input size whose output-size range [min, min + stride - 1] holds {@code requested}, or
   * -1 when there is none: (in - 1) * stride = requested - base - extra with 0 &lt;= extra &lt; stride.
   */
  static int inputSizeFor(int requested, int kernel, int stride, int padding, int dilation) {
    long base = (long) dilation * (kernel - 1) + 1 - 2L * padding;
    long span = requested - base;
    return span < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.floorDiv(span, (long) stride) + 1);
  }

  /** The smallest input size whose output size (with this output padding) is at least 1. */
  static int minInputSize(int kernel, int stride, int padding, int dilation, int outputPadding) {
    long need = 2L * padding - (long) dilation * (kernel - 1) - outputPadding; // (in - 1) * stride >= need
    return (int) Math.max(1, -Math.floorDiv(-need, (long) stride) + 1);
  }
}
