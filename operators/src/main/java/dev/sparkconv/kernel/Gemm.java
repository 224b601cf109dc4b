package dev.sparkconv.kernel;

import java.util.Arrays;

/**
 * Row-major single-precision GEMM: {@code C = alpha * op(A) * op(B) + beta * C}, op(X) = X or X^T.
 * When {@code transA}, A is stored k x m (leading dimension lda); when {@code transB}, B is
 * stored n x k.
 *
 * <p>Blocked as in BLIS: five loops around a {@link MicroKernel}; A is packed into MR-row panels
 * and B into NR-column panels, both zero-padded so the micro-kernel only ever sees full panels;
 * transposes are absorbed by the packing. Arguments are checked once in {@link #sgemm}, the loops
 * below it do no checks.
 *
 * <p>One instance per task: it owns its packing workspaces (allocated once, here), so it is not
 * thread-safe. Several instances may run in parallel on disjoint parts of C.
 */
public final class Gemm {

  private final MicroKernel kernel;
  private final int mr;
  private final int nr;
  private final int mcBlock;
  private final int kcBlock;
  private final int ncBlock;
  private final float[] aPack;
  private final float[] bPack;
  private final float[] tile;
  /** The micro-kernel's {alpha, beta, lo, hi} (see {@link MicroKernel}), refilled before each call. */
  private final float[] scalars = new float[4];
  /** The micro-kernel's bias when there is none, or on K blocks after the first: MC zeros. */
  private final float[] zeroBias;
  /** A row bias copied and zero-padded to whole MR panels (the kernel reads MR entries per panel). */
  private float[] biasPad = new float[0];
  private final Axpy rows;
  /** The last few columns of B's K block, each contiguous, for {@link #tailRows}' dot products. */
  private final float[] bColumns;
  /** op(A)'s row of a transposed skinny product, gathered; grows to K. */
  private float[] aRow = new float[0];

  /** Uses the kernel chosen by {@link Kernels} and the block sizes of {@link BlockSizes}. */
  public Gemm() {
    this(Kernels.selected());
  }

  /** Uses the given micro-kernel (tests, benchmarks) and the default block sizes. */
  public Gemm(MicroKernel kernel) {
    this(kernel, BlockSizes.fromSystemProperties());
  }

  /** Explicit block sizes: tests use tiny ones to exercise every loop boundary cheaply. */
  Gemm(MicroKernel kernel, BlockSizes blocks) {
    this.kernel = kernel;
    this.mr = kernel.mr();
    this.nr = kernel.nr();
    this.mcBlock = roundUp(blocks.mc(), mr);
    this.kcBlock = blocks.kc();
    this.ncBlock = roundUp(blocks.nc(), nr);
    this.aPack = new float[mcBlock * kcBlock];
    this.bPack = new float[kcBlock * ncBlock];
    this.tile = new float[mr * nr];
    this.zeroBias = new float[mcBlock];
    this.bColumns = new float[BlockSizes.TAIL_DOT_COLUMNS * kcBlock];
    this.rows = kernel instanceof ScalarMicroKernel ? new ScalarAxpy() : Kernels.axpy();
  }

  public MicroKernel kernel() {
    return kernel;
  }

  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    if (alpha == 0f || k == 0) {
      scale(m, n, beta, c, cOff, ldc);
      return;
    }
    if (transB && !transA && m <= BlockSizes.SKINNY_DOT_ROWS) {
      skinnyDots(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (m <= BlockSizes.SKINNY_ROWS) {
      skinny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (!transA && n <= Math.min(BlockSizes.IN_PLACE_A_MAX_N, ncBlock) && m >= mr) {
      inPlaceA(transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    blocked(null, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, false, beta, Epilogue.NONE, c, cOff,
        ldc);
  }

  /**
   * op(A) packed once into this GEMM's MR-row panels and K blocks, for an A used in many products (a
   * layer's weights): {@link #sgemm(PackedA, boolean, int, float, float[], int, int, float, float[], int, int)}
   * then skips packing A, which costs as much as the product itself when N is small (a 7x7 feature
   * map: N = 49). Valid for any {@link Gemm} with the same micro-kernel and KC.
   */
  public PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda) {
    GemmArgs.checkA(transA, m, k, a, aOff, lda);
    int kcEven = evenKc(k);
    int mPadded = roundUp(m, mr);
    float[] packed = new float[mPadded * k];
    for (int pc = 0; pc < k; pc += kcEven) {
      int kc = Math.min(kcEven, k - pc);
      packA(transA, m, kc, a, aOff, lda, 0, pc, packed, mPadded * pc);
    }
    return new PackedA(kernel.getClass(), mr, kcBlock, m, k, packed);
  }

  /** Whether {@code a} was packed for this GEMM's micro-kernel and KC (else it must be packed again). */
  public boolean fits(PackedA a) {
    return a.kernel() == kernel.getClass() && a.mr() == mr && a.kcBlock() == kcBlock;
  }

  /** What a packed A depends on: GEMMs with equal layouts share packed weights (and plans holding them). */
  public record Layout(Class<?> kernel, int mr, int kcBlock) {}

  public Layout layout() {
    return new Layout(kernel.getClass(), mr, kcBlock);
  }

  /** An A packed by {@link #pack}: read-only, shareable between threads and GEMM instances. */
  public record PackedA(Class<?> kernel, int mr, int kcBlock, int m, int k, float[] data) {}

  /** C = alpha * A * op(B) + beta * C with A packed by {@link #pack}; as {@link #sgemm} otherwise. */
  public void sgemm(PackedA a, boolean transB, int n, float alpha, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    sgemm(a, transB, n, alpha, b, bOff, ldb, beta, Epilogue.NONE, c, cOff, ldc);
  }

  /**
   * C = clamp(alpha * A * op(B) + beta * C + rowBias): a layer's bias and activation applied as the
   * micro-kernel writes C (see {@link Epilogue}), instead of passes over C of their own.
   */
  public void sgemm(PackedA a, boolean transB, int n, float alpha, float[] b, int bOff, int ldb,
      float beta, Epilogue epilogue, float[] c, int cOff, int ldc) {
    requireFits(a);
    int m = a.m();
    int k = a.k();
    GemmArgs.checkBC(transB, m, n, k, b, bOff, ldb, c, cOff, ldc);
    float[] rowBias = epilogue.rowBias();
    int rowBiasOff = epilogue.rowBiasOff();
    if (rowBias != null && (rowBiasOff < 0 || (long) rowBiasOff + m > rowBias.length)) {
      throw new IllegalArgumentException("rowBias too short: " + m + " rows from rowBiasOff=" + rowBiasOff
          + " need length >= " + ((long) rowBiasOff + m) + ", got " + rowBias.length);
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (alpha == 0f || k == 0) {
      scale(m, n, beta, c, cOff, ldc);
      for (int i = 0; i < m; i++) {
        for (int j = cOff + i * ldc; j < cOff + i * ldc + n; j++) {
          float v = c[j] + (rowBias == null ? 0f : rowBias[rowBiasOff + i]);
          c[j] = Math.min(Math.max(v, epilogue.lo()), epilogue.hi());
        }
      }
      return;
    }
    blocked(a, false, transB, m, n, k, alpha, null, 0, 0, b, bOff, ldb, false, beta, epilogue, c, cOff, ldc);
  }

  private void requireFits(PackedA a) {
    if (!fits(a)) {
      throw new IllegalArgumentException("A was packed for " + a.kernel().getSimpleName() + " MR=" + a.mr()
          + " KC=" + a.kcBlock() + ", this GEMM runs " + kernel.getClass().getSimpleName() + " MR=" + mr
          + " KC=" + kcBlock);
    }
  }

  /**
   * Where row {@code p} of a K x N matrix B packed for {@link #sgemmPackedB} starts, the matrix {@code nPitch}
   * columns wide: B in the K blocks of {@link #pack}, each block as NR-column panels of its rows, row by row, so
   * that element (p, j) lies at {@code packedBRow(k, nPitch, p) + (j / NR) * packedBPanel(k, p) + j % NR}. For a
   * producer that can write B in this form at no cost (Winograd's input transform): the GEMM then packs nothing.
   */
  public int packedBRow(int k, int nPitch, int p) {
    int kcEven = evenKc(k);
    int pc = p / kcEven * kcEven;
    return pc * roundUp(nPitch, nr) + (p - pc) * nr;
  }

  /** Floats from one NR-column panel of row {@code p}'s K block to the next (see {@link #packedBRow}). */
  public int packedBPanel(int k, int p) {
    int kcEven = evenKc(k);
    return Math.min(kcEven, k - p / kcEven * kcEven) * nr;
  }

  /** Floats of a K x N matrix B packed for {@link #sgemmPackedB}, {@code nPitch} columns wide. */
  public int packedBSize(int k, int nPitch) {
    return k * roundUp(nPitch, nr);
  }

  /**
   * C = clamp(A B + rowBias) on the first {@code n} columns ({@link Epilogue}), A packed by {@link #pack}, B packed
   * at {@code b[bOff]} as {@link #packedBRow} lays it out for {@code nPitch} >= n columns (its columns past n are
   * read and dropped).
   */
  public void sgemmPackedB(PackedA a, int n, float[] b, int bOff, int nPitch, Epilogue epilogue, float[] c, int cOff,
      int ldc) {
    requireFits(a);
    int m = a.m();
    int k = a.k();
    if (n < 0 || n > nPitch || bOff < 0 || (long) bOff + packedBSize(k, nPitch) > b.length) {
      throw new IllegalArgumentException("packed B of " + k + " x " + nPitch + " from bOff=" + bOff + " needs length >= "
          + ((long) bOff + packedBSize(k, nPitch)) + " and 0 <= n <= nPitch, got length " + b.length + ", n=" + n);
    }
    GemmArgs.checkBC(false, m, n, 0, b, 0, Math.max(1, n), c, cOff, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      throw new IllegalArgumentException("sgemmPackedB needs k >= 1, got A packed " + m + " x 0");
    }
    blocked(a, false, false, m, n, k, 1f, null, 0, 0, b, bOff, nPitch, true, 0f, epilogue, c, cOff, ldc);
  }

  /** K split into equal blocks of at most KC (576 = 2 x 288, not 512 + 64): a short last block would pay a full
   * read-modify-write pass over C for a few k steps. */
  private int evenKc(int k) {
    int kBlocks = Math.max(1, (k + kcBlock - 1) / kcBlock);
    return (k + kBlocks - 1) / kBlocks;
  }

  /**
   * The three outer loops; A is packed here per block unless {@code packed} holds it already, B unless {@code
   * bPacked} (then laid out as {@link #packedBRow} says, {@code ldb} its column pitch, N in one block). The row
   * bias, like beta, applies on the first K block only, the clamp on the last (once C holds the whole sum).
   */
  private void blocked(PackedA packed, boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, boolean bPacked, float beta, Epilogue epilogue,
      float[] c, int cOff, int ldc) {
    float[] rowBias = epilogue.rowBias();
    int rowBiasOff = epilogue.rowBiasOff();
    int kcEven = evenKc(k);
    int mPadded = roundUp(m, mr);
    if (rowBias != null) {
      if (biasPad.length < mPadded) {
        biasPad = new float[mPadded];
      }
      System.arraycopy(rowBias, rowBiasOff, biasPad, 0, m);
      Arrays.fill(biasPad, m, mPadded, 0f);
    }
    // One block of A (M <= MC): B is read where it lies ({@link #macroKernelInPlaceB}), not packed.
    boolean bInPlace = !bPacked && !transB && m <= mcBlock;
    // 5th loop around the micro-kernel: jc over N by NC.
    int ncStep = bPacked || bInPlace ? n : ncBlock;
    for (int jc = 0; jc < n; jc += ncStep) {
      int nc = Math.min(ncStep, n - jc);
      // 4th loop: pc over K by KC. Beta applies to the first KC block only.
      for (int pc = 0; pc < k; pc += kcEven) {
        int kc = Math.min(kcEven, k - pc);
        float[] panels = bPacked ? b : bPack;
        int panelsOff = bPacked ? bOff + pc * roundUp(ldb, nr) : 0;
        if (!bPacked && !bInPlace) {
          packB(transB, kc, nc, b, bOff, ldb, pc, jc);
        }
        float blockBeta = pc == 0 ? beta : 1f;
        float[] blockBias = pc == 0 && rowBias != null ? biasPad : zeroBias;
        boolean last = pc + kc == k;
        float lo = last ? epilogue.lo() : Float.NEGATIVE_INFINITY;
        float hi = last ? epilogue.hi() : Float.POSITIVE_INFINITY;
        // 3rd loop: ic over M by MC.
        for (int ic = 0; ic < m; ic += mcBlock) {
          int mc = Math.min(mcBlock, m - ic);
          // Panels of one K block of a packed A are contiguous, MR rows x kc each, all M rows of it together.
          float[] aPanels = packed == null ? aPack : packed.data();
          int aBase = packed == null ? 0 : mPadded * pc + ic * kc;
          if (packed == null) {
            packA(transA, mc, kc, a, aOff, lda, ic, pc, aPack, 0);
          }
          if (bInPlace) { // ic = 0: the one block of A
            macroKernelInPlaceB(mc, nc, kc, alpha, blockBeta, aPanels, aBase, blockBias, lo, hi, b, bOff, ldb, pc, jc, c,
                cOff + jc, ldc);
          } else {
            macroKernel(mc, nc, kc, alpha, blockBeta, aPanels, aBase, blockBias, blockBias == zeroBias ? 0 : ic, lo, hi,
                panels, panelsOff, c, cOff + ic * ldc + jc, ldc);
          }
        }
      }
    }
  }

  /**
   * Few columns (N <= {@link BlockSizes#IN_PLACE_A_MAX_N}): the micro-kernel reads A where it lies, MR rows at a
   * time, since each element of A meets only N columns of B and packing it cost up to 40% of the product (N = 49).
   * The loop over MR rows is outermost, so those rows come from memory once and from L1 for the rest of their row
   * of tiles, while the packed K block of B (K x N, at most 512 KB) stays in L2. The last rows (M mod MR) are
   * packed and zero-padded as in {@link #blocked}.
   */
  private void inPlaceA(boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    int kcEven = evenKc(k);
    int mFull = m - m % mr;
    int nFull = n - n % nr;
    int tail = n - nFull;
    int dotFrom = nFull + (tail >= nr / 2 ? nr / 2 : 0);
    boolean dots = n - dotFrom <= BlockSizes.TAIL_DOT_COLUMNS;
    for (int pc = 0; pc < k; pc += kcEven) {
      int kc = Math.min(kcEven, k - pc);
      packB(transB, kc, n, b, bOff, ldb, pc, 0);
      if (dots) {
        for (int j = dotFrom; j < n; j++) {
          int src = nFull * kc + j - nFull;
          for (int p = 0, d = (j - dotFrom) * kc; p < kc; p++, src += nr) {
            bColumns[d + p] = bPack[src];
          }
        }
        // dots4x4 reads whole quads of columns.
        Arrays.fill(bColumns, (n - dotFrom) * kc, roundUp(n - dotFrom, 4) * kc, 0f);
      }
      float blockBeta = pc == 0 ? beta : 1f;
      for (int ir = 0; ir < mFull; ir += mr) {
        int aBlock = aOff + ir * lda + pc;
        int cRow = cOff + ir * ldc;
        for (int jr = 0; jr < nFull; jr += nr) {
          kernel.computeRows(kc, a, aBlock, lda, bPack, jr * kc, c, cRow + jr, ldc, zeroBias, 0,
              scalars(alpha, blockBeta, lo, hi));
        }
        if (tail > 0) {
          tailRows(kc, a, aBlock, lda, nFull, dotFrom, n, dots, alpha, blockBeta, c, cRow, ldc);
        }
      }
      if (mFull < m) {
        packA(false, m - mFull, kc, a, aOff, lda, mFull, pc, aPack, 0);
        macroKernel(m - mFull, n, kc, alpha, blockBeta, aPack, 0, zeroBias, 0, lo, hi, bPack, 0, c, cOff + mFull * ldc,
            ldc);
      }
    }
  }

  /**
   * Columns [nFull, n) of MR rows of C, fewer than NR: a half-width tile straight into C when at least NR/2 are
   * left, then the rest from {@code dotFrom} on by dot products over K, or, when more than
   * {@link BlockSizes#TAIL_DOT_COLUMNS} are left, a half tile through the edge buffer.
   */
  private void tailRows(int kc, float[] a, int aBlock, int lda, int nFull, int dotFrom, int n, boolean dots,
      float alpha, float beta, float[] c, int cRow, int ldc) {
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    if (dotFrom > nFull) {
      kernel.computeRowsHalf(kc, a, aBlock, lda, bPack, nFull * kc, c, cRow + nFull, ldc, zeroBias, 0,
          scalars(alpha, beta, lo, hi));
    }
    if (dots) {
      // Four rows of A against four columns at a time (the columns past n zero), sixteen sums from one call.
      for (int i = 0; i < mr; i += 4) {
        for (int j = dotFrom; j < n; j += 4) {
          rows.dots4x4(kc, a, aBlock + i * lda, lda, bColumns, (j - dotFrom) * kc, kc, tile, 0);
          int columns = Math.min(4, n - j);
          for (int r = 0; r < 4; r++) {
            for (int q = 0; q < columns; q++) {
              store(c, cRow + (i + r) * ldc + j + q, alpha * tile[4 * r + q], beta);
            }
          }
        }
      }
    } else {
      kernel.computeRowsHalf(kc, a, aBlock, lda, bPack, nFull * kc + dotFrom - nFull, tile, 0, nr, zeroBias, 0,
          scalars(alpha, 0f, lo, hi));
      mergeTile(mr, n - dotFrom, beta, lo, hi, c, cRow + dotFrom, ldc);
    }
  }

  private void skinny(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      float[] x = a;
      int xOff = aOff + i * lda;
      if (transA) {
        if (aRow.length < k) {
          aRow = new float[k];
        }
        for (int p = 0; p < k; p++) {
          aRow[p] = a[aOff + p * lda + i];
        }
        x = aRow;
        xOff = 0;
      }
      int row = cOff + i * ldc;
      if (transB) {
        for (int j = 0; j < n; j++) {
          float dot = alpha * rows.dot(k, x, xOff, b, bOff + j * ldb);
          c[row + j] = beta == 0f ? dot : dot + beta * c[row + j];
        }
      } else {
        scale(1, n, beta, c, row, ldc);
        for (int p = 0; p < k; p++) {
          rows.axpy(n, alpha * x[xOff + p], b, bOff + p * ldb, c, row);
        }
      }
    }
  }

  /**
   * C = alpha * A B^T + beta * C for a few rows of A, B stored n x k: four rows of B (a layer's weights) at a time,
   * four streams from memory, against every group of four rows of A (sixteen dot products, {@link Axpy#dots4x4}),
   * then against each of the last m mod 4 rows of A (all of them at batch 1-3), those four rows of B then in L1.
   * One row of B against four rows of A at a time, as before, ran (8, 1000, 1024) in 260 us (152 now; Zen 5, alone),
   * VGG's 25088 -> 4096 layer at batch 8 in 57.6 ms (34.0; 64 MB touched between calls) and ShuffleNetV2's
   * 1024 -> 1000 at batch 8 in 846 us in the network (508; ONNX Runtime 307-348). One row of B after another at
   * batch 1 ran at two thirds of the memory's speed (MobileNetV2's 1280 -> 1000 layer).
   */
  private void skinnyDots(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
      int ldb, float beta, float[] c, int cOff, int ldc) {
    float[] dots = tile; // MR x NR >= 4 x 4
    int mFull = m - m % 4;
    int nFull = n - n % 4;
    for (int j = 0; j < nFull; j += 4) {
      int bRow = bOff + j * ldb;
      for (int i = 0; i < mFull; i += 4) {
        rows.dots4x4(k, a, aOff + i * lda, lda, b, bRow, ldb, dots, 0);
        for (int r = 0; r < 16; r++) {
          store(c, cOff + (i + r / 4) * ldc + j + r % 4, alpha * dots[r], beta);
        }
      }
      for (int i = mFull; i < m; i++) {
        rows.dots4(k, b, bRow, ldb, a, aOff + i * lda, dots, 0, 1);
        for (int r = 0; r < 4; r++) {
          store(c, cOff + i * ldc + j + r, alpha * dots[r], beta);
        }
      }
    }
    for (int j = nFull; j < n; j++) {
      for (int i = 0; i < m; i++) {
        store(c, cOff + i * ldc + j, alpha * rows.dot(k, a, aOff + i * lda, b, bOff + j * ldb), beta);
      }
    }
  }

  private float[] scalars(float alpha, float beta, float lo, float hi) {
    scalars[0] = alpha;
    scalars[1] = beta;
    scalars[2] = lo;
    scalars[3] = hi;
    return scalars;
  }

  /** c[at] = value + beta * c[at], C unread when beta is 0. */
  private static void store(float[] c, int at, float value, float beta) {
    c[at] = beta == 0f ? value : value + beta * c[at];
  }


  /** The 2nd and 1st loops over one packed MC x KC block of A and KC x NC block of B. */
  private void macroKernel(int mc, int nc, int kc, float alpha, float beta, float[] aPanels, int aBase,
      float[] bias, int biasBase, float lo, float hi, float[] bPanels, int bBase, float[] c, int cBase, int ldc) {
    // 2nd loop: jr over NC by NR.
    for (int jr = 0; jr < nc; jr += nr) {
      int nrCur = Math.min(nr, nc - jr);
      // 1st loop: ir over MC by MR.
      for (int ir = 0; ir < mc; ir += mr) {
        int mrCur = Math.min(mr, mc - ir);
        int cTile = cBase + ir * ldc + jr;
        if (mrCur == mr && nrCur == nr) {
          kernel.compute(kc, aPanels, aBase + ir * kc, bPanels, bBase + jr * kc, c, cTile, ldc, bias, biasBase + ir,
              scalars(alpha, beta, lo, hi));
        } else if (mrCur == mr && nrCur == nr / 2) {
          kernel.computeHalf(kc, aPanels, aBase + ir * kc, bPanels, bBase + jr * kc, c, cTile, ldc, bias, biasBase + ir,
              scalars(alpha, beta, lo, hi));
        } else if (nrCur < nr / 2) {
          kernel.computeHalf(kc, aPanels, aBase + ir * kc, bPanels, bBase + jr * kc, tile, 0, nr, bias, biasBase + ir,
              scalars(alpha, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY));
          mergeTile(mrCur, nrCur, beta, lo, hi, c, cTile, ldc);
        } else {
          kernel.compute(kc, aPanels, aBase + ir * kc, bPanels, bBase + jr * kc, tile, 0, nr, bias, biasBase + ir,
              scalars(alpha, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY));
          mergeTile(mrCur, nrCur, beta, lo, hi, c, cTile, ldc);
        }
      }
    }
  }

  /**
   * The 2nd and 1st loops over the one packed block of A (M <= MC) and B's K block [pc, pc + kc) read in place: each
   * NR-column slice of B's rows meets the M/MR panels of A one after another, so it comes from memory once and from
   * L1 for the rest, while packing B would write and read it all once more for only M/MR uses. (64,576,3136), same
   * JVM, Zen 5: 1.16-1.22x packed; M = 128 1.05x, M = 192 1.02-1.04x. The last N mod NR columns are packed.
   */
  private void macroKernelInPlaceB(int mc, int nc, int kc, float alpha, float beta, float[] aPanels, int aBase,
      float[] bias, float lo, float hi, float[] b, int bOff, int ldb, int pc, int jc, float[] c, int cBase, int ldc) {
    int full = nc - nc % nr;
    int bBase = bOff + pc * ldb + jc;
    for (int jr = 0; jr < full; jr += nr) {
      for (int ir = 0; ir < mc; ir += mr) {
        int cTile = cBase + ir * ldc + jr;
        if (mc - ir >= mr) {
          kernel.computeColumns(kc, aPanels, aBase + ir * kc, b, bBase + jr, ldb, c, cTile, ldc, bias, ir,
              scalars(alpha, beta, lo, hi));
        } else {
          kernel.computeColumns(kc, aPanels, aBase + ir * kc, b, bBase + jr, ldb, tile, 0, nr, bias, ir,
              scalars(alpha, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY));
          mergeTile(mc - ir, nr, beta, lo, hi, c, cTile, ldc);
        }
      }
    }
    if (full < nc) {
      packB(false, kc, nc - full, b, bOff, ldb, pc, jc + full);
      macroKernel(mc, nc - full, kc, alpha, beta, aPanels, aBase, bias, 0, lo, hi, bPack, 0, c, cBase + full, ldc);
    }
  }

  /** Edge tile: C = clamp(tile + beta * C) on the valid mrCur x nrCur corner; C unread when beta is 0. */
  private void mergeTile(int mrCur, int nrCur, float beta, float lo, float hi, float[] c, int cTile, int ldc) {
    for (int i = 0; i < mrCur; i++) {
      int ci = cTile + i * ldc;
      int ti = i * nr;
      for (int j = 0; j < nrCur; j++) {
        float v = beta == 0f ? tile[ti + j] : tile[ti + j] + beta * c[ci + j];
        c[ci + j] = Math.min(Math.max(v, lo), hi);
      }
    }
  }

  /**
   * Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels from {@code aPack[base]} on, each stored column by
   * column (aPack[base + panel * MR * kc + p * MR + i]); rows past mc are zero.
   */
  private void packA(boolean transA, int mc, int kc, float[] a, int aOff, int lda,
      int ic, int pc, float[] aPack, int base) {
    for (int ir = 0; ir < mc; ir += mr) {
      int rows = Math.min(mr, mc - ir);
      int dst = base + ir * kc;
      if (transA) {
        // op(A)[i][p] = A[p][i]: each k step reads a contiguous run of rows.
        for (int p = 0; p < kc; p++) {
          int src = aOff + (pc + p) * lda + ic + ir;
          int d = dst + p * mr;
          for (int i = 0; i < rows; i++) {
            aPack[d + i] = a[src + i];
          }
          for (int i = rows; i < mr; i++) {
            aPack[d + i] = 0f;
          }
        }
      } else if (rows == 6 && mr == 6) {
        // The vector kernel's full panel: six rows read side by side, the panel written sequentially
        // (row by row it is a scatter with stride MR, 2x slower).
        int s0 = aOff + (ic + ir) * lda + pc;
        int s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda;
        for (int p = 0, d = dst; p < kc; p++, d += 6) {
          aPack[d] = a[s0 + p];
          aPack[d + 1] = a[s1 + p];
          aPack[d + 2] = a[s2 + p];
          aPack[d + 3] = a[s3 + p];
          aPack[d + 4] = a[s4 + p];
          aPack[d + 5] = a[s5 + p];
        }
      } else {
        for (int i = 0; i < rows; i++) {
          int src = aOff + (ic + ir + i) * lda + pc;
          for (int p = 0; p < kc; p++) {
            aPack[dst + p * mr + i] = a[src + p];
          }
        }
        for (int i = rows; i < mr; i++) {
          for (int p = 0; p < kc; p++) {
            aPack[dst + p * mr + i] = 0f;
          }
        }
      }
    }
  }

  /**
   * Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels, each stored row by row
   * (bPack[panel * NR * kc + p * NR + j]); columns past nc are zero.
   */
  private void packB(boolean transB, int kc, int nc, float[] b, int bOff, int ldb,
      int pc, int jc) {
    if (!transB) {
      // Row of B outer, panel inner: B is read row by row, sequentially. Panel outer would read a
      // 32-float piece of every row in turn, a strided walk the prefetchers follow badly; with few
      // rows of A per packed B element (conv layers: M = output channels) packing B is a large share
      // of the time.
      int full = nc - nc % nr;
      for (int p = 0; p < kc; p++) {
        int src = bOff + (pc + p) * ldb + jc;
        int d = p * nr;
        for (int jr = 0; jr < full; jr += nr) {
          System.arraycopy(b, src + jr, bPack, jr * kc + d, nr);
        }
        if (full < nc) {
          System.arraycopy(b, src + full, bPack, full * kc + d, nc - full);
          Arrays.fill(bPack, full * kc + d + nc - full, full * kc + d + nr, 0f);
        }
      }
      return;
    }
    for (int jr = 0; jr < nc; jr += nr) {
      int cols = Math.min(nr, nc - jr);
      int dst = jr * kc;
      // op(B)[p][j] = B[j][p]: each column of the panel is a contiguous row of B.
      for (int j = 0; j < cols; j++) {
        int src = bOff + (jc + jr + j) * ldb + pc;
        for (int p = 0; p < kc; p++) {
          bPack[dst + p * nr + j] = b[src + p];
        }
      }
      if (cols < nr) {
        for (int p = 0; p < kc; p++) {
          Arrays.fill(bPack, dst + p * nr + cols, dst + (p + 1) * nr, 0f);
        }
      }
    }
  }

  /** C = beta * C (alpha == 0 or k == 0); C is written, never read, when beta is 0. */
  private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        Arrays.fill(c, row, row + n, 0f);
      } else {
        for (int j = 0; j < n; j++) {
          c[row + j] *= beta;
        }
      }
    }
  }

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }
}
