package dev.sparkconv.io.image;

/**
 * EXIF orientation applied as PIL's {@code ImageOps.exif_transpose} does: 2 mirror, 3 rotate 180,
 * 4 flip, 5 transpose, 6 rotate 270 (PIL's counter-clockwise degrees), 7 transverse, 8 rotate 90.
 * Other values (1, absent, out of range) leave the image as it is.
 */
final class Orientation {
  private Orientation() {}

  static Planar apply(Planar in, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return in;
    }
    int h = in.height();
    int w = in.width();
    boolean swap = orientation >= 5;
    int oh = swap ? w : h;
    int ow = swap ? h : w;
    int n = h * w;
    byte[] src = in.data();
    byte[] out = new byte[src.length];
    for (int c = 0; c < in.channels(); c++) {
      int base = c * n;
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          int sy;
          int sx;
          switch (orientation) {
            case 2 -> { sy = y; sx = w - 1 - x; }
            case 3 -> { sy = h - 1 - y; sx = w - 1 - x; }
            case 4 -> { sy = h - 1 - y; sx = x; }
            case 5 -> { sy = x; sx = y; }
            case 6 -> { sy = h - 1 - x; sx = y; }
            case 7 -> { sy = h - 1 - x; sx = w - 1 - y; }
            default -> { sy = x; sx = w - 1 - y; } // 8
          }
          out[base + y * ow + x] = src[base + sy * w + sx];
        }
      }
    }
    return new Planar(in.channels(), oh, ow, out);
  }
}
