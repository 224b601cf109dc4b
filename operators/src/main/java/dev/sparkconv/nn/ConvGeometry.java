package dev.sparkconv.nn;

/**
 * The one place for the sliding-window formulas shared by convolution and pooling: effective
 * (dilated) kernel, output size with PyTorch's rules (floor division, and ceil mode's "the last
 * window must start inside the input or the left padding"), and the named paddings
 * 'valid' / 'same' / 'full'.
 */
public final class ConvGeometry {
  private ConvGeometry() {}

  /** {@code dilation * (kernel - 1) + 1}: the span one window covers. */
  public static int effectiveKernel(int kernel, int dilation) {
    return dilation * (kernel - 1) + 1;
  }

  /**
   * floor-or-ceil((in + padBegin + padEnd - effectiveKernel) / stride) + 1.
   *
   * @throws IllegalArgumentException when no window fits (output &lt; 1)
   */
  public static int outputSize(int in, int kernel, int stride, int padBegin, int padEnd, int dilation,
      boolean ceilMode) {
    int out = rawOutputSize(in, kernel, stride, padBegin, padEnd, dilation, ceilMode);
    if (out < 1) {
      throw new IllegalArgumentException("input size " + in + " with padding (" + padBegin + ", " + padEnd
          + ") is smaller than the effective kernel " + effectiveKernel(kernel, dilation)
          + " (kernel " + kernel + ", dilation " + dilation + ", stride " + stride + "): output size " + out);
    }
    return out;
  }

  /** The smallest input size that gives at least one output. */
  public static int minInputSize(int kernel, int stride, int padBegin, int padEnd, int dilation, boolean ceilMode) {
    int min = effectiveKernel(kernel, dilation) - padBegin - padEnd - (ceilMode ? stride - 1 : 0);
    return Math.max(1, min);
  }

  /** The formula without the check; may be &lt; 1. */
  static int rawOutputSize(int in, int kernel, int stride, int padBegin, int padEnd, int dilation,
      boolean ceilMode) {
    long span = (long) in + padBegin + padEnd - effectiveKernel(kernel, dilation);
    // Floor division like PyTorch's div_rtn: a negative span must not round up to a window.
    long out = Math.floorDiv(span + (ceilMode ? stride - 1 : 0), (long) stride) + 1;
    if (ceilMode && (out - 1) * stride >= (long) in + padBegin) {
      out--; // the last window would start in the right padding
    }
    return (int) Math.max(Math.min(out, Integer.MAX_VALUE), Integer.MIN_VALUE);
  }

  /**
   * The padding a named mode stands for, as {begin..., end...} over the axes (length 2 * rank):
   * 'valid' none; 'same' (stride 1 only) d*(k-1) in total with the odd one at the end, exactly
   * PyTorch's padding='same' (even kernels too), so that out = in; 'full' d*(k-1) on both sides,
   * so that out = in + d*(k-1) and every window that touches the input is kept.
   *
   * @throws IllegalArgumentException for an unknown name, or 'same' with a stride other than 1
   */
  public static int[] namedPadding(String name, int[] kernel, int[] stride, int[] dilation) {
    int rank = kernel.length;
    int[] pad = new int[2 * rank];
    for (int axis = 0; axis < rank; axis++) {
      int total = effectiveKernel(kernel[axis], dilation[axis]) - 1;
      switch (name) {
        case "valid" -> { }
        case "same" -> {
          if (stride[axis] != 1) {
            throw new IllegalArgumentException("'same' needs stride 1 on every axis (as in PyTorch) but stride is "
                + java.util.Arrays.toString(stride));
          }
          pad[axis] = total / 2;
          pad[rank + axis] = total - total / 2;
        }
        case "full" -> {
          pad[axis] = total;
          pad[rank + axis] = total;
        }
        default -> throw new IllegalArgumentException("must be 'valid', 'same' or 'full' but is '" + name + "'");
      }
    }
    return pad;
  }

  /**
   * The (outC, outH, outW) of a 2-D window over a (C, H, W) input with symmetric padding; a
   * {@link ShapeException} naming {@code layer} when the channels differ or the input is too small.
   */
  static int[] outputShape2d(Layer layer, int inChannels, int outChannels, int[] in, int[] kernel, int[] stride,
      int[] padding, int[] dilation) {
    int minH = minInputSize(kernel[0], stride[0], padding[0], padding[0], dilation[0], false);
    int minW = minInputSize(kernel[1], stride[1], padding[1], padding[1], dilation[1], false);
    if (in.length != 3 || in[0] != inChannels || in[1] < minH || in[2] < minW) {
      throw new ShapeException(layer, "(" + inChannels + ", H>=" + minH + ", W>=" + minW + ")", in);
    }
    return new int[] {outChannels,
        outputSize(in[1], kernel[0], stride[0], padding[0], padding[0], dilation[0], false),
        outputSize(in[2], kernel[1], stride[1], padding[1], padding[1], dilation[1], false)};
  }
}
