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
    // K split into equal blocks of at most KC (576 = 2 x 288, not 512 + 64): a short last block
    // would pay a full read-modify-write pass over C for a few k steps.
    int kBlocks = (k + kcBlock - 1) / kcBlock;
    int kcEven = (k + kBlocks - 1) / kBlocks;
    // 5th loop around the micro-kernel: jc over N by NC.
    for (int jc = 0; jc < n; jc += ncBlock) {
      int nc = Math.min(ncBlock, n - jc);
      // 4th loop: pc over K by KC. Beta applies to the first KC block only.
      for (int pc = 0; pc < k; pc += kcEven) {
        int kc = Math.min(kcEven, k - pc);
        packB(transB, kc, nc, b, bOff, ldb, pc, jc);
        float blockBeta = pc == 0 ? beta : 1f;
        // 3rd loop: ic over M by MC.
        for (int ic = 0; ic < m; ic += mcBlock) {
          int mc = Math.min(mcBlock, m - ic);
          packA(transA, mc, kc, a, aOff, lda, ic, pc);
          macroKernel(mc, nc, kc, alpha, blockBeta, c, cOff + ic * ldc + jc, ldc);
        }
      }
    }
  }

  /** The 2nd and 1st loops over one packed MC x KC block of A and KC x NC block of B. */
  private void macroKernel(int mc, int nc, int kc, float alpha, float beta,
      float[] c, int cBase, int ldc) {
    // 2nd loop: jr over NC by NR.
    for (int jr = 0; jr < nc; jr += nr) {
      int nrCur = Math.min(nr, nc - jr);
      // 1st loop: ir over MC by MR.
      for (int ir = 0; ir < mc; ir += mr) {
        int mrCur = Math.min(mr, mc - ir);
        int cTile = cBase + ir * ldc + jr;
        if (mrCur == mr && nrCur == nr) {
          kernel.compute(kc, aPack, ir * kc, bPack, jr * kc, c, cTile, ldc, alpha, beta);
        } else {
          kernel.compute(kc, aPack, ir * kc, bPack, jr * kc, tile, 0, nr, alpha, 0f);
          mergeTile(mrCur, nrCur, beta, c, cTile, ldc);
        }
      }
    }
  }

  /** Edge tile: C = tile + beta * C on the valid mrCur x nrCur corner; C unread when beta is 0. */
  private void mergeTile(int mrCur, int nrCur, float beta, float[] c, int cTile, int ldc) {
    for (int i = 0; i < mrCur; i++) {
      int ci = cTile + i * ldc;
      int ti = i * nr;
      if (beta == 0f) {
        System.arraycopy(tile, ti, c, ci, nrCur);
      } else {
        for (int j = 0; j < nrCur; j++) {
          c[ci + j] = tile[ti + j] + beta * c[ci + j];
        }
      }
    }
  }

  /**
   * Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels, each stored column by column
   * (aPack[panel * MR * kc + p * MR + i]); rows past mc are zero.
   */
  private void packA(boolean transA, int mc, int kc, float[] a, int aOff, int lda,
      int ic, int pc) {
    for (int ir = 0; ir < mc; ir += mr) {
      int rows = Math.min(mr, mc - ir);
      int dst = ir * kc;
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
    for (int jr = 0; jr < nc; jr += nr) {
      int cols = Math.min(nr, nc - jr);
      int dst = jr * kc;
      if (transB) {
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
      } else {
        for (int p = 0; p < kc; p++) {
          int d = dst + p * nr;
          System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, bPack, d, cols);
          if (cols < nr) {
            Arrays.fill(bPack, d + cols, d + nr, 0f);
          }
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
