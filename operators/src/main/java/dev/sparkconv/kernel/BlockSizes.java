package dev.sparkconv.kernel;

/**
 * The cache blocking of {@link Gemm}, in one place (BLIS keeps MC/KC/NC in one config file).
 * MR and NR belong to the micro-kernel; {@link Gemm} rounds MC up to a multiple of MR and NC to a
 * multiple of NR.
 *
 * <ul>
 *   <li>KC: one packed B micro-panel (KC x NR floats, 32 KB at KC=256, NR=32) stays in L1
 *       (32-48 KB) while the micro-kernel streams A micro-panels past it.
 *   <li>MC: the packed A block (MC x KC floats, 192 KB at MC=192) sits in L2 (1-2 MB), with room
 *       for the B panel and C tiles streaming through.
 *   <li>NC: the packed B block (KC x NC floats, 4 MB at NC=4096) sits in the shared L3.
 * </ul>
 *
 * Each default can be overridden with {@code -Dsparkconv.gemm.mc|kc|nc=N}.
 */
public record BlockSizes(int mc, int kc, int nc) {

  public static final int DEFAULT_MC = 192;
  public static final int DEFAULT_KC = 256;
  public static final int DEFAULT_NC = 4096;

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
