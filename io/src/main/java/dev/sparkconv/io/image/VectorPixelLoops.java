package dev.sparkconv.io.image;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PixelLoops} on the JDK Vector API: {@link IntVector#SPECIES_PREFERRED} lanes of 32-bit sums,
 * the same integer arithmetic as {@link ScalarPixelLoops} (so the same bytes), which also does the
 * tails. The horizontal pass gathers its taps from a row widened to ints (the JDK gathers ints, not
 * bytes). Loaded by name through {@link dev.sparkconv.kernel.Kernels#sameSide}.
 */
public final class VectorPixelLoops implements PixelLoops { // public: Kernels loads it by name
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int L = I.length();
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
  private static final ScalarPixelLoops SCALAR = new ScalarPixelLoops();

  public VectorPixelLoops() {}

  /**
   * A block of L output pixels reads its taps from one window of 2L input pixels when the resize shrinks by less
   * than about 2 (ImageNet's Resize(256) of a photo does): two vector loads, then per tap a rearrange of each and a
   * blend. A gather of L ints cost 1.7x as much (the pass over a 500x375 photo: 0.56 ms, now 0.33, same JVM); the
   * two-vector rearrange ran 3x slower than gathering in JDK 17. Other blocks gather.
   */
  @Override
  public void horizontal(byte[] src, int at, int stride, int rows, ResizeTaps taps, byte[] out, int outAt) {
    int n = taps.n();
    int size = taps.size();
    int[] index = taps.tapIndex();
    int[] weight = taps.tapWeight();
    int bound = n - n % L;
    int blocks = bound / L;
    int lo = index[0]; // the first input pixel any tap reads: a crop window can start well inside the row
    int span = index[size * n - 1] + 1 - lo; // through the last one
    int[] base = new int[blocks]; // a block's window start in the row, or -1 where its taps span more than 2L pixels
    @SuppressWarnings("unchecked")
    VectorShuffle<Integer>[] shuffles = new VectorShuffle[blocks * size]; // per block and tap: lane in half
    @SuppressWarnings("unchecked")
    VectorMask<Integer>[] fromHigh = new VectorMask[blocks * size]; // and which half
    int[] lane = new int[L];
    boolean[] upper = new boolean[L];
    for (int b = 0; b < blocks; b++) {
      int first = index[b * L];
      boolean fits = true;
      for (int t = 0; t < size; t++) {
        for (int l = 0; l < L; l++) {
          int offset = index[t * n + b * L + l] - first;
          fits &= offset >= 0 && offset < 2 * L;
          lane[l] = offset & (L - 1);
          upper[l] = offset >= L;
        }
        shuffles[b * size + t] = VectorShuffle.fromArray(I, lane, 0);
        fromHigh[b * size + t] = VectorMask.fromArray(I, upper, 0);
      }
      base[b] = fits ? first - lo : -1;
    }
    int[] row = new int[span + 2 * L]; // the pixels the taps read, then room for a window
    for (int y = 0; y < rows; y++) {
      widenRow(src, at + y * stride + lo, span, row);
      int o = outAt + y * n;
      for (int j = 0; j < bound; j += L) {
        IntVector acc = IntVector.broadcast(I, ScalarPixelLoops.ROUND);
        int first = base[j / L];
        if (first >= 0) {
          IntVector low = IntVector.fromArray(I, row, first);
          IntVector high = IntVector.fromArray(I, row, first + L);
          for (int t = 0, k = j / L * size; t < size; t++, k++) {
            acc = acc.add(low.rearrange(shuffles[k]).blend(high.rearrange(shuffles[k]), fromHigh[k])
                .mul(IntVector.fromArray(I, weight, t * n + j)));
          }
        } else {
          for (int t = 0; t < size; t++) {
            acc = acc.add(IntVector.fromArray(I, row, -lo, index, t * n + j)
                .mul(IntVector.fromArray(I, weight, t * n + j)));
          }
        }
        store(acc, out, o + j);
      }
      for (int j = bound; j < n; j++) {
        int ss = ScalarPixelLoops.ROUND;
        for (int t = 0; t < size; t++) {
          ss += row[index[t * n + j] - lo] * weight[t * n + j];
        }
        out[o + j] = PixelLoops.clip8(ss);
      }
    }
  }

  @Override
  public void vertical(byte[] src, int at, int width, int firstRow, ResizeTaps taps, byte[] out, int outAt) {
    int bound = width - width % L;
    for (int i = 0; i < taps.n(); i++) {
      int count = taps.count()[i];
      int k = i * taps.size();
      int first = at + (taps.min()[i] - firstRow) * width;
      int o = outAt + i * width;
      for (int x = 0; x < bound; x += L) {
        IntVector acc = IntVector.broadcast(I, ScalarPixelLoops.ROUND);
        for (int t = 0; t < count; t++) {
          acc = acc.add(widen(src, first + t * width + x).mul(taps.weights()[k + t]));
        }
        store(acc, out, o + x);
      }
      for (int x = bound; x < width; x++) {
        int ss = ScalarPixelLoops.ROUND;
        for (int t = 0; t < count; t++) {
          ss += (src[first + t * width + x] & 0xFF) * taps.weights()[k + t];
        }
        out[o + x] = PixelLoops.clip8(ss);
      }
    }
  }

  /**
   * Each row is split into Y, Cb - 128 and Cr - 128 ints first, then each colour is its own short loop: one loop
   * computing all three (three gathers and some forty vector operations) outgrew C2's inlining budget, and its
   * vector operations ran as allocating Java code.
   */
  @Override
  public void ycbcrToRgb(byte[] src, int at, int stride, int w, int h, byte[] out) {
    int n = w * h;
    int[] luma = new int[w];
    int[] cb = new int[w];
    int[] cr = new int[w];
    for (int y = 0; y < h; y++) {
      for (int x = 0, p = at + y * stride; x < w; x++, p += 3) {
        luma[x] = src[p] & 0xFF;
        cb[x] = (src[p + 1] & 0xFF) - 128;
        cr[x] = (src[p + 2] & 0xFF) - 128;
      }
      int i = y * w;
      plusScaled(luma, cr, YCbCr.CR_TO_R, null, 0, w, out, i);
      plusScaled(luma, cb, -YCbCr.CB_TO_G, cr, -YCbCr.CR_TO_G, w, out, n + i);
      plusScaled(luma, cb, YCbCr.CB_TO_B, null, 0, w, out, 2 * n + i);
    }
  }

  /** {@code out[at + x] = clip8(luma + ((a * ka + b * kb + ONE_HALF) >> SCALE_BITS))}, libjpeg's colour step. */
  private static void plusScaled(int[] luma, int[] a, int ka, int[] b, int kb, int w, byte[] out, int at) {
    int bound = w - w % L;
    for (int x = 0; x < bound; x += L) {
      IntVector sum = IntVector.fromArray(I, a, x).mul(ka).add(YCbCr.ONE_HALF);
      if (b != null) {
        sum = sum.add(IntVector.fromArray(I, b, x).mul(kb));
      }
      clipToBytes(IntVector.fromArray(I, luma, x).add(sum.lanewise(VectorOperators.ASHR, YCbCr.SCALE_BITS)), out,
          at + x);
    }
    for (int x = bound; x < w; x++) {
      int v = luma[x] + ((a[x] * ka + (b == null ? 0 : b[x] * kb) + YCbCr.ONE_HALF) >> YCbCr.SCALE_BITS);
      out[at + x] = (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
  }

  /**
   * {@code row[x] = src[from + x] & 0xFF} for {@code x < count}, L bytes a step while they lie in {@code src}: the
   * scalar loop was a quarter of the horizontal pass (JFR, 3000 photos).
   */
  private static void widenRow(byte[] src, int from, int count, int[] row) {
    int x = 0;
    for (; x + L <= count && from + x + L <= src.length; x += L) {
      widen(src, from + x).intoArray(row, x);
    }
    for (; x < count; x++) {
      row[x] = src[from + x] & 0xFF;
    }
  }

  private static IntVector widen(byte[] src, int at) {
    return ((IntVector) ByteVector.fromArray(B, src, at).convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
  }

  /** A fixed-point sum to its byte: shifted, clipped to 0..255 (Pillow's clip8). */
  private static void store(IntVector sum, byte[] out, int at) {
    clipToBytes(sum.lanewise(VectorOperators.ASHR, PRECISION_BITS), out, at);
  }

  private static void clipToBytes(IntVector v, byte[] out, int at) {
    ((ByteVector) v.max(0).min(255).convertShape(VectorOperators.I2B, B, 0)).intoArray(out, at);
  }
}
