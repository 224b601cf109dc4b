package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/**
 * Independent references written as the textbook loops (double accumulation, explicit padded
 * coordinates), never through im2col or the GEMM, plus seeded data and a tolerance check.
 */
final class Naive {
  private Naive() {}

  static float[] random(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** Direct convolution: out[n][o][y][x] = b[o] + sum over ci, ky, kx of in * w, zero outside the input. */
  static float[] conv2d(float[] in, int n, int c, int h, int w, float[] weight, float[] bias, int o,
      int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
    int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    int ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    int cg = c / groups;
    int og = o / groups;
    float[] out = new float[n * o * oh * ow];
    int idx = 0;
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        int g = oc / og;
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            double s = bias == null ? 0 : bias[oc];
            for (int ci = 0; ci < cg; ci++) {
              for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                  int iy = y * sh - ph + ky * dh;
                  int ix = x * sw - pw + kx * dw;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    s += (double) in[((b * c + g * cg + ci) * h + iy) * w + ix]
                        * weight[((oc * cg + ci) * kh + ky) * kw + kx];
                  }
                }
              }
            }
            out[idx++] = (float) s;
          }
        }
      }
    }
    return out;
  }

  /** Windows along one axis, by enumeration: floor mode keeps windows inside the padded input; ceil mode
   * also keeps a partial one that starts inside the input or the left padding. */
  static int windows(int in, int k, int s, int p, boolean ceil) {
    int padded = in + 2 * p;
    int count = 0;
    for (int start = 0; ; start += s) {
      boolean fits = start + k <= padded;
      boolean partial = ceil && start + k < padded + s && start < in + p;
      if (!fits && !partial) {
        return count;
      }
      count++;
    }
  }

  /** kind: "max", "avg" (count padding) or "avg_valid"; padded coordinates throughout. */
  static float[] pool(String kind, float[] in, int planes, int h, int w, int kh, int kw, int sh, int sw,
      int ph, int pw, boolean ceil) {
    int oh = windows(h, kh, sh, ph, ceil);
    int ow = windows(w, kw, sw, pw, ceil);
    float[] out = new float[planes * oh * ow];
    int idx = 0;
    for (int p = 0; p < planes; p++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          double sum = 0;
          double max = Double.NEGATIVE_INFINITY;
          int inPadded = 0;
          int real = 0;
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              int py = y * sh + ky;
              int px = x * sw + kx;
              if (py < h + 2 * ph && px < w + 2 * pw) {
                inPadded++;
              }
              int iy = py - ph;
              int ix = px - pw;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                float v = in[(p * h + iy) * w + ix];
                sum += v;
                max = Math.max(max, v);
                real++;
              }
            }
          }
          out[idx++] = (float) switch (kind) {
            case "max" -> max;
            case "avg" -> sum / inPadded;
            case "avg_valid" -> sum / real;
            default -> throw new IllegalArgumentException(kind);
          };
        }
      }
    }
    return out;
  }

  /** |a - e| <= atol + rtol * |e| everywhere; the failure names the worst element. */
  static void assertClose(float[] expected, float[] actual, double tol, String what) {
    if (expected.length != actual.length) {
      fail(what + ": length " + actual.length + " != expected " + expected.length);
    }
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < expected.length; i++) {
      double excess = Math.abs(actual[i] - expected[i]) - (tol + tol * Math.abs(expected[i]));
      boolean nanMismatch = Float.isNaN(expected[i]) != Float.isNaN(actual[i]);
      if (nanMismatch || excess > worstExcess) {
        worst = i;
        worstExcess = nanMismatch ? Double.POSITIVE_INFINITY : excess;
      }
    }
    if (worst >= 0) {
      fail(what + ": element " + worst + " is " + actual[worst] + " but expected " + expected[worst]
          + " (tolerance " + tol + ")");
    }
  }
}
