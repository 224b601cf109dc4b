package dev.sparkconv.io.video;

/**
 * YUV 4:2:0 to RGB24 exactly as ffmpeg 5.1 does for {@code -pix_fmt rgb24} on its portable C path
 * (libswscale/yuv2rgb.c, {@code ff_yuv2rgb_c_init_tables} and {@code yuv2rgb_c_24_rgb}): each chroma sample
 * colours its 2x2 luma block (no chroma interpolation), limited range (Y 16..235), the stream's matrix
 * coefficients (BT.601 when the stream names none; BT.709, FCC, SMPTE 240M, BT.2020 when it does), in swscale's
 * fixed point: chroma terms are whole steps of a clipped luma ramp, so results sit about one level below exact
 * arithmetic. Matching that, not textbook maths, is what makes our frames equal ffmpeg's.
 * Full-range (JPEG) streams use the same tables with full-range scaling; ffmpeg takes another path for those.
 */
final class YuvToRgb {
  /** ffmpeg's {@code ff_yuv2rgb_coeffs} (crv, cbu, cgu, cgv in 1/65536) by H.264 matrix_coefficients 0..10. */
  private static final int[][] COEFFICIENTS = {
      {104597, 132201, 25675, 53279}, {117489, 138438, 13975, 34925}, {104597, 132201, 25675, 53279},
      {104597, 132201, 25675, 53279}, {104448, 132798, 24759, 53109}, {104597, 132201, 25675, 53279},
      {104597, 132201, 25675, 53279}, {117579, 136230, 16907, 35559}, {104597, 132201, 25675, 53279},
      {110013, 140363, 12277, 42626}, {110013, 140363, 12277, 42626}};
  private static final int HEADROOM = 512;

  private final byte[] ramp = new byte[1024 + 2 * HEADROOM];
  private final int[] red = new int[256];
  private final int[] greenU = new int[256];
  private final int[] greenV = new int[256];
  private final int[] blue = new int[256];

  /** {@code matrix}: the stream's matrix_coefficients (2, unspecified, when it has none); YCgCo falls back as ffmpeg's does. */
  YuvToRgb(int matrix, boolean fullRange) {
    int[] k = COEFFICIENTS[matrix < 0 || matrix > 10 ? 2 : matrix];
    long crv = k[0];
    long cbu = k[1];
    long cgu = -k[2];
    long cgv = -k[3];
    long cy = 1 << 16;
    long oy = 0;
    if (fullRange) {
      crv = crv * 224 / 255;
      cbu = cbu * 224 / 255;
      cgu = cgu * 224 / 255;
      cgv = cgv * 224 / 255;
    } else {
      cy = cy * 255 / 219;
      oy = 16 << 16;
    }
    long yb = -(384L << 16) - HEADROOM * cy - oy;
    for (int i = 0; i < ramp.length; i++, yb += cy) {
      ramp[i] = (byte) Math.max(0, Math.min(255, (yb + 0x8000) >> 16));
    }
    int base = (fullRange ? 384 : 326) + HEADROOM;
    fill(red, base, scaled(crv, cy));
    fill(greenU, base, scaled(cgu, cy));
    fill(greenV, 0, scaled(cgv, cy));
    fill(blue, base, scaled(cbu, cy));
  }

  /** A chroma coefficient in steps of the luma ramp (C's truncating division, as swscale's). */
  private static long scaled(long coefficient, long cy) {
    return ((coefficient << 16) + 0x8000) / cy;
  }

  private static void fill(int[] table, int base, long inc) {
    for (int c = 0; c < 256; c++) {
      table[c] = (int) (base - (inc >> 9) + ((c * inc) >> 16));
    }
  }

  /**
   * Converts the {@code width x height} window at ({@code x0}, {@code y0}) (both even) of planes in JCodec's form
   * (sample - 128; luma {@code stride} bytes a row, chroma {@code stride / 2}) into interleaved RGB.
   */
  void convert(byte[] y, byte[] u, byte[] v, int stride, int x0, int y0, int width, int height, byte[] rgb) {
    int cStride = stride / 2;
    for (int row = 0; row < height; row++) {
      int yRow = (y0 + row) * stride + x0;
      int cRow = ((y0 + row) >> 1) * cStride + (x0 >> 1);
      int out = row * width * 3;
      for (int col = 0; col < width; col++, out += 3) {
        int cb = u[cRow + (col >> 1)] + 128;
        int cr = v[cRow + (col >> 1)] + 128;
        int luma = y[yRow + col] + 128;
        rgb[out] = ramp[luma + red[cr]];
        rgb[out + 1] = ramp[luma + greenU[cb] + greenV[cr]];
        rgb[out + 2] = ramp[luma + blue[cb]];
      }
    }
  }
}
