package dev.sparkconv.nn;

import java.util.Locale;

/**
 * How a convolution fills its border, with PyTorch's padding_mode semantics: zeros; reflect (mirror
 * without repeating the edge, so a pad must be smaller than the input); replicate (repeat the
 * edge); circular (wrap around, at most once). No constant-specific bodies: Kryo registers one class.
 */
public enum PaddingMode {
  ZEROS, REFLECT, REPLICATE, CIRCULAR;

  /** The lower-case name a model spec uses ("zeros", "reflect", ...). */
  public String specName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a spec name; the error lists the accepted ones. */
  public static PaddingMode of(String specName) {
    for (PaddingMode mode : values()) {
      if (mode.specName().equals(specName)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("must be 'zeros', 'reflect', 'replicate' or 'circular' but is '"
        + specName + "'");
  }

  /** The smallest input size an axis padded by (begin, end) may have in this mode (PyTorch rejects smaller). */
  int minInputSize(int begin, int end) {
    int pad = Math.max(begin, end);
    return switch (this) {
      case ZEROS, REPLICATE -> 1;
      case REFLECT -> pad + 1;
      case CIRCULAR -> Math.max(1, pad);
    };
  }

  /** The input index that index {@code i} (possibly outside [0, n)) reads; not for ZEROS. */
  int source(int i, int n) {
    if (i >= 0 && i < n) {
      return i;
    }
    return switch (this) {
      case REFLECT -> i < 0 ? -i : 2 * (n - 1) - i;
      case REPLICATE -> i < 0 ? 0 : n - 1;
      case CIRCULAR -> Math.floorMod(i, n);
      case ZEROS -> throw new IllegalStateException("zeros padding has no source index");
    };
  }

  /**
   * Writes {@code channels} planes of dims (T, H, W) padded by {@code begin}/{@code end} per axis
   * into {@code dst} (dense, C order). Interior rows are copied whole; only border cells map indices.
   */
  void pad(float[] in, int inOff, int channels, int[] dims, int[] begin, int[] end, float[] dst) {
    int t = dims[0];
    int h = dims[1];
    int w = dims[2];
    int pt = t + begin[0] + end[0];
    int ph = h + begin[1] + end[1];
    int pw = w + begin[2] + end[2];
    int d = 0;
    for (int c = 0; c < channels; c++) {
      int plane = inOff + c * t * h * w;
      for (int y = 0; y < pt; y++) {
        int st = source(y - begin[0], t);
        for (int x = 0; x < ph; x++) {
          int row = plane + (st * h + source(x - begin[1], h)) * w;
          for (int z = 0; z < begin[2]; z++) {
            dst[d++] = in[row + source(z - begin[2], w)];
          }
          System.arraycopy(in, row, dst, d, w);
          d += w;
          for (int z = 0; z < end[2]; z++) {
            dst[d++] = in[row + source(w + z, w)];
          }
        }
      }
    }
  }
}
