package dev.sparkconv.kernel;

/**
 * Long unit-stride row loops: the updates {@code y[yOff + i] += sum_j a_j * x[x_j + i]} for i in [0, n)
 * of the direct depthwise convolution and of skinny GEMMs, and the dot products of skinny GEMMs. A scalar and a Vector API
 * implementation, chosen with the micro-kernel by {@link Kernels#axpy()}. JDK 17's C2 does not
 * auto-vectorize these loops (its SuperWord gives up when the loads and the store have different
 * invariant offsets), hence the explicit vector one. No argument checks: callers pass in-range
 * offsets.
 */
public interface Axpy {

  /** y[yOff + i] += a * x[xOff + i]. */
  void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff);

  /** y[yOff + i] += a0 * x[x0 + i] + a1 * x[x1 + i] + a2 * x[x2 + i]: three taps of one kernel row. */
  void axpy3(int n, float a0, float a1, float a2, float[] x, int x0, int x1, int x2, float[] y, int yOff);

  /**
   * y[yOff + i] = bias + sum_t w[wOff + t] * x[xBase + off[t] + i] over the nine taps t: a whole 3x3 window per
   * output, accumulated in registers (nine loads and one store per vector of outputs, where three
   * {@link #axpy3} passes over y need twelve loads and three stores). y is only written, so a vector
   * implementation may finish with a last full vector overlapping the one before instead of a scalar tail.
   */
  void window9(int n, float[] w, int wOff, float bias, float[] x, int[] off, int xBase, float[] y, int yOff);

  /**
   * Two output rows of a 3x3 stride-1 window (taps dW apart in a row, rows {@code pitch} apart), i < n:
   * y[y0 + i] = bias + sum_{kh,kw} w[wOff + 3kh + kw] * x[x0 + kh*pitch + kw*dW + i] and the same one input row
   * lower into y[y0 + yPitch + i]. The two rows share two of their four input rows, so a vector implementation
   * loads 12 input vectors for 18 FMAs instead of 18: 1.5x faster than {@link #window9} row by row on Zen 4,
   * where these loads, not the FMAs, are the bound. Like window9, y is only written.
   */
  void window3x3Rows2(int n, float[] w, int wOff, float bias, float[] x, int x0, int pitch, int dW, float[] y,
      int y0, int yPitch);

  /**
   * y[yOff + i] = max(y[yOff + i], x[xOff + i]), NaN winning as in {@link Math#max}: max pooling's rows. x and y do
   * not overlap (a vector implementation may apply the last elements twice).
   */
  void maxInto(int n, float[] x, int xOff, float[] y, int yOff);

  /**
   * y[yOff + 2i] = bias + x[x0 + i] and y[yOff + 2i + 1] = bias + x[x1 + i] for i < n: the two stride phases of an
   * output row merged into it (a stride-2 transposed convolution's col2im). y is only written, as in window9.
   */
  void interleave2(int n, float bias, float[] x, int x0, int x1, float[] y, int yOff);

  /**
   * out[outOff + i] = x[xOff + i] + y[yOff + i]: a residual connection. out may be x or y at the same offset, no other
   * overlap. C2's own vectorizing of the plain loop comes and goes with the profile: 200704 floats took 67 us in one
   * JVM and 26 in the next, this 24-25.
   */
  void add(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff);

  /** sum_i x[xOff + i] * y[yOff + i]. */
  float dot(int n, float[] x, int xOff, float[] y, int yOff);

  /**
   * The four dot products of rows x[x0 + r * ldx ..] (r < 4) with one y, into out[outOff + r * ldo]: y is read once
   * for four rows (a fully connected layer's weights, a few samples at a time, then stream from memory once).
   */
  void dots4(int n, float[] x, int x0, int ldx, float[] y, int yOff, float[] out, int outOff, int ldo);

  /**
   * The sixteen dot products of rows x[x0 + r * ldx ..] (r < 4) with rows y[y0 + c * ldy ..] (c < 4), into
   * out[outOff + 4r + c]: the last few columns of a GEMM, four rows of A against four columns of B. A vector
   * implementation sums its sixteen accumulators in one tree of lane swaps, not sixteen lane reductions.
   */
  void dots4x4(int n, float[] x, int x0, int ldx, float[] y, int y0, int ldy, float[] out, int outOff);

  /**
   * y[yOff + i] = 1 / (1 + exp(-x[xOff + i])): the logistic sigmoid (SiLU's and squeeze-and-excitation's), within
   * a few float ulps; the scalar loop computes it in double, one exp per element, which profiled at two thirds of
   * EfficientNet-B0's time.
   */
  void sigmoid(int n, float[] x, int xOff, float[] y, int yOff);

  /**
   * y[yOff + i] = erf(x[xOff + i]) (exact GELU as opsets before 20 export it); the vector loop within 5e-7 of it
   * (Eigen's float rational approximation), the scalar one {@link dev.sparkconv.nn.Erf}'s double series.
   */
  void erf(int n, float[] x, int xOff, float[] y, int yOff);
}
