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

  /**
   * Direct N-d convolution over any number of spatial axes, as the definition reads: out[b][oc][y...]
   * = bias + sum over ci and taps j... of in[b][g*cg + ci][y*s - pBegin + j*d ...] * w[oc][ci][j...],
   * with w read at k-1-j on every axis when {@code flip} (true convolution) and out-of-range input
   * coordinates resolved by {@link #border}. {@code pad} is {begin..., end...}.
   */
  static float[] conv(float[] in, int n, int c, int[] dims, float[] weight, float[] bias, int o, int[] k, int[] s,
      int[] pad, int[] d, int groups, String mode, boolean flip) {
    int r = dims.length;
    int[] outDims = new int[r];
    for (int a = 0; a < r; a++) {
      outDims[a] = (dims[a] + pad[a] + pad[r + a] - d[a] * (k[a] - 1) - 1) / s[a] + 1;
    }
    int inPlane = product(dims);
    int outPlane = product(outDims);
    int taps = product(k);
    int cg = c / groups;
    int og = o / groups;
    float[] out = new float[n * o * outPlane];
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        int g = oc / og;
        for (int y = 0; y < outPlane; y++) {
          int[] pos = unravel(y, outDims);
          double sum = bias == null ? 0 : bias[oc];
          for (int ci = 0; ci < cg; ci++) {
            for (int t = 0; t < taps; t++) {
              int[] tap = unravel(t, k);
              int index = 0;
              int wIndex = 0;
              for (int a = 0; a < r && index >= 0; a++) {
                int coord = border(pos[a] * s[a] - pad[a] + tap[a] * d[a], dims[a], mode);
                index = coord < 0 ? -1 : index * dims[a] + coord;
                wIndex = wIndex * k[a] + (flip ? k[a] - 1 - tap[a] : tap[a]);
              }
              if (index >= 0) {
                sum += (double) in[(b * c + g * cg + ci) * inPlane + index] * weight[(oc * cg + ci) * taps + wIndex];
              }
            }
          }
          out[(b * o + oc) * outPlane + y] = (float) sum;
        }
      }
    }
    return out;
  }

  /** Where coordinate i of an axis of size n reads under a padding mode; -1 for a zero. */
  static int border(int i, int n, String mode) {
    if (i >= 0 && i < n) {
      return i;
    }
    switch (mode) {
      case "zeros":
        return -1;
      case "replicate":
        return i < 0 ? 0 : n - 1;
      case "circular":
        return ((i % n) + n) % n;
      case "reflect": // mirror at the edge elements until inside
        while (i < 0 || i >= n) {
          i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
      default:
        throw new IllegalArgumentException(mode);
    }
  }

  static int product(int[] v) {
    int p = 1;
    for (int x : v) {
      p *= x;
    }
    return p;
  }

  /** C-order coordinates of flat index i in shape dims. */
  static int[] unravel(int i, int[] dims) {
    int[] pos = new int[dims.length];
    for (int a = dims.length - 1; a >= 0; a--) {
      pos[a] = i % dims[a];
      i /= dims[a];
    }
    return pos;
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
