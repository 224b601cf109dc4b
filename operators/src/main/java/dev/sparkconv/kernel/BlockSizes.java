package dev.sparkconv.kernel;

/**
 * The cache blocking of {@link Gemm}, in one place (BLIS keeps MC/KC/NC in one config file).
 * MR and NR belong to the micro-kernel; {@link Gemm} rounds MC up to a multiple of MR and NC to a
 * multiple of NR. Sizes below are for the 8 x 32 AVX-512 kernel (floats, 4 bytes).
 *
 * <ul>
 *   <li>KC = 512: the packed B micro-panel (KC x NR = 64 KB) is streamed from L2 rather than held
 *       in L1 (32-48 KB). The kernel needs only ~160 bytes per 16 FMAs, well within L2
 *       bandwidth, and a deeper K halves the read-modify-write passes over C. Measured on
 *       Zen 4 (1 MB L2), 1024^3: about 95 GFLOPS with KC=512, 88 with 256, 71 with 128.
 *       {@link Gemm} splits K into equal blocks of at most KC (K = 576: 2 x 288, not 512 + 64).
 *   <li>MC = 192: the packed A block (MC x KC = 384 KB) stays in L2 (1-2 MB) while every
 *       B micro-panel of the NC block passes over it. A product of at most MC rows (one block of A) reads B in
 *       place instead of packing it: each slice of B then meets every panel of A from L1.
 *   <li>NC = 2048: the packed B block (KC x NC = 4 MB) sits in the shared L3 and bounds the
 *       per-task workspace.
 * </ul>
 *
 * Each default can be overridden with {@code -Dsparkconv.gemm.mc|kc|nc=N}.
 */
public record BlockSizes(int mc, int kc, int nc) {

  public static final int DEFAULT_MC = 192;
  public static final int DEFAULT_KC = 512;
  public static final int DEFAULT_NC = 2048;

  /**
   * At most this many rows of C (a fully connected layer at batch 1-4): MR-row panels would be mostly
   * padding and packing B would cost as much as the product, so each row of C is computed straight from
   * B by dot products (B stored n x k) or row updates (B stored k x n).
   */
  public static final int SKINNY_ROWS = 4;

  /**
   * At most this many rows of C with B stored n x k (a fully connected layer's weights, a batch of up to 16): dot
   * products, four rows of A against four rows of B as they are read once ({@link Axpy#dots4x4}). Blocked, B^T
   * would be packed, every weight on every call: VGG's 25088 -> 4096 layer at batch 8 then ran at 8.5 GFLOPS.
   */
  public static final int SKINNY_DOT_ROWS = 16;

  /**
   * At most this many columns of C: {@link Gemm} reads A in place instead of packing it (each element of A then
   * meets at most this many columns, and packing it cost 40% of (512, 4608, 49)); the packed K x N block of B
   * (at most KC x 256 floats, 512 KB) stays in L2 while rows of A stream past it.
   */
  public static final int IN_PLACE_A_MAX_N = 256;

  /**
   * At most this many last columns (past whole NR and NR/2 tiles) are computed by dot products over K when A is
   * read in place, four rows by four columns at a time ({@link Axpy#dots4x4}); more take a half tile, which costs
   * the same whatever its width. Zen 5, (384, 64, 192 + t) over (384, 64, 192): four columns 4.4 us by dots4x4,
   * 8.4 us by dot products a row at a time (four lane reductions a row), 7 us by a half tile; eight 8-10 us either
   * way.
   */
  public static final int TAIL_DOT_COLUMNS = 8;

  /**
   * Blocked direct convolution, four output blocks at a time: at most this many weights (72 KB) per pass over a
   * chunk's positions, whole input blocks at a time, the outputs kept in {@code out} between passes. A quad's
   * weights for all input blocks of a 3x3 layer (295 KB at 128 channels) streamed from L2 for every six positions;
   * two blocks' stay near. 3x3, same JVM, Zen 5, GFLOPS: 512c7 162-183 -> 188-205, 256c14 178-180 -> 190-193, 64c56
   * and 128c28 unchanged (195-200); one block per pass was slower than two. A 1x1 layer's whole quad fits (64 KB at
   * 256 channels): splitting it into passes of two blocks cost 7-12% (1x1 stride 2, both orders, same JVM).
   */
  public static final int DIRECT_PASS_WEIGHTS = 18432;

  /**
   * Bytes a node may read and write over a whole batch before the network runs the batch in chunks of samples
   * ({@code ExecutionPlan#chunking}): a share of the last-level cache. Zen 3 (32 MB L3), same JVM, chunked over
   * whole: MobileNetV2 at batch 8 1.03-1.08, at 32 1.16-1.17; ShuffleNetV2 at 32 1.07-1.13, at 8 1.00; ResNet-18
   * and VGG-11 at 8 1.01-1.04; r3d_18 at 8 1.08. Budgets of 2, 4 and 16 MB did no better at batch 8.
   */
  public static final long BATCH_CHUNK_BYTES = 8L << 20;

  public BlockSizes {
    if (mc < 1 || kc < 1 || nc < 1) {
      throw new IllegalArgumentException(
          "block sizes must be positive, got mc=" + mc + " kc=" + kc + " nc=" + nc);
    }
  }

  /** The defaults above, each overridden by its system property when set. */
  public static BlockSizes fromSystemProperties() {
    return new BlockSizes(
        property("sparkconv.gemm.mc", DEFAULT_MC),
        property("sparkconv.gemm.kc", DEFAULT_KC),
        property("sparkconv.gemm.nc", DEFAULT_NC));
  }

  private static int property(String name, int fallback) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-D" + name + " must be a positive integer, got '" + value + "'");
    }
  }
}
