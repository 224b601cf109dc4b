package dev.sparkconv.kernel;

/**
 * The BLIS micro-kernel contract: one full MR x NR tile of C.
 *
 * <pre>
 *   C = clamp(alpha * Apanel * Bpanel + beta * C + bias, lo, hi)
 *       bias[biasOff + i] added to row i, then min(max(x, lo), hi): a layer's bias and ReLU, fused
 *   Apanel: MR x kc, packed column by column: a[aOff + p*MR + i]
 *   Bpanel: kc x NR, packed row by row:       b[bOff + p*NR + j]
 *   C:      c[cOff + i*ldc + j], i &lt; MR, j &lt; NR
 * </pre>
 *
 * {@code scalars} = {alpha, beta, lo, hi}, in memory rather than as float arguments: C2 keeps a float argument in a
 * vector register through the k loop, and with 16 of them (AVX2) the accumulators then spill to the stack (a
 * kernel reads them after the loop). When {@code beta == 0} C is never read (it may hold NaN). Implementations do no argument
 * checks: {@link Gemm} validates at the door and only passes in-range panels and tiles.
 */
public interface MicroKernel {

  void compute(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars);

  /**
   * {@link #compute} for the left NR/2 columns of the tile only (the B panel keeps its NR pitch): the last panel
   * of a product whose N leaves at most NR/2 columns there (N = 16: a 7x7 map's Winograd tiles) then costs half
   * the FMAs. Columns NR/2 and up of C are neither read nor written.
   */
  void computeHalf(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars);

  /**
   * {@link #compute} on A read in place instead of a packed panel: row i of the MR x kc block at
   * {@code a[aOff + i * lda + p]} (row-major A, all MR rows present). A product with few columns (N = 49: a 7x7
   * map) uses each element of A only N times, so packing A would cost a large share of the product.
   */
  void computeRows(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars);

  /**
   * {@link #compute} on B read in place instead of a packed panel: row p of the kc x NR block at
   * {@code b[bOff + p * ldb + j]} (row-major B, all NR columns present). A product with few rows (M = 64 and N = 3136:
   * a 56x56 layer's im2col) uses each element of B only M times, so packing B would cost a large share of it.
   */
  void computeColumns(int kc, float[] a, int aOff, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars);

  /** {@link #computeHalf} on A read in place, as {@link #computeRows}. */
  void computeRowsHalf(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars);

  /** Rows of the C tile (and of each packed A panel). */
  int mr();

  /** Columns of the C tile (and of each packed B panel). */
  int nr();

  /** One short line for logs and benchmarks, e.g. "vector FloatVector 512-bit, MR=8 NR=32". */
  String describe();
}
