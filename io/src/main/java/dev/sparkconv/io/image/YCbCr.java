package dev.sparkconv.io.image;

/**
 * libjpeg's YCbCr to RGB conversion (jdcolor.c: 16-bit fixed-point tables, the same in libjpeg-turbo,
 * which PIL uses), so a JPEG read raw matches PIL's decode wherever the IDCT and upsampling agree.
 */
final class YCbCr {
  static final int SCALE_BITS = 16;
  static final int ONE_HALF = 1 << (SCALE_BITS - 1);
  /** The four multipliers, as libjpeg's tables scale them; the tables below are these times (c - 128). */
  static final int CR_TO_R = fix(1.40200);
  static final int CB_TO_B = fix(1.77200);
  static final int CR_TO_G = fix(0.71414);
  static final int CB_TO_G = fix(0.34414);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];
  /** libjpeg's range_limit: clip8 as a lookup, for y + offset in [-227, 482] shifted by 256. */
  private static final byte[] CLIP = new byte[768];

  static {
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (CR_TO_R * x + ONE_HALF) >> SCALE_BITS;
      CB_B[i] = (CB_TO_B * x + ONE_HALF) >> SCALE_BITS;
      CR_G[i] = -CR_TO_G * x;
      CB_G[i] = -CB_TO_G * x + ONE_HALF;
    }
    for (int v = 0; v < CLIP.length; v++) {
      CLIP[v] = (byte) Pixels.clip8(v - 256);
    }
  }

  private YCbCr() {}

  private static int fix(double v) {
    return (int) (v * (1L << SCALE_BITS) + 0.5);
  }

  static void toRgb(byte[] out, int n, int i, int y, int cb, int cr) {
    out[i] = CLIP[256 + y + CR_R[cr]];
    out[n + i] = CLIP[256 + y + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS)];
    out[2 * n + i] = CLIP[256 + y + CB_B[cb]];
  }

  /**
   * An Adobe YCCK pixel as PIL ends up converting it: libjpeg gives C = 255 - R (likewise M, Y) and K
   * as stored; PIL inverts all four ("CMYK;I"), then applies its CMYK to RGB formula.
   */
  static void ycckToPilCmyk(byte[] out, int n, int i, int y, int cb, int cr, int k) {
    Pixels.cmyk(out, n, i, red(y, cr), green(y, cb, cr), blue(y, cb), 255 - k);
  }

  private static int red(int y, int cr) {
    return Pixels.clip8(y + CR_R[cr]);
  }

  private static int green(int y, int cb, int cr) {
    return Pixels.clip8(y + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
  }

  private static int blue(int y, int cb) {
    return Pixels.clip8(y + CB_B[cb]);
  }
}
