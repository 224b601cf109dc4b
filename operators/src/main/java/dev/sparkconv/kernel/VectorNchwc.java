package dev.sparkconv.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Nchwc} on the JDK Vector API, B = lanes of {@link FloatVector#SPECIES_PREFERRED}. Like
 * {@link VectorMicroKernel}: no helper takes a vector argument and no vector is merged at an if/else, so that C2
 * keeps every vector in a register. Java's max and min (NaN, signed zeros) are six instructions each, more than a
 * pointwise tile's FMAs at 16 input channels: a layer without a clamp (both bounds infinite) runs Plain tiles, the
 * tiles less their clamp (alone, same JVM: 32->16 at 112x112 0.089 -> 0.077 ms, 960->320 at 7x7 0.168 -> 0.154).
 * A clamp to bounds at or above +0.0 (ReLU, ReLU6) runs Bits tiles: on floats that are not NaN, and bounds of that
 * sign, max and min of the bits as ints are the float ones, one instruction each. A NaN would become a bound there,
 * so a Bits tile sums its accumulators first and, where the sum is NaN, stores nothing and returns false; its caller
 * then runs the clamped tile (16->96 with ReLU6 at 112x112 0.28-0.30 -> 0.22-0.24 ms, 24->144 at 56x56 0.171 ->
 * 0.146). Plain and Bits tiles are methods of their own, written by {@code scripts/gen_nchwc_tiles.py}: with two
 * epilogues in one tile behind a branch, C2 compiled tiles that ran MobileNetV2 20% slower. Loaded reflectively by
 * {@link Kernels} only when {@code jdk.incubator.vector} is in the boot layer.
 */
public final class VectorNchwc implements Nchwc {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** The float species' shape in ints, for the Bits tiles' clamp. */
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

  @Override
  public int block() {
    return L;
  }

  /** Gather offsets of B positions of one channel in blocked layout: lane i reads position p + i. */
  private static final int[] BLOCK_STRIDE = new int[L];

  static {
    for (int i = 0; i < L; i++) {
      BLOCK_STRIDE[i] = i * L;
    }
  }

  /**
   * Whether a register transpose applies (B = 16, AVX-512, or 8, AVX2); other widths gather. Gathers are slow
   * instructions on Zen 3: there whole blocks by gathers converted no faster than the scalar reference (96 channels
   * at 112x112 to blocked: 970 us against 1313; by 8 x 8 transposes 446).
   */
  private static final boolean TRANSPOSE = L == 16 || L == 8;
  /**
   * Tiles of four output blocks (24 accumulators) need 32 vector registers (AVX-512); with 16 (AVX2) C2 spills
   * them to the stack, so there tiles take two blocks.
   */
  private static final boolean QUADS = L >= 16;
  /**
   * With 16 registers even six positions x two blocks (12 accumulators, two weight vectors, a broadcast, and the
   * clamp's two floats, which C2 keeps in vector registers) spill, so the pair tiles take five positions (10).
   * Zen 3, pointwise alone, same JVM, GFLOPS six / five: 16->96 at 112x112 29 / 52, 24->144 at 56x56 30 / 39,
   * 96->576 at 14x14 36 / 67, 320->1280 at 7x7 36 / 60; MobileNetV2 blocked, ratio to ONNX Runtime at batch 1 / 8,
   * 0.54 / 0.51 -> 0.62 / 0.72.
   */
  private static final boolean FIVES = L < 16;
  /** Positions per pair tile (and per quad and one-block tile, which are six wide where pairs are). */
  private static final int PAIR = FIVES ? 5 : 6;
  /** Per transpose stage k (lanes k apart): lane j from lane j - k, from lane j + k, and the lanes with bit k. */
  private static final VectorShuffle<Float> UP8 = VectorShuffle.fromOp(S, j -> (j - 8) & (L - 1));
  private static final VectorShuffle<Float> UP4 = VectorShuffle.fromOp(S, j -> (j - 4) & (L - 1));
  private static final VectorShuffle<Float> UP2 = VectorShuffle.fromOp(S, j -> (j - 2) & (L - 1));
  private static final VectorShuffle<Float> UP1 = VectorShuffle.fromOp(S, j -> (j - 1) & (L - 1));
  private static final VectorShuffle<Float> DOWN8 = VectorShuffle.fromOp(S, j -> (j + 8) & (L - 1));
  private static final VectorShuffle<Float> DOWN4 = VectorShuffle.fromOp(S, j -> (j + 4) & (L - 1));
  private static final VectorShuffle<Float> DOWN2 = VectorShuffle.fromOp(S, j -> (j + 2) & (L - 1));
  private static final VectorShuffle<Float> DOWN1 = VectorShuffle.fromOp(S, j -> (j + 1) & (L - 1));
  private static final VectorMask<Float> HIGH8 = VectorMask.fromLong(S, 0xff00L);
  private static final VectorMask<Float> HIGH4 = VectorMask.fromLong(S, 0xf0f0L);
  private static final VectorMask<Float> HIGH2 = VectorMask.fromLong(S, 0xccccL);
  private static final VectorMask<Float> HIGH1 = VectorMask.fromLong(S, 0xaaaaL);

  /**
   * A transpose of each [B channels][P positions] tile: B x B tiles in registers (B loads, log2(B) stages of one
   * rearrange and one blend per row, B stores), a last partial run of positions as a tile overlapping the one before
   * (the same values written twice); the last, partial block of channels and fewer than B positions by gathers (one
   * per position, its channels at stride P, pad lanes zeroed).
   */
  @Override
  public void toBlocked(float[] src, int srcOff, int channels, int positions, float[] dst, int dstOff) {
    int[] rows = new int[L];
    for (int c = 0; c < L; c++) {
      rows[c] = c * positions;
    }
    int full = channels / L;
    for (int cb = 0; cb < full; cb++) {
      int s = srcOff + cb * L * positions;
      int d = dstOff + cb * positions * L;
      if (TRANSPOSE && positions >= L) {
        for (int p = 0; p < positions; p += L) {
          int q = Math.min(p, positions - L);
          transpose(src, s + q, positions, dst, d + q * L, L);
        }
      } else {
        gatherChannels(src, s, rows, positions, dst, d);
      }
    }
    int tail = channels - full * L;
    if (tail > 0) { // pad lanes read the block's first channel (in bounds) and are then zeroed
      boolean[] real = new boolean[L];
      for (int c = 0; c < L; c++) {
        real[c] = c < tail;
        rows[c] = c < tail ? c * positions : 0;
      }
      gatherTail(src, srcOff + full * L * positions, rows, real, positions, dst, dstOff + full * positions * L);
    }
  }

  private static void gatherChannels(float[] src, int s, int[] rows, int positions, float[] dst, int d) {
    for (int p = 0; p < positions; p++) {
      FloatVector.fromArray(S, src, s + p, rows, 0).intoArray(dst, d + p * L);
    }
  }

  private static void gatherTail(float[] src, int s, int[] rows, boolean[] real, int positions, float[] dst,
      int d) {
    VectorMask<Float> keep = VectorMask.fromArray(S, real, 0);
    for (int p = 0; p < positions; p++) {
      FloatVector.zero(S).blend(FloatVector.fromArray(S, src, s + p, rows, 0), keep).intoArray(dst, d + p * L);
    }
  }

  /**
   * The inverse: whole blocks by the same B x B transposes (each is its own inverse); the last, partial block and
   * other widths per channel, B positions per gather (stride B), a last partial run overlapping, scalar below B
   * positions.
   */
  @Override
  public void toPlain(float[] src, int srcOff, int channels, int positions, float[] dst, int dstOff) {
    int full = TRANSPOSE && positions >= L ? channels / L : 0;
    for (int cb = 0; cb < full; cb++) {
      int s = srcOff + cb * positions * L;
      int d = dstOff + cb * L * positions;
      for (int p = 0; p < positions; p += L) {
        int q = Math.min(p, positions - L);
        transpose(src, s + q * L, L, dst, d + q, positions);
      }
    }
    for (int ch = full * L; ch < channels; ch++) {
      int s = srcOff + ch / L * positions * L + ch % L;
      int d = dstOff + ch * positions;
      if (positions < L) {
        for (int p = 0; p < positions; p++) {
          dst[d + p] = src[s + p * L];
        }
      } else {
        gatherPositions(src, s, positions, dst, d);
      }
    }
  }

  private static void gatherPositions(float[] src, int s, int positions, float[] dst, int d) {
    for (int p = 0; p < positions; p += L) {
      int q = Math.min(p, positions - L);
      FloatVector.fromArray(S, src, s + q * L, BLOCK_STRIDE, 0).intoArray(dst, d + q);
    }
  }

  /** B x B tiles of floats, rows to columns: {@link #transpose16} or {@link #transpose8}. */
  private static void transpose(float[] src, int s, int srcStride, float[] dst, int d, int dstStride) {
    if (L == 16) {
      transpose16(src, s, srcStride, dst, d, dstStride);
    } else {
      transpose8(src, s, srcStride, dst, d, dstStride);
    }
  }

  /**
   * Rows i < 16 of 16 floats at {@code s + i * srcStride} to columns: row j of the result (lane i = row i's lane j)
   * at {@code d + j * dstStride}. Four butterfly stages, lanes 8, 4, 2, 1 apart, over rows as far apart: row i
   * keeps its lanes without bit k and takes row i + k's lanes shifted up; row i + k the converse. Only for B = 16.
   */
  private static void transpose16(float[] src, int s, int srcStride, float[] dst, int d, int dstStride) {
    FloatVector r0 = FloatVector.fromArray(S, src, s);
    FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * srcStride);
    FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * srcStride);
    FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * srcStride);
    FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * srcStride);
    FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * srcStride);
    FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * srcStride);
    FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * srcStride);
    FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * srcStride);
    FloatVector r9 = FloatVector.fromArray(S, src, s + 9 * srcStride);
    FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * srcStride);
    FloatVector r11 = FloatVector.fromArray(S, src, s + 11 * srcStride);
    FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * srcStride);
    FloatVector r13 = FloatVector.fromArray(S, src, s + 13 * srcStride);
    FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * srcStride);
    FloatVector r15 = FloatVector.fromArray(S, src, s + 15 * srcStride);
    FloatVector t;
    // lanes 8 apart
    t = r0.blend(r8.rearrange(UP8), HIGH8);
    r8 = r0.rearrange(DOWN8).blend(r8, HIGH8);
    r0 = t;
    t = r1.blend(r9.rearrange(UP8), HIGH8);
    r9 = r1.rearrange(DOWN8).blend(r9, HIGH8);
    r1 = t;
    t = r2.blend(r10.rearrange(UP8), HIGH8);
    r10 = r2.rearrange(DOWN8).blend(r10, HIGH8);
    r2 = t;
    t = r3.blend(r11.rearrange(UP8), HIGH8);
    r11 = r3.rearrange(DOWN8).blend(r11, HIGH8);
    r3 = t;
    t = r4.blend(r12.rearrange(UP8), HIGH8);
    r12 = r4.rearrange(DOWN8).blend(r12, HIGH8);
    r4 = t;
    t = r5.blend(r13.rearrange(UP8), HIGH8);
    r13 = r5.rearrange(DOWN8).blend(r13, HIGH8);
    r5 = t;
    t = r6.blend(r14.rearrange(UP8), HIGH8);
    r14 = r6.rearrange(DOWN8).blend(r14, HIGH8);
    r6 = t;
    t = r7.blend(r15.rearrange(UP8), HIGH8);
    r15 = r7.rearrange(DOWN8).blend(r15, HIGH8);
    r7 = t;
    // lanes 4 apart
    t = r0.blend(r4.rearrange(UP4), HIGH4);
    r4 = r0.rearrange(DOWN4).blend(r4, HIGH4);
    r0 = t;
    t = r1.blend(r5.rearrange(UP4), HIGH4);
    r5 = r1.rearrange(DOWN4).blend(r5, HIGH4);
    r1 = t;
    t = r2.blend(r6.rearrange(UP4), HIGH4);
    r6 = r2.rearrange(DOWN4).blend(r6, HIGH4);
    r2 = t;
    t = r3.blend(r7.rearrange(UP4), HIGH4);
    r7 = r3.rearrange(DOWN4).blend(r7, HIGH4);
    r3 = t;
    t = r8.blend(r12.rearrange(UP4), HIGH4);
    r12 = r8.rearrange(DOWN4).blend(r12, HIGH4);
    r8 = t;
    t = r9.blend(r13.rearrange(UP4), HIGH4);
    r13 = r9.rearrange(DOWN4).blend(r13, HIGH4);
    r9 = t;
    t = r10.blend(r14.rearrange(UP4), HIGH4);
    r14 = r10.rearrange(DOWN4).blend(r14, HIGH4);
    r10 = t;
    t = r11.blend(r15.rearrange(UP4), HIGH4);
    r15 = r11.rearrange(DOWN4).blend(r15, HIGH4);
    r11 = t;
    // lanes 2 apart
    t = r0.blend(r2.rearrange(UP2), HIGH2);
    r2 = r0.rearrange(DOWN2).blend(r2, HIGH2);
    r0 = t;
    t = r1.blend(r3.rearrange(UP2), HIGH2);
    r3 = r1.rearrange(DOWN2).blend(r3, HIGH2);
    r1 = t;
    t = r4.blend(r6.rearrange(UP2), HIGH2);
    r6 = r4.rearrange(DOWN2).blend(r6, HIGH2);
    r4 = t;
    t = r5.blend(r7.rearrange(UP2), HIGH2);
    r7 = r5.rearrange(DOWN2).blend(r7, HIGH2);
    r5 = t;
    t = r8.blend(r10.rearrange(UP2), HIGH2);
    r10 = r8.rearrange(DOWN2).blend(r10, HIGH2);
    r8 = t;
    t = r9.blend(r11.rearrange(UP2), HIGH2);
    r11 = r9.rearrange(DOWN2).blend(r11, HIGH2);
    r9 = t;
    t = r12.blend(r14.rearrange(UP2), HIGH2);
    r14 = r12.rearrange(DOWN2).blend(r14, HIGH2);
    r12 = t;
    t = r13.blend(r15.rearrange(UP2), HIGH2);
    r15 = r13.rearrange(DOWN2).blend(r15, HIGH2);
    r13 = t;
    // lanes 1 apart
    t = r0.blend(r1.rearrange(UP1), HIGH1);
    r1 = r0.rearrange(DOWN1).blend(r1, HIGH1);
    r0 = t;
    t = r2.blend(r3.rearrange(UP1), HIGH1);
    r3 = r2.rearrange(DOWN1).blend(r3, HIGH1);
    r2 = t;
    t = r4.blend(r5.rearrange(UP1), HIGH1);
    r5 = r4.rearrange(DOWN1).blend(r5, HIGH1);
    r4 = t;
    t = r6.blend(r7.rearrange(UP1), HIGH1);
    r7 = r6.rearrange(DOWN1).blend(r7, HIGH1);
    r6 = t;
    t = r8.blend(r9.rearrange(UP1), HIGH1);
    r9 = r8.rearrange(DOWN1).blend(r9, HIGH1);
    r8 = t;
    t = r10.blend(r11.rearrange(UP1), HIGH1);
    r11 = r10.rearrange(DOWN1).blend(r11, HIGH1);
    r10 = t;
    t = r12.blend(r13.rearrange(UP1), HIGH1);
    r13 = r12.rearrange(DOWN1).blend(r13, HIGH1);
    r12 = t;
    t = r14.blend(r15.rearrange(UP1), HIGH1);
    r15 = r14.rearrange(DOWN1).blend(r15, HIGH1);
    r14 = t;
    r0.intoArray(dst, d);
    r1.intoArray(dst, d + 1 * dstStride);
    r2.intoArray(dst, d + 2 * dstStride);
    r3.intoArray(dst, d + 3 * dstStride);
    r4.intoArray(dst, d + 4 * dstStride);
    r5.intoArray(dst, d + 5 * dstStride);
    r6.intoArray(dst, d + 6 * dstStride);
    r7.intoArray(dst, d + 7 * dstStride);
    r8.intoArray(dst, d + 8 * dstStride);
    r9.intoArray(dst, d + 9 * dstStride);
    r10.intoArray(dst, d + 10 * dstStride);
    r11.intoArray(dst, d + 11 * dstStride);
    r12.intoArray(dst, d + 12 * dstStride);
    r13.intoArray(dst, d + 13 * dstStride);
    r14.intoArray(dst, d + 14 * dstStride);
    r15.intoArray(dst, d + 15 * dstStride);
  }

  /** {@link #transpose16} for B = 8 (AVX2): three stages, lanes 4, 2, 1 apart. */
  private static void transpose8(float[] src, int s, int srcStride, float[] dst, int d, int dstStride) {
    FloatVector r0 = FloatVector.fromArray(S, src, s);
    FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * srcStride);
    FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * srcStride);
    FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * srcStride);
    FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * srcStride);
    FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * srcStride);
    FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * srcStride);
    FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * srcStride);
    FloatVector t;
    // lanes 4 apart
    t = r0.blend(r4.rearrange(UP4), HIGH4);
    r4 = r0.rearrange(DOWN4).blend(r4, HIGH4);
    r0 = t;
    t = r1.blend(r5.rearrange(UP4), HIGH4);
    r5 = r1.rearrange(DOWN4).blend(r5, HIGH4);
    r1 = t;
    t = r2.blend(r6.rearrange(UP4), HIGH4);
    r6 = r2.rearrange(DOWN4).blend(r6, HIGH4);
    r2 = t;
    t = r3.blend(r7.rearrange(UP4), HIGH4);
    r7 = r3.rearrange(DOWN4).blend(r7, HIGH4);
    r3 = t;
    // lanes 2 apart
    t = r0.blend(r2.rearrange(UP2), HIGH2);
    r2 = r0.rearrange(DOWN2).blend(r2, HIGH2);
    r0 = t;
    t = r1.blend(r3.rearrange(UP2), HIGH2);
    r3 = r1.rearrange(DOWN2).blend(r3, HIGH2);
    r1 = t;
    t = r4.blend(r6.rearrange(UP2), HIGH2);
    r6 = r4.rearrange(DOWN2).blend(r6, HIGH2);
    r4 = t;
    t = r5.blend(r7.rearrange(UP2), HIGH2);
    r7 = r5.rearrange(DOWN2).blend(r7, HIGH2);
    r5 = t;
    // lanes 1 apart
    t = r0.blend(r1.rearrange(UP1), HIGH1);
    r1 = r0.rearrange(DOWN1).blend(r1, HIGH1);
    r0 = t;
    t = r2.blend(r3.rearrange(UP1), HIGH1);
    r3 = r2.rearrange(DOWN1).blend(r3, HIGH1);
    r2 = t;
    t = r4.blend(r5.rearrange(UP1), HIGH1);
    r5 = r4.rearrange(DOWN1).blend(r5, HIGH1);
    r4 = t;
    t = r6.blend(r7.rearrange(UP1), HIGH1);
    r7 = r6.rearrange(DOWN1).blend(r7, HIGH1);
    r6 = t;
    r0.intoArray(dst, d);
    r1.intoArray(dst, d + 1 * dstStride);
    r2.intoArray(dst, d + 2 * dstStride);
    r3.intoArray(dst, d + 3 * dstStride);
    r4.intoArray(dst, d + 4 * dstStride);
    r5.intoArray(dst, d + 5 * dstStride);
    r6.intoArray(dst, d + 6 * dstStride);
    r7.intoArray(dst, d + 7 * dstStride);
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n, float lo, float hi) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(FloatVector.fromArray(S, a, aOff + i)
          .add(FloatVector.fromArray(S, b, bOff + i)))).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = Math.min(Math.max(a[aOff + i] + b[bOff + i], lo), hi);
    }
  }

  @Override
  public void clamp(float[] x, int xOff, float[] out, int outOff, int n, float lo, float hi) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(FloatVector.fromArray(S, x, xOff + i)))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = Math.min(Math.max(x[xOff + i], lo), hi);
    }
  }

  @Override
  public void globalAverage(float[] in, int inOff, int channels, int positions, float[] out, int outOff) {
    for (int cb = 0; cb * L < channels; cb++) {
      int s = inOff + cb * positions * L;
      FloatVector sum = FloatVector.zero(S);
      for (int p = 0; p < positions; p++) {
        sum = sum.add(FloatVector.fromArray(S, in, s + p * L));
      }
      float scale = 1f / positions;
      for (int c = 0; c < L && cb * L + c < channels; c++) {
        out[outOff + cb * L + c] = sum.lane(c) * scale;
      }
    }
  }

  @Override
  public void depthwise(float[] in, int inOff, Window g, float[] weights, float[] bias, float lo, float hi,
      float[] out, int outOff, float[] rows) {
    int taps = g.kH() * g.kW();
    if (g.kH() != 3 || g.kW() != 3 || g.outW() < 2) { // the interior goes by pairs of columns
      for (int cb = 0; cb < g.blocks(); cb++) {
        int ib = inOff + cb * g.inH() * g.inW() * L;
        int ob = outOff + cb * g.outH() * g.outW() * L;
        for (int oh = 0; oh < g.outH(); oh++) {
          for (int ow = 0; ow < g.outW(); ow++) {
            edge(in, ib, g, weights, cb * taps * L, bias, cb * L, lo, hi, out, ob, oh, ow);
          }
        }
      }
      return;
    }
    // Each input row is copied once into one of four zero-margined rows and rows outside the input read a row of
    // zeros, so every output is an interior one (no border path one position at a time, no padded copy of the whole
    // input) and the rows read stay in L1. Stride 1 goes two output rows and eight outputs at a time (four on
    // narrow rows), stride 2 one row and four outputs, each input column loaded once for all of them; other
    // dilations by pairs. MobileNetV2, batch 1, Zen 5, minutes apart: its 17 depthwise layers took 1040-1160 us
    // with the whole input padded first and pairs only, 890-940 with one row and eight outputs at a time.
    int pitch = Nchwc.depthwiseRowPitch(g, L);
    java.util.Arrays.fill(rows, 0, Nchwc.depthwiseRowsSize(g, L), 0f);
    int[] held = new int[4];
    int inRow = g.inW() * L;
    int outW = g.outW();
    boolean unit = g.sW() == 1 && g.dW() == 1;
    boolean twoRows = unit && g.sH() == 1 && g.dH() == 1 && outW >= 4;
    for (int cb = 0; cb < g.blocks(); cb++) {
      int ib = inOff + cb * g.inH() * inRow;
      int ob = outOff + cb * g.outH() * outW * L;
      int wb = cb * taps * L;
      java.util.Arrays.fill(held, Integer.MIN_VALUE / 2); // no row; far below any window, and no overflow
      int oh = 0;
      for (; twoRows && oh + 2 <= g.outH(); oh += 2) {
        int ih = oh - g.padH();
        int r0 = row(in, ib, ih, 0, 4, 1, g, rows, pitch, held);
        int r1 = row(in, ib, ih, 1, 4, 1, g, rows, pitch, held);
        int r2 = row(in, ib, ih, 2, 4, 1, g, rows, pitch, held);
        int r3 = row(in, ib, ih, 3, 4, 1, g, rows, pitch, held);
        int dst = ob + oh * outW * L;
        rows3x3s1w4x2(rows, r0, r1, r2, r3, weights, wb, bias, cb * L, lo, hi, out, dst, outW);
      }
      for (; oh < g.outH(); oh++) {
        int ih = oh * g.sH() - g.padH();
        int r0 = row(in, ib, ih, 0, 3, g.dH(), g, rows, pitch, held);
        int r1 = row(in, ib, ih, 1, 3, g.dH(), g, rows, pitch, held);
        int r2 = row(in, ib, ih, 2, 3, g.dH(), g, rows, pitch, held);
        int dst = ob + oh * outW * L;
        if (unit && outW >= 8) {
          rows3x3s1w8(rows, r0, r1, r2, weights, wb, bias, cb * L, lo, hi, out, dst, outW);
        } else if (unit && outW >= 4) {
          rows3x3s1w4(rows, r0, r1, r2, weights, wb, bias, cb * L, lo, hi, out, dst, outW);
        } else if (g.dW() == 1 && g.sW() == 2 && outW >= 4) {
          rows3x3s2w4(rows, r0, r1, r2, weights, wb, bias, cb * L, lo, hi, out, dst, outW);
        } else {
          interior3x3(rows, r0, r1, r2, g, weights, wb, bias, cb * L, lo, hi, out, dst, outW);
        }
      }
    }
  }

  /**
   * The offset in {@code rows} of input row {@code first + k * step} of the block at {@code ib}, zero-margined: the
   * zero row when outside the input, else the slot holding it, else copied into a slot that holds none of the
   * {@code span} rows {@code first + {0, ..., span - 1} * step} (there is one: four slots, at most four rows).
   */
  private static int row(float[] in, int ib, int first, int k, int span, int step, Window g, float[] rows, int pitch,
      int[] held) {
    int ih = first + k * step;
    if (ih < 0 || ih >= g.inH()) {
      return 0;
    }
    int free = -1;
    for (int s = 0; s < held.length; s++) {
      int d = held[s] - first;
      if (d == k * step) {
        return (s + 1) * pitch;
      }
      if (d < 0 || d > (span - 1) * step || d % step != 0) {
        free = s;
      }
    }
    held[free] = ih;
    System.arraycopy(in, ib + ih * g.inW() * L, rows, (free + 1) * pitch + g.padW() * L, g.inW() * L);
    return (free + 1) * pitch;
  }

  /**
   * One output row of one channel block of a 3x3 kernel from three zero-margined input rows at {@code r0, r1, r2}:
   * the nine weight vectors in registers, outputs two at a time (two independent accumulators). One call per row,
   * not per block: C2 compiles a method after enough calls, and until then the Vector API runs boxed, a hundred
   * times slower. Calls nothing, so that no vector lives across a call.
   */
  private static void interior3x3(float[] in, int r0, int r1, int r2, Window g, float[] w, int wb, float[] bias,
      int bb, float lo, float hi, float[] out, int dstRow, int outW) {
    FloatVector w0 = FloatVector.fromArray(S, w, wb);
    FloatVector w1 = FloatVector.fromArray(S, w, wb + L);
    FloatVector w2 = FloatVector.fromArray(S, w, wb + 2 * L);
    FloatVector w3 = FloatVector.fromArray(S, w, wb + 3 * L);
    FloatVector w4 = FloatVector.fromArray(S, w, wb + 4 * L);
    FloatVector w5 = FloatVector.fromArray(S, w, wb + 5 * L);
    FloatVector w6 = FloatVector.fromArray(S, w, wb + 6 * L);
    FloatVector w7 = FloatVector.fromArray(S, w, wb + 7 * L);
    FloatVector w8 = FloatVector.fromArray(S, w, wb + 8 * L);
    int dw = g.dW() * L;
    int step = g.sW() * L;
    // A last odd column is done as a pair overlapping the one before (same values written twice).
    for (int ow = 0; ow < outW; ow += 2) {
      int o = Math.min(ow, outW - 2);
      int x = o * step;
      int y = x + step;
      FloatVector a = FloatVector.fromArray(S, bias, bb);
      FloatVector b = FloatVector.fromArray(S, bias, bb);
      a = w0.fma(FloatVector.fromArray(S, in, r0 + x), a);
      b = w0.fma(FloatVector.fromArray(S, in, r0 + y), b);
      a = w1.fma(FloatVector.fromArray(S, in, r0 + x + dw), a);
      b = w1.fma(FloatVector.fromArray(S, in, r0 + y + dw), b);
      a = w2.fma(FloatVector.fromArray(S, in, r0 + x + 2 * dw), a);
      b = w2.fma(FloatVector.fromArray(S, in, r0 + y + 2 * dw), b);
      a = w3.fma(FloatVector.fromArray(S, in, r1 + x), a);
      b = w3.fma(FloatVector.fromArray(S, in, r1 + y), b);
      a = w4.fma(FloatVector.fromArray(S, in, r1 + x + dw), a);
      b = w4.fma(FloatVector.fromArray(S, in, r1 + y + dw), b);
      a = w5.fma(FloatVector.fromArray(S, in, r1 + x + 2 * dw), a);
      b = w5.fma(FloatVector.fromArray(S, in, r1 + y + 2 * dw), b);
      a = w6.fma(FloatVector.fromArray(S, in, r2 + x), a);
      b = w6.fma(FloatVector.fromArray(S, in, r2 + y), b);
      a = w7.fma(FloatVector.fromArray(S, in, r2 + x + dw), a);
      b = w7.fma(FloatVector.fromArray(S, in, r2 + y + dw), b);
      a = w8.fma(FloatVector.fromArray(S, in, r2 + x + 2 * dw), a);
      b = w8.fma(FloatVector.fromArray(S, in, r2 + y + 2 * dw), b);
      int dst = dstRow + o * L;
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a)).intoArray(out, dst);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b)).intoArray(out, dst + L);
    }
  }

  // BEGIN generated by scripts/gen_nchwc_depthwise.py: do not edit by hand

  /**
   * One output row, 8 outputs at a time (the last group overlapping the one before when 8 does not divide
   * {@code outW >= 8}), stride 1: 10 input columns per input row ({@link #depthwise}).
   */
  private static void rows3x3s1w8(float[] in, int r0, int r1, int r2, float[] w, int wb, float[] bias,
      int bb, float lo, float hi, float[] out, int dstRow, int outW) {
    FloatVector w0 = FloatVector.fromArray(S, w, wb + 0 * L);
    FloatVector w1 = FloatVector.fromArray(S, w, wb + 1 * L);
    FloatVector w2 = FloatVector.fromArray(S, w, wb + 2 * L);
    FloatVector w3 = FloatVector.fromArray(S, w, wb + 3 * L);
    FloatVector w4 = FloatVector.fromArray(S, w, wb + 4 * L);
    FloatVector w5 = FloatVector.fromArray(S, w, wb + 5 * L);
    FloatVector w6 = FloatVector.fromArray(S, w, wb + 6 * L);
    FloatVector w7 = FloatVector.fromArray(S, w, wb + 7 * L);
    FloatVector w8 = FloatVector.fromArray(S, w, wb + 8 * L);
    for (int ow = 0; ow < outW; ow += 8) {
      int o = Math.min(ow, outW - 8);
      int x = o * 1 * L;
      FloatVector a0 = FloatVector.fromArray(S, bias, bb);
      FloatVector a1 = FloatVector.fromArray(S, bias, bb);
      FloatVector a2 = FloatVector.fromArray(S, bias, bb);
      FloatVector a3 = FloatVector.fromArray(S, bias, bb);
      FloatVector a4 = FloatVector.fromArray(S, bias, bb);
      FloatVector a5 = FloatVector.fromArray(S, bias, bb);
      FloatVector a6 = FloatVector.fromArray(S, bias, bb);
      FloatVector a7 = FloatVector.fromArray(S, bias, bb);
      FloatVector v;
      v = FloatVector.fromArray(S, in, r0 + x + 0 * L);
      a0 = w0.fma(v, a0);
      v = FloatVector.fromArray(S, in, r0 + x + 1 * L);
      a0 = w1.fma(v, a0);
      a1 = w0.fma(v, a1);
      v = FloatVector.fromArray(S, in, r0 + x + 2 * L);
      a0 = w2.fma(v, a0);
      a1 = w1.fma(v, a1);
      a2 = w0.fma(v, a2);
      v = FloatVector.fromArray(S, in, r0 + x + 3 * L);
      a1 = w2.fma(v, a1);
      a2 = w1.fma(v, a2);
      a3 = w0.fma(v, a3);
      v = FloatVector.fromArray(S, in, r0 + x + 4 * L);
      a2 = w2.fma(v, a2);
      a3 = w1.fma(v, a3);
      a4 = w0.fma(v, a4);
      v = FloatVector.fromArray(S, in, r0 + x + 5 * L);
      a3 = w2.fma(v, a3);
      a4 = w1.fma(v, a4);
      a5 = w0.fma(v, a5);
      v = FloatVector.fromArray(S, in, r0 + x + 6 * L);
      a4 = w2.fma(v, a4);
      a5 = w1.fma(v, a5);
      a6 = w0.fma(v, a6);
      v = FloatVector.fromArray(S, in, r0 + x + 7 * L);
      a5 = w2.fma(v, a5);
      a6 = w1.fma(v, a6);
      a7 = w0.fma(v, a7);
      v = FloatVector.fromArray(S, in, r0 + x + 8 * L);
      a6 = w2.fma(v, a6);
      a7 = w1.fma(v, a7);
      v = FloatVector.fromArray(S, in, r0 + x + 9 * L);
      a7 = w2.fma(v, a7);
      v = FloatVector.fromArray(S, in, r1 + x + 0 * L);
      a0 = w3.fma(v, a0);
      v = FloatVector.fromArray(S, in, r1 + x + 1 * L);
      a0 = w4.fma(v, a0);
      a1 = w3.fma(v, a1);
      v = FloatVector.fromArray(S, in, r1 + x + 2 * L);
      a0 = w5.fma(v, a0);
      a1 = w4.fma(v, a1);
      a2 = w3.fma(v, a2);
      v = FloatVector.fromArray(S, in, r1 + x + 3 * L);
      a1 = w5.fma(v, a1);
      a2 = w4.fma(v, a2);
      a3 = w3.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 4 * L);
      a2 = w5.fma(v, a2);
      a3 = w4.fma(v, a3);
      a4 = w3.fma(v, a4);
      v = FloatVector.fromArray(S, in, r1 + x + 5 * L);
      a3 = w5.fma(v, a3);
      a4 = w4.fma(v, a4);
      a5 = w3.fma(v, a5);
      v = FloatVector.fromArray(S, in, r1 + x + 6 * L);
      a4 = w5.fma(v, a4);
      a5 = w4.fma(v, a5);
      a6 = w3.fma(v, a6);
      v = FloatVector.fromArray(S, in, r1 + x + 7 * L);
      a5 = w5.fma(v, a5);
      a6 = w4.fma(v, a6);
      a7 = w3.fma(v, a7);
      v = FloatVector.fromArray(S, in, r1 + x + 8 * L);
      a6 = w5.fma(v, a6);
      a7 = w4.fma(v, a7);
      v = FloatVector.fromArray(S, in, r1 + x + 9 * L);
      a7 = w5.fma(v, a7);
      v = FloatVector.fromArray(S, in, r2 + x + 0 * L);
      a0 = w6.fma(v, a0);
      v = FloatVector.fromArray(S, in, r2 + x + 1 * L);
      a0 = w7.fma(v, a0);
      a1 = w6.fma(v, a1);
      v = FloatVector.fromArray(S, in, r2 + x + 2 * L);
      a0 = w8.fma(v, a0);
      a1 = w7.fma(v, a1);
      a2 = w6.fma(v, a2);
      v = FloatVector.fromArray(S, in, r2 + x + 3 * L);
      a1 = w8.fma(v, a1);
      a2 = w7.fma(v, a2);
      a3 = w6.fma(v, a3);
      v = FloatVector.fromArray(S, in, r2 + x + 4 * L);
      a2 = w8.fma(v, a2);
      a3 = w7.fma(v, a3);
      a4 = w6.fma(v, a4);
      v = FloatVector.fromArray(S, in, r2 + x + 5 * L);
      a3 = w8.fma(v, a3);
      a4 = w7.fma(v, a4);
      a5 = w6.fma(v, a5);
      v = FloatVector.fromArray(S, in, r2 + x + 6 * L);
      a4 = w8.fma(v, a4);
      a5 = w7.fma(v, a5);
      a6 = w6.fma(v, a6);
      v = FloatVector.fromArray(S, in, r2 + x + 7 * L);
      a5 = w8.fma(v, a5);
      a6 = w7.fma(v, a6);
      a7 = w6.fma(v, a7);
      v = FloatVector.fromArray(S, in, r2 + x + 8 * L);
      a6 = w8.fma(v, a6);
      a7 = w7.fma(v, a7);
      v = FloatVector.fromArray(S, in, r2 + x + 9 * L);
      a7 = w8.fma(v, a7);
      int dst = dstRow + o * L;
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, dst + 0 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, dst + 1 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, dst + 2 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, dst + 3 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, dst + 4 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a5)).intoArray(out, dst + 5 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a6)).intoArray(out, dst + 6 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a7)).intoArray(out, dst + 7 * L);
    }
  }

  /**
   * One output row, 4 outputs at a time (the last group overlapping the one before when 4 does not divide
   * {@code outW >= 4}), stride 1: 6 input columns per input row ({@link #depthwise}).
   */
  private static void rows3x3s1w4(float[] in, int r0, int r1, int r2, float[] w, int wb, float[] bias,
      int bb, float lo, float hi, float[] out, int dstRow, int outW) {
    FloatVector w0 = FloatVector.fromArray(S, w, wb + 0 * L);
    FloatVector w1 = FloatVector.fromArray(S, w, wb + 1 * L);
    FloatVector w2 = FloatVector.fromArray(S, w, wb + 2 * L);
    FloatVector w3 = FloatVector.fromArray(S, w, wb + 3 * L);
    FloatVector w4 = FloatVector.fromArray(S, w, wb + 4 * L);
    FloatVector w5 = FloatVector.fromArray(S, w, wb + 5 * L);
    FloatVector w6 = FloatVector.fromArray(S, w, wb + 6 * L);
    FloatVector w7 = FloatVector.fromArray(S, w, wb + 7 * L);
    FloatVector w8 = FloatVector.fromArray(S, w, wb + 8 * L);
    for (int ow = 0; ow < outW; ow += 4) {
      int o = Math.min(ow, outW - 4);
      int x = o * 1 * L;
      FloatVector a0 = FloatVector.fromArray(S, bias, bb);
      FloatVector a1 = FloatVector.fromArray(S, bias, bb);
      FloatVector a2 = FloatVector.fromArray(S, bias, bb);
      FloatVector a3 = FloatVector.fromArray(S, bias, bb);
      FloatVector v;
      v = FloatVector.fromArray(S, in, r0 + x + 0 * L);
      a0 = w0.fma(v, a0);
      v = FloatVector.fromArray(S, in, r0 + x + 1 * L);
      a0 = w1.fma(v, a0);
      a1 = w0.fma(v, a1);
      v = FloatVector.fromArray(S, in, r0 + x + 2 * L);
      a0 = w2.fma(v, a0);
      a1 = w1.fma(v, a1);
      a2 = w0.fma(v, a2);
      v = FloatVector.fromArray(S, in, r0 + x + 3 * L);
      a1 = w2.fma(v, a1);
      a2 = w1.fma(v, a2);
      a3 = w0.fma(v, a3);
      v = FloatVector.fromArray(S, in, r0 + x + 4 * L);
      a2 = w2.fma(v, a2);
      a3 = w1.fma(v, a3);
      v = FloatVector.fromArray(S, in, r0 + x + 5 * L);
      a3 = w2.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 0 * L);
      a0 = w3.fma(v, a0);
      v = FloatVector.fromArray(S, in, r1 + x + 1 * L);
      a0 = w4.fma(v, a0);
      a1 = w3.fma(v, a1);
      v = FloatVector.fromArray(S, in, r1 + x + 2 * L);
      a0 = w5.fma(v, a0);
      a1 = w4.fma(v, a1);
      a2 = w3.fma(v, a2);
      v = FloatVector.fromArray(S, in, r1 + x + 3 * L);
      a1 = w5.fma(v, a1);
      a2 = w4.fma(v, a2);
      a3 = w3.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 4 * L);
      a2 = w5.fma(v, a2);
      a3 = w4.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 5 * L);
      a3 = w5.fma(v, a3);
      v = FloatVector.fromArray(S, in, r2 + x + 0 * L);
      a0 = w6.fma(v, a0);
      v = FloatVector.fromArray(S, in, r2 + x + 1 * L);
      a0 = w7.fma(v, a0);
      a1 = w6.fma(v, a1);
      v = FloatVector.fromArray(S, in, r2 + x + 2 * L);
      a0 = w8.fma(v, a0);
      a1 = w7.fma(v, a1);
      a2 = w6.fma(v, a2);
      v = FloatVector.fromArray(S, in, r2 + x + 3 * L);
      a1 = w8.fma(v, a1);
      a2 = w7.fma(v, a2);
      a3 = w6.fma(v, a3);
      v = FloatVector.fromArray(S, in, r2 + x + 4 * L);
      a2 = w8.fma(v, a2);
      a3 = w7.fma(v, a3);
      v = FloatVector.fromArray(S, in, r2 + x + 5 * L);
      a3 = w8.fma(v, a3);
      int dst = dstRow + o * L;
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, dst + 0 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, dst + 1 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, dst + 2 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, dst + 3 * L);
    }
  }

  /**
   * One output row, 4 outputs at a time (the last group overlapping the one before when 4 does not divide
   * {@code outW >= 4}), stride 2: 9 input columns per input row ({@link #depthwise}).
   */
  private static void rows3x3s2w4(float[] in, int r0, int r1, int r2, float[] w, int wb, float[] bias,
      int bb, float lo, float hi, float[] out, int dstRow, int outW) {
    FloatVector w0 = FloatVector.fromArray(S, w, wb + 0 * L);
    FloatVector w1 = FloatVector.fromArray(S, w, wb + 1 * L);
    FloatVector w2 = FloatVector.fromArray(S, w, wb + 2 * L);
    FloatVector w3 = FloatVector.fromArray(S, w, wb + 3 * L);
    FloatVector w4 = FloatVector.fromArray(S, w, wb + 4 * L);
    FloatVector w5 = FloatVector.fromArray(S, w, wb + 5 * L);
    FloatVector w6 = FloatVector.fromArray(S, w, wb + 6 * L);
    FloatVector w7 = FloatVector.fromArray(S, w, wb + 7 * L);
    FloatVector w8 = FloatVector.fromArray(S, w, wb + 8 * L);
    for (int ow = 0; ow < outW; ow += 4) {
      int o = Math.min(ow, outW - 4);
      int x = o * 2 * L;
      FloatVector a0 = FloatVector.fromArray(S, bias, bb);
      FloatVector a1 = FloatVector.fromArray(S, bias, bb);
      FloatVector a2 = FloatVector.fromArray(S, bias, bb);
      FloatVector a3 = FloatVector.fromArray(S, bias, bb);
      FloatVector v;
      v = FloatVector.fromArray(S, in, r0 + x + 0 * L);
      a0 = w0.fma(v, a0);
      v = FloatVector.fromArray(S, in, r0 + x + 1 * L);
      a0 = w1.fma(v, a0);
      v = FloatVector.fromArray(S, in, r0 + x + 2 * L);
      a0 = w2.fma(v, a0);
      a1 = w0.fma(v, a1);
      v = FloatVector.fromArray(S, in, r0 + x + 3 * L);
      a1 = w1.fma(v, a1);
      v = FloatVector.fromArray(S, in, r0 + x + 4 * L);
      a1 = w2.fma(v, a1);
      a2 = w0.fma(v, a2);
      v = FloatVector.fromArray(S, in, r0 + x + 5 * L);
      a2 = w1.fma(v, a2);
      v = FloatVector.fromArray(S, in, r0 + x + 6 * L);
      a2 = w2.fma(v, a2);
      a3 = w0.fma(v, a3);
      v = FloatVector.fromArray(S, in, r0 + x + 7 * L);
      a3 = w1.fma(v, a3);
      v = FloatVector.fromArray(S, in, r0 + x + 8 * L);
      a3 = w2.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 0 * L);
      a0 = w3.fma(v, a0);
      v = FloatVector.fromArray(S, in, r1 + x + 1 * L);
      a0 = w4.fma(v, a0);
      v = FloatVector.fromArray(S, in, r1 + x + 2 * L);
      a0 = w5.fma(v, a0);
      a1 = w3.fma(v, a1);
      v = FloatVector.fromArray(S, in, r1 + x + 3 * L);
      a1 = w4.fma(v, a1);
      v = FloatVector.fromArray(S, in, r1 + x + 4 * L);
      a1 = w5.fma(v, a1);
      a2 = w3.fma(v, a2);
      v = FloatVector.fromArray(S, in, r1 + x + 5 * L);
      a2 = w4.fma(v, a2);
      v = FloatVector.fromArray(S, in, r1 + x + 6 * L);
      a2 = w5.fma(v, a2);
      a3 = w3.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 7 * L);
      a3 = w4.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 8 * L);
      a3 = w5.fma(v, a3);
      v = FloatVector.fromArray(S, in, r2 + x + 0 * L);
      a0 = w6.fma(v, a0);
      v = FloatVector.fromArray(S, in, r2 + x + 1 * L);
      a0 = w7.fma(v, a0);
      v = FloatVector.fromArray(S, in, r2 + x + 2 * L);
      a0 = w8.fma(v, a0);
      a1 = w6.fma(v, a1);
      v = FloatVector.fromArray(S, in, r2 + x + 3 * L);
      a1 = w7.fma(v, a1);
      v = FloatVector.fromArray(S, in, r2 + x + 4 * L);
      a1 = w8.fma(v, a1);
      a2 = w6.fma(v, a2);
      v = FloatVector.fromArray(S, in, r2 + x + 5 * L);
      a2 = w7.fma(v, a2);
      v = FloatVector.fromArray(S, in, r2 + x + 6 * L);
      a2 = w8.fma(v, a2);
      a3 = w6.fma(v, a3);
      v = FloatVector.fromArray(S, in, r2 + x + 7 * L);
      a3 = w7.fma(v, a3);
      v = FloatVector.fromArray(S, in, r2 + x + 8 * L);
      a3 = w8.fma(v, a3);
      int dst = dstRow + o * L;
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, dst + 0 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, dst + 1 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, dst + 2 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, dst + 3 * L);
    }
  }

  /**
   * {@link #rows3x3s1w4} on two output rows at once, from four input rows (the middle two feed both): at dstRow
   * and dstRow + outW * L.
   */
  private static void rows3x3s1w4x2(float[] in, int r0, int r1, int r2, int r3, float[] w, int wb,
      float[] bias, int bb, float lo, float hi, float[] out, int dstRow, int outW) {
    FloatVector w0 = FloatVector.fromArray(S, w, wb + 0 * L);
    FloatVector w1 = FloatVector.fromArray(S, w, wb + 1 * L);
    FloatVector w2 = FloatVector.fromArray(S, w, wb + 2 * L);
    FloatVector w3 = FloatVector.fromArray(S, w, wb + 3 * L);
    FloatVector w4 = FloatVector.fromArray(S, w, wb + 4 * L);
    FloatVector w5 = FloatVector.fromArray(S, w, wb + 5 * L);
    FloatVector w6 = FloatVector.fromArray(S, w, wb + 6 * L);
    FloatVector w7 = FloatVector.fromArray(S, w, wb + 7 * L);
    FloatVector w8 = FloatVector.fromArray(S, w, wb + 8 * L);
    for (int ow = 0; ow < outW; ow += 4) {
      int o = Math.min(ow, outW - 4);
      int x = o * L;
      FloatVector a0 = FloatVector.fromArray(S, bias, bb);
      FloatVector a1 = FloatVector.fromArray(S, bias, bb);
      FloatVector a2 = FloatVector.fromArray(S, bias, bb);
      FloatVector a3 = FloatVector.fromArray(S, bias, bb);
      FloatVector b0 = a0;
      FloatVector b1 = a1;
      FloatVector b2 = a2;
      FloatVector b3 = a3;
      FloatVector v;
      v = FloatVector.fromArray(S, in, r0 + x + 0 * L);
      a0 = w0.fma(v, a0);
      v = FloatVector.fromArray(S, in, r0 + x + 1 * L);
      a0 = w1.fma(v, a0);
      a1 = w0.fma(v, a1);
      v = FloatVector.fromArray(S, in, r0 + x + 2 * L);
      a0 = w2.fma(v, a0);
      a1 = w1.fma(v, a1);
      a2 = w0.fma(v, a2);
      v = FloatVector.fromArray(S, in, r0 + x + 3 * L);
      a1 = w2.fma(v, a1);
      a2 = w1.fma(v, a2);
      a3 = w0.fma(v, a3);
      v = FloatVector.fromArray(S, in, r0 + x + 4 * L);
      a2 = w2.fma(v, a2);
      a3 = w1.fma(v, a3);
      v = FloatVector.fromArray(S, in, r0 + x + 5 * L);
      a3 = w2.fma(v, a3);
      v = FloatVector.fromArray(S, in, r1 + x + 0 * L);
      a0 = w3.fma(v, a0);
      b0 = w0.fma(v, b0);
      v = FloatVector.fromArray(S, in, r1 + x + 1 * L);
      a0 = w4.fma(v, a0);
      a1 = w3.fma(v, a1);
      b0 = w1.fma(v, b0);
      b1 = w0.fma(v, b1);
      v = FloatVector.fromArray(S, in, r1 + x + 2 * L);
      a0 = w5.fma(v, a0);
      a1 = w4.fma(v, a1);
      a2 = w3.fma(v, a2);
      b0 = w2.fma(v, b0);
      b1 = w1.fma(v, b1);
      b2 = w0.fma(v, b2);
      v = FloatVector.fromArray(S, in, r1 + x + 3 * L);
      a1 = w5.fma(v, a1);
      a2 = w4.fma(v, a2);
      a3 = w3.fma(v, a3);
      b1 = w2.fma(v, b1);
      b2 = w1.fma(v, b2);
      b3 = w0.fma(v, b3);
      v = FloatVector.fromArray(S, in, r1 + x + 4 * L);
      a2 = w5.fma(v, a2);
      a3 = w4.fma(v, a3);
      b2 = w2.fma(v, b2);
      b3 = w1.fma(v, b3);
      v = FloatVector.fromArray(S, in, r1 + x + 5 * L);
      a3 = w5.fma(v, a3);
      b3 = w2.fma(v, b3);
      v = FloatVector.fromArray(S, in, r2 + x + 0 * L);
      a0 = w6.fma(v, a0);
      b0 = w3.fma(v, b0);
      v = FloatVector.fromArray(S, in, r2 + x + 1 * L);
      a0 = w7.fma(v, a0);
      a1 = w6.fma(v, a1);
      b0 = w4.fma(v, b0);
      b1 = w3.fma(v, b1);
      v = FloatVector.fromArray(S, in, r2 + x + 2 * L);
      a0 = w8.fma(v, a0);
      a1 = w7.fma(v, a1);
      a2 = w6.fma(v, a2);
      b0 = w5.fma(v, b0);
      b1 = w4.fma(v, b1);
      b2 = w3.fma(v, b2);
      v = FloatVector.fromArray(S, in, r2 + x + 3 * L);
      a1 = w8.fma(v, a1);
      a2 = w7.fma(v, a2);
      a3 = w6.fma(v, a3);
      b1 = w5.fma(v, b1);
      b2 = w4.fma(v, b2);
      b3 = w3.fma(v, b3);
      v = FloatVector.fromArray(S, in, r2 + x + 4 * L);
      a2 = w8.fma(v, a2);
      a3 = w7.fma(v, a3);
      b2 = w5.fma(v, b2);
      b3 = w4.fma(v, b3);
      v = FloatVector.fromArray(S, in, r2 + x + 5 * L);
      a3 = w8.fma(v, a3);
      b3 = w5.fma(v, b3);
      v = FloatVector.fromArray(S, in, r3 + x + 0 * L);
      b0 = w6.fma(v, b0);
      v = FloatVector.fromArray(S, in, r3 + x + 1 * L);
      b0 = w7.fma(v, b0);
      b1 = w6.fma(v, b1);
      v = FloatVector.fromArray(S, in, r3 + x + 2 * L);
      b0 = w8.fma(v, b0);
      b1 = w7.fma(v, b1);
      b2 = w6.fma(v, b2);
      v = FloatVector.fromArray(S, in, r3 + x + 3 * L);
      b1 = w8.fma(v, b1);
      b2 = w7.fma(v, b2);
      b3 = w6.fma(v, b3);
      v = FloatVector.fromArray(S, in, r3 + x + 4 * L);
      b2 = w8.fma(v, b2);
      b3 = w7.fma(v, b3);
      v = FloatVector.fromArray(S, in, r3 + x + 5 * L);
      b3 = w8.fma(v, b3);
      int dst = dstRow + o * L;
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, dst + 0 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, dst + 1 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, dst + 2 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, dst + 3 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, dst + outW * L + 0 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b1)).intoArray(out, dst + outW * L + 1 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b2)).intoArray(out, dst + outW * L + 2 * L);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b3)).intoArray(out, dst + outW * L + 3 * L);
    }
  }
  // END generated by scripts/gen_nchwc_depthwise.py

  /**
   * One output position near the border: the taps inside the input found first (scalar bounds), so that the
   * accumulator is never merged at a branch (C2 would box it).
   */
  private static void edge(float[] in, int ib, Window g, float[] w, int wb, float[] bias, int bb, float lo,
      float hi, float[] out, int ob, int oh, int ow) {
    int ih0 = oh * g.sH() - g.padH();
    int iw0 = ow * g.sW() - g.padW();
    int khLo = firstInside(ih0, g.dH());
    int khHi = Math.min(g.kH(), lastInside(ih0, g.dH(), g.inH()));
    int kwLo = firstInside(iw0, g.dW());
    int kwHi = Math.min(g.kW(), lastInside(iw0, g.dW(), g.inW()));
    // The sum lives in out, not in a vector carried through the tap loops (C2 boxes that: a hundred times slower).
    int o = ob + (oh * g.outW() + ow) * L;
    FloatVector.fromArray(S, bias, bb).intoArray(out, o);
    for (int kh = khLo; kh < khHi; kh++) {
      int x = ib + ((ih0 + kh * g.dH()) * g.inW() + iw0) * L;
      for (int kw = kwLo; kw < kwHi; kw++) {
        FloatVector.fromArray(S, w, wb + (kh * g.kW() + kw) * L)
            .fma(FloatVector.fromArray(S, in, x + kw * g.dW() * L), FloatVector.fromArray(S, out, o)).intoArray(out, o);
      }
    }
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(FloatVector.fromArray(S, out, o)))
        .intoArray(out, o);
  }

  /** The first tap k with start + k * dilation >= 0. */
  private static int firstInside(int start, int dilation) {
    return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  }

  /** One past the last tap k with start + k * dilation < size (at least 0). */
  private static int lastInside(int start, int dilation, int size) {
    return start >= size ? 0 : (size - 1 - start) / dilation + 1;
  }

  @Override
  public boolean directCompetes() {
    return QUADS;
  }

  @Override
  public int tilePositions() {
    return PAIR;
  }

  /**
   * Where the next whole tile of {@code tile} positions starts, from position {@code p} of those before {@code pEnd};
   * -1 when the rest goes position by position. The last two or more positions (fewer than a tile) are one tile
   * ending at {@code pEnd}, which computes a few positions again (tiles only write their outputs, so that is
   * harmless): a one-position tile keeps two accumulator chains, far from the FMA pipes' throughput. Zen 3, pointwise
   * at 7x7 (49 positions: four left after nine tiles of five), same JVM: 960->160, 320->1280, 232->232, 160->960
   * 1.12-1.16x; 14x14 and 56x56 unchanged.
   */
  private static int tileStart(int p, int pEnd, int tile) {
    int left = pEnd - p;
    return left >= tile ? p : left >= 2 && pEnd >= tile ? pEnd - tile : -1;
  }

  @Override
  public void pointwise(float[] in, int inOff, int inBlocks, int positions, float[] weights, float[] bias,
      int outBlocks, float lo, float hi, int chunk, float[] out, int outOff) {
    boolean plain = lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY; // see the class comment
    int loBits = Float.floatToRawIntBits(lo);
    int hiBits = Float.floatToRawIntBits(hi);
    boolean bits = loBits >= 0 && hi >= lo; // bounds at or above +0.0 (sign bit clear), in order, not NaN
    for (int p0 = 0; p0 < positions; p0 += chunk) {
      int pEnd = Math.min(positions, p0 + chunk);
      for (int ob = 0; ob < outBlocks; ob += QUADS && ob + 3 < outBlocks ? 4 : 2) {
        int wb = ob * L * inBlocks * L;
        int p = p0;
        if (QUADS && ob + 3 < outBlocks) { // two pairs, as direct6x4
          int wc = wb + 2 * L * inBlocks * L;
          for (int t; (t = tileStart(p, pEnd, 6)) >= 0; p = t + 6) {
            if (plain) {
              tile6x4Plain(in, inOff, inBlocks, positions, t, weights, wb, wc, bias, ob, out, outOff);
            } else if (!bits || !tile6x4Bits(in, inOff, inBlocks, positions, t,
                weights, wb, wc, bias, ob, loBits, hiBits, out, outOff)) {
              tile6x4(in, inOff, inBlocks, positions, t, weights, wb, wc, bias, ob, lo, hi, out, outOff);
            }
          }
          for (; p < pEnd; p++) {
            tile1x4(in, inOff, inBlocks, positions, p, weights, wb, wc, bias, ob, lo, hi, out, outOff);
          }
        } else if (ob + 1 < outBlocks) {
          for (int t; (t = tileStart(p, pEnd, PAIR)) >= 0; p = t + PAIR) {
            if (FIVES && plain) {
              tile5x2Plain(in, inOff, inBlocks, positions, t, weights, wb, bias, ob, out, outOff);
            } else if (FIVES) {
              if (!bits || !tile5x2Bits(in, inOff, inBlocks, positions, t, weights, wb, bias, ob, loBits, hiBits, out,
                  outOff)) {
                tile5x2(in, inOff, inBlocks, positions, t, weights, wb, bias, ob, lo, hi, out, outOff);
              }
            } else if (plain) {
              tile6x2Plain(in, inOff, inBlocks, positions, t, weights, wb, bias, ob, out, outOff);
            } else if (!bits || !tile6x2Bits(in, inOff, inBlocks, positions, t,
                weights, wb, bias, ob, loBits, hiBits, out, outOff)) {
              tile6x2(in, inOff, inBlocks, positions, t, weights, wb, bias, ob, lo, hi, out, outOff);
            }
          }
          for (; p < pEnd; p++) {
            tile1x2(in, inOff, inBlocks, positions, p, weights, wb, bias, ob, lo, hi, out, outOff);
          }
        } else {
          for (int t; (t = tileStart(p, pEnd, 12)) >= 0; p = t + 12) {
            if (plain) {
              tile12x1Plain(in, inOff, inBlocks, positions, t, weights, wb, bias, ob, out, outOff);
            } else if (!bits || !tile12x1Bits(in, inOff, inBlocks, positions, t,
                weights, wb, bias, ob, loBits, hiBits, out, outOff)) {
              tile12x1(in, inOff, inBlocks, positions, t, weights, wb, bias, ob, lo, hi, out, outOff);
            }
          }
          for (; p < pEnd; p++) {
            tile1x1(in, inOff, inBlocks, positions, p, weights, wb, bias, ob, lo, hi, out, outOff);
          }
        }
      }
    }
  }

  @Override
  public void winogradInput(float[] in, int inOff, int blocks, Window g, int tile, int first, int count, float[] v,
      int vOff, int vStride) {
    if (tile + g.kH() - 1 == 4) {
      winogradInput4(in, inOff, blocks, g, first, count, v, vOff, vStride);
      return;
    }
    // The two passes are written out: through one helper for both, 64c56 read 0.46-0.61 ms against 0.46-0.48
    // (three alternating pairs).
    float[] t = new float[36 * L]; // B^T d of one tile and block, in L1
    int pitch = g.inW() * L;
    int plane = g.inH() * pitch;
    int blockFloats = g.inD() * plane;
    for (int j = 0; j < count; j++) {
      int corner = inOff + Nchwc.winogradTile(first + j, g, tile, g.sD() * g.inH() * g.inW(), g.inW(),
          blocks * blockFloats, L);
      for (int tap = 0; tap < g.kD() * blocks; tap++) { // frame tap by frame tap, block by block
        int x0 = corner + tap / blocks * g.dD() * plane + tap % blocks * blockFloats;
        for (int col = 0, x = x0; col < 6; col++, x += L) { // B^T d: column by column
          FloatVector d0 = FloatVector.fromArray(S, in, x);
          FloatVector d1 = FloatVector.fromArray(S, in, x + pitch);
          FloatVector d2 = FloatVector.fromArray(S, in, x + 2 * pitch);
          FloatVector d3 = FloatVector.fromArray(S, in, x + 3 * pitch);
          FloatVector d4 = FloatVector.fromArray(S, in, x + 4 * pitch);
          FloatVector d5 = FloatVector.fromArray(S, in, x + 5 * pitch);
          FloatVector a = d2.mul(-4f).add(d4);
          FloatVector b = d1.mul(4f).sub(d3);
          FloatVector c = d4.sub(d2);
          FloatVector e = d1.sub(d3).mul(2f);
          d0.mul(4f).add(d2.mul(-5f)).add(d4).intoArray(t, col * L);
          a.sub(b).intoArray(t, (6 + col) * L);
          a.add(b).intoArray(t, (12 + col) * L);
          c.sub(e).intoArray(t, (18 + col) * L);
          c.add(e).intoArray(t, (24 + col) * L);
          d1.mul(4f).add(d3.mul(-5f)).add(d5).intoArray(t, (30 + col) * L);
        }
        int o = vOff + (tap * count + j) * L;
        for (int r = 0; r < 6; r++, o += 6 * vStride) { // (B^T d) B: row by row
          FloatVector d0 = FloatVector.fromArray(S, t, 6 * r * L);
          FloatVector d1 = FloatVector.fromArray(S, t, (6 * r + 1) * L);
          FloatVector d2 = FloatVector.fromArray(S, t, (6 * r + 2) * L);
          FloatVector d3 = FloatVector.fromArray(S, t, (6 * r + 3) * L);
          FloatVector d4 = FloatVector.fromArray(S, t, (6 * r + 4) * L);
          FloatVector d5 = FloatVector.fromArray(S, t, (6 * r + 5) * L);
          FloatVector a = d2.mul(-4f).add(d4);
          FloatVector b = d1.mul(4f).sub(d3);
          FloatVector c = d4.sub(d2);
          FloatVector e = d1.sub(d3).mul(2f);
          d0.mul(4f).add(d2.mul(-5f)).add(d4).intoArray(v, o);
          a.sub(b).intoArray(v, o + vStride);
          a.add(b).intoArray(v, o + 2 * vStride);
          c.sub(e).intoArray(v, o + 3 * vStride);
          c.add(e).intoArray(v, o + 4 * vStride);
          d1.mul(4f).add(d3.mul(-5f)).add(d5).intoArray(v, o + 5 * vStride);
        }
      }
    }
  }

  @Override
  public void winogradOutput(float[] m, int mOff, int mStride, int outBlocks, Window g, int tile, int first,
      int count, float[] bias, float lo, float hi, float[] out, int outOff) {
    // Whole tiles and cropped ones in methods of their own, each with branches every tile takes both ways: C2
    // compiles untaken branches as traps, and the first map with cropped tiles (ResNet-18's 14x14, after 56x56 and
    // 28x28) threw one method for all tiles back to the interpreter, where the Vector API runs boxed, until C2
    // compiled it again (three times in a fresh JVM's first forward). Now only this loop, index arithmetic, goes back.
    float[] s = new float[28 * L]; // A^T M of one tile and block, and a row of outputs, in L1
    int outH = g.outH();
    int outW = g.outW();
    int blockFloats = g.outD() * outH * outW * L;
    int tilesW = (outW + tile - 1) / tile;
    for (int j = 0; j < count; j++) {
      int y = tile * ((first + j) % ((outH + tile - 1) / tile * tilesW) / tilesW);
      int x = tile * ((first + j) % tilesW);
      int corner = outOff + Nchwc.winogradTile(first + j, g, tile, outH * outW, outW, outBlocks * blockFloats, L);
      int rows = Math.min(tile, outH - y);
      int cols = Math.min(tile, outW - x);
      if (tile + g.kH() - 1 == 4) { // F(2x2, 3x3), as winogradInput dispatches
        winogradOutput23(m, mOff + j * L, mStride, count, outBlocks, bias, lo, hi, out, corner, blockFloats, outW,
            rows, cols);
      } else if (tile == 2) {
        winogradOutput2(m, mOff + j * L, mStride, count, outBlocks, bias, lo, hi, out, corner, blockFloats, outW,
            rows, cols, s);
      } else if (rows == 4 && cols == 4) {
        winogradOutput4(m, mOff + j * L, mStride, count, outBlocks, bias, lo, hi, out, corner, blockFloats, outW, s);
      } else {
        winogradOutput4Cropped(m, mOff + j * L, mStride, count, outBlocks, bias, lo, hi, out, corner, blockFloats,
            outW, rows, cols, s);
      }
    }
  }

  /**
   * {@link #winogradInput} of F(2x2, 3x3): 4x4 input tiles, B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1,
   * 0, -1]], a tile's 16 vectors in registers.
   */
  private static void winogradInput4(float[] in, int inOff, int blocks, Window g, int first, int count, float[] v,
      int vOff, int vStride) {
    int pitch = g.inW() * L;
    int plane = g.inH() * pitch;
    int blockFloats = g.inD() * plane;
    for (int j = 0; j < count; j++) {
      int corner = inOff + Nchwc.winogradTile(first + j, g, 2, g.sD() * g.inH() * g.inW(), g.inW(),
          blocks * blockFloats, L);
      for (int tap = 0; tap < g.kD() * blocks; tap++) { // frame tap by frame tap, block by block
        int x = corner + tap / blocks * g.dD() * plane + tap % blocks * blockFloats;
        int o = vOff + (tap * count + j) * L;
        for (int col = 0; col < 4; col++, x += L, o += vStride) { // B^T d, column by column, then its row's B
          FloatVector d0 = FloatVector.fromArray(S, in, x);
          FloatVector d1 = FloatVector.fromArray(S, in, x + pitch);
          FloatVector d2 = FloatVector.fromArray(S, in, x + 2 * pitch);
          FloatVector d3 = FloatVector.fromArray(S, in, x + 3 * pitch);
          d0.sub(d2).intoArray(v, o);
          d1.add(d2).intoArray(v, o + 4 * vStride);
          d2.sub(d1).intoArray(v, o + 8 * vStride);
          d1.sub(d3).intoArray(v, o + 12 * vStride);
        }
        o -= 4 * vStride;
        for (int r = 0; r < 4; r++, o += 4 * vStride) { // (B^T d) B, row by row, in place
          FloatVector t0 = FloatVector.fromArray(S, v, o);
          FloatVector t1 = FloatVector.fromArray(S, v, o + vStride);
          FloatVector t2 = FloatVector.fromArray(S, v, o + 2 * vStride);
          FloatVector t3 = FloatVector.fromArray(S, v, o + 3 * vStride);
          t0.sub(t2).intoArray(v, o);
          t1.add(t2).intoArray(v, o + vStride);
          t2.sub(t1).intoArray(v, o + 2 * vStride);
          t1.sub(t3).intoArray(v, o + 3 * vStride);
        }
      }
    }
  }

  /**
   * {@link #winogradOutput}'s F(2x2, 3x3) tile, A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]: its {@code rows} x
   * {@code cols} (1 or 2) outputs of every block from {@code o}, position xi of block ob at m[k + xi * mStride + ob *
   * count * L].
   */
  private static void winogradOutput23(float[] m, int k, int mStride, int count, int outBlocks, float[] bias,
      float lo, float hi, float[] out, int o, int blockFloats, int outW, int rows, int cols) {
    FloatVector low = FloatVector.broadcast(S, lo);
    FloatVector high = FloatVector.broadcast(S, hi);
    int step = 4 * mStride; // from one row of M to the next
    for (int ob = 0; ob < outBlocks; ob++, k += count * L, o += blockFloats) {
      FloatVector bv = FloatVector.fromArray(S, bias, ob * L);
      FloatVector s00 = firstRow23(m, k, step); // A^T M, row by column
      FloatVector s01 = firstRow23(m, k + mStride, step);
      FloatVector s02 = firstRow23(m, k + 2 * mStride, step);
      FloatVector s03 = firstRow23(m, k + 3 * mStride, step);
      high.min(low.max(s00.add(s01).add(s02).add(bv))).intoArray(out, o);
      if (cols > 1) {
        high.min(low.max(s01.sub(s02).sub(s03).add(bv))).intoArray(out, o + L);
      }
      if (rows > 1) {
        FloatVector s10 = secondRow23(m, k, step);
        FloatVector s11 = secondRow23(m, k + mStride, step);
        FloatVector s12 = secondRow23(m, k + 2 * mStride, step);
        FloatVector s13 = secondRow23(m, k + 3 * mStride, step);
        int x = o + outW * L;
        high.min(low.max(s10.add(s11).add(s12).add(bv))).intoArray(out, x);
        if (cols > 1) {
          high.min(low.max(s11.sub(s12).sub(s13).add(bv))).intoArray(out, x + L);
        }
      }
    }
  }

  /** Row 0 of F(2x2, 3x3)'s A^T M at the column whose row 0 is at m[q]: M0 + M1 + M2. */
  private static FloatVector firstRow23(float[] m, int q, int step) {
    return FloatVector.fromArray(S, m, q).add(FloatVector.fromArray(S, m, q + step))
        .add(FloatVector.fromArray(S, m, q + 2 * step));
  }

  /** Row 1 of F(2x2, 3x3)'s A^T M at the column whose row 0 is at m[q]: M1 - M2 - M3. */
  private static FloatVector secondRow23(float[] m, int q, int step) {
    return FloatVector.fromArray(S, m, q + step).sub(FloatVector.fromArray(S, m, q + 2 * step))
        .sub(FloatVector.fromArray(S, m, q + 3 * step));
  }

  /**
   * A^T M of one block of {@link #winogradOutput}'s F(4x4, 3x3) tile: into s[0, 24 B), row by row. Position xi of
   * the block at m[k + xi * mStride].
   */
  private static void winogradColumns4(float[] m, int k, int mStride, float[] s) {
    for (int col = 0; col < 6; col++, k += mStride) { // A^T M: column by column
      FloatVector m0 = FloatVector.fromArray(S, m, k);
      FloatVector m1 = FloatVector.fromArray(S, m, k + 6 * mStride);
      FloatVector m2 = FloatVector.fromArray(S, m, k + 12 * mStride);
      FloatVector m3 = FloatVector.fromArray(S, m, k + 18 * mStride);
      FloatVector m4 = FloatVector.fromArray(S, m, k + 24 * mStride);
      FloatVector m5 = FloatVector.fromArray(S, m, k + 30 * mStride);
      FloatVector a = m1.add(m2);
      FloatVector b = m1.sub(m2);
      FloatVector c = m3.add(m4);
      FloatVector d = m3.sub(m4);
      m0.add(a).add(c).intoArray(s, col * L);
      d.mul(2f).add(b).intoArray(s, (6 + col) * L);
      c.mul(4f).add(a).intoArray(s, (12 + col) * L);
      d.mul(8f).add(b).add(m5).intoArray(s, (18 + col) * L);
    }
  }

  /** {@link #winogradOutput}'s whole F(4x4, 3x3) tile: its 4 x 4 outputs of every block from {@code o}. */
  private static void winogradOutput4(float[] m, int k, int mStride, int count, int outBlocks, float[] bias,
      float lo, float hi, float[] out, int o, int blockFloats, int outW, float[] s) {
    FloatVector low = FloatVector.broadcast(S, lo);
    FloatVector high = FloatVector.broadcast(S, hi);
    for (int ob = 0; ob < outBlocks; ob++, k += count * L, o += blockFloats) {
      winogradColumns4(m, k, mStride, s);
      FloatVector bv = FloatVector.fromArray(S, bias, ob * L);
      for (int i = 0, x = o; i < 4; i++, x += outW * L) { // (A^T M) A: row by row
        FloatVector m0 = FloatVector.fromArray(S, s, 6 * i * L);
        FloatVector m1 = FloatVector.fromArray(S, s, (6 * i + 1) * L);
        FloatVector m2 = FloatVector.fromArray(S, s, (6 * i + 2) * L);
        FloatVector m3 = FloatVector.fromArray(S, s, (6 * i + 3) * L);
        FloatVector m4 = FloatVector.fromArray(S, s, (6 * i + 4) * L);
        FloatVector m5 = FloatVector.fromArray(S, s, (6 * i + 5) * L);
        FloatVector a = m1.add(m2);
        FloatVector b = m1.sub(m2);
        FloatVector c = m3.add(m4);
        FloatVector d = m3.sub(m4);
        high.min(low.max(m0.add(a).add(c).add(bv))).intoArray(out, x);
        high.min(low.max(d.mul(2f).add(b).add(bv))).intoArray(out, x + L);
        high.min(low.max(c.mul(4f).add(a).add(bv))).intoArray(out, x + 2 * L);
        high.min(low.max(d.mul(8f).add(b).add(m5).add(bv))).intoArray(out, x + 3 * L);
      }
    }
  }

  /**
   * {@link #winogradOutput}'s F(4x4, 3x3) tile cropped at the map's edges: its {@code rows} x {@code cols} outputs of
   * every block from {@code o}, each row through s[24 B, 28 B) and copied {@code cols} wide (no branch on cols).
   * The row transform is written out here and in {@link #winogradOutput4}: through one helper for both (no vector
   * parameters), 256c14 read 0.49-0.51 ms against 0.45-0.46 (two alternating pairs).
   */
  private static void winogradOutput4Cropped(float[] m, int k, int mStride, int count, int outBlocks, float[] bias,
      float lo, float hi, float[] out, int o, int blockFloats, int outW, int rows, int cols, float[] s) {
    FloatVector low = FloatVector.broadcast(S, lo);
    FloatVector high = FloatVector.broadcast(S, hi);
    for (int ob = 0; ob < outBlocks; ob++, k += count * L, o += blockFloats) {
      winogradColumns4(m, k, mStride, s);
      FloatVector bv = FloatVector.fromArray(S, bias, ob * L);
      for (int i = 0, x = o; i < rows; i++, x += outW * L) { // (A^T M) A: row by row
        FloatVector m0 = FloatVector.fromArray(S, s, 6 * i * L);
        FloatVector m1 = FloatVector.fromArray(S, s, (6 * i + 1) * L);
        FloatVector m2 = FloatVector.fromArray(S, s, (6 * i + 2) * L);
        FloatVector m3 = FloatVector.fromArray(S, s, (6 * i + 3) * L);
        FloatVector m4 = FloatVector.fromArray(S, s, (6 * i + 4) * L);
        FloatVector m5 = FloatVector.fromArray(S, s, (6 * i + 5) * L);
        FloatVector a = m1.add(m2);
        FloatVector b = m1.sub(m2);
        FloatVector c = m3.add(m4);
        FloatVector d = m3.sub(m4);
        high.min(low.max(m0.add(a).add(c).add(bv))).intoArray(s, 24 * L);
        high.min(low.max(d.mul(2f).add(b).add(bv))).intoArray(s, 25 * L);
        high.min(low.max(c.mul(4f).add(a).add(bv))).intoArray(s, 26 * L);
        high.min(low.max(d.mul(8f).add(b).add(m5).add(bv))).intoArray(s, 27 * L);
        for (int q = 0; q < cols; q++) {
          FloatVector.fromArray(S, s, (24 + q) * L).intoArray(out, x + q * L);
        }
      }
    }
  }

  /**
   * {@link #winogradOutput}'s F(2x2, 5x5) tile, A^T = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 1]]: its {@code rows}
   * x {@code cols} (1 or 2) outputs of every block from {@code o}, position xi of block ob at m[k + xi * mStride
   * + ob * count * L].
   */
  private static void winogradOutput2(float[] m, int k, int mStride, int count, int outBlocks, float[] bias,
      float lo, float hi, float[] out, int o, int blockFloats, int outW, int rows, int cols, float[] s) {
    FloatVector low = FloatVector.broadcast(S, lo);
    FloatVector high = FloatVector.broadcast(S, hi);
    for (int ob = 0; ob < outBlocks; ob++, k += count * L, o += blockFloats) {
      for (int col = 0, q = k; col < 6; col++, q += mStride) { // A^T M: column by column
        FloatVector m1 = FloatVector.fromArray(S, m, q + 6 * mStride);
        FloatVector m2 = FloatVector.fromArray(S, m, q + 12 * mStride);
        FloatVector m3 = FloatVector.fromArray(S, m, q + 18 * mStride);
        FloatVector m4 = FloatVector.fromArray(S, m, q + 24 * mStride);
        FloatVector.fromArray(S, m, q).add(m1.add(m2)).add(m3.add(m4)).intoArray(s, col * L);
        m3.sub(m4).mul(2f).add(m1.sub(m2)).add(FloatVector.fromArray(S, m, q + 30 * mStride))
            .intoArray(s, (6 + col) * L);
      }
      FloatVector bv = FloatVector.fromArray(S, bias, ob * L);
      for (int i = 0; i < rows; i++) { // (A^T M) A: row by row
        FloatVector m1 = FloatVector.fromArray(S, s, (6 * i + 1) * L);
        FloatVector m2 = FloatVector.fromArray(S, s, (6 * i + 2) * L);
        FloatVector m3 = FloatVector.fromArray(S, s, (6 * i + 3) * L);
        FloatVector m4 = FloatVector.fromArray(S, s, (6 * i + 4) * L);
        int x = o + i * outW * L;
        high.min(low.max(FloatVector.fromArray(S, s, 6 * i * L).add(m1.add(m2)).add(m3.add(m4)).add(bv)))
            .intoArray(out, x);
        if (cols > 1) {
          high.min(low.max(m3.sub(m4).mul(2f).add(m1.sub(m2)).add(FloatVector.fromArray(S, s, (6 * i + 5) * L))
              .add(bv))).intoArray(out, x + L);
        }
      }
    }
  }

  /**
   * Twelve positions x one output block (a last, single block: its weights are B, not 2B, per input channel):
   * twelve chains of FMAs, where six waited on their latency, and half the tiles' fixed costs. MobileNetV2's 32 -> 16
   * at 112x112, alone: 0.089-0.090 ms against 0.111-0.113 with six positions a tile.
   */
  private static void tile12x1(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        a0 = FloatVector.broadcast(S, in[x]).fma(v, a0);
        a1 = FloatVector.broadcast(S, in[x + L]).fma(v, a1);
        a2 = FloatVector.broadcast(S, in[x + 2 * L]).fma(v, a2);
        a3 = FloatVector.broadcast(S, in[x + 3 * L]).fma(v, a3);
        a4 = FloatVector.broadcast(S, in[x + 4 * L]).fma(v, a4);
        a5 = FloatVector.broadcast(S, in[x + 5 * L]).fma(v, a5);
        a6 = FloatVector.broadcast(S, in[x + 6 * L]).fma(v, a6);
        a7 = FloatVector.broadcast(S, in[x + 7 * L]).fma(v, a7);
        a8 = FloatVector.broadcast(S, in[x + 8 * L]).fma(v, a8);
        a9 = FloatVector.broadcast(S, in[x + 9 * L]).fma(v, a9);
        a10 = FloatVector.broadcast(S, in[x + 10 * L]).fma(v, a10);
        a11 = FloatVector.broadcast(S, in[x + 11 * L]).fma(v, a11);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    FloatVector low = FloatVector.broadcast(S, lo);
    FloatVector high = FloatVector.broadcast(S, hi);
    high.min(low.max(a0)).intoArray(out, o);
    high.min(low.max(a1)).intoArray(out, o + L);
    high.min(low.max(a2)).intoArray(out, o + 2 * L);
    high.min(low.max(a3)).intoArray(out, o + 3 * L);
    high.min(low.max(a4)).intoArray(out, o + 4 * L);
    high.min(low.max(a5)).intoArray(out, o + 5 * L);
    high.min(low.max(a6)).intoArray(out, o + 6 * L);
    high.min(low.max(a7)).intoArray(out, o + 7 * L);
    high.min(low.max(a8)).intoArray(out, o + 8 * L);
    high.min(low.max(a9)).intoArray(out, o + 9 * L);
    high.min(low.max(a10)).intoArray(out, o + 10 * L);
    high.min(low.max(a11)).intoArray(out, o + 11 * L);
  }

  /** Six positions x four output blocks (two packed pairs, weights from {@code wb} and {@code wc}), as direct6x4. */
  private static void tile6x4(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb, int wc,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    FloatVector c0 = FloatVector.fromArray(S, bias, ob * L + 2 * L);
    FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    FloatVector d0 = FloatVector.fromArray(S, bias, ob * L + 3 * L);
    FloatVector d1 = d0, d2 = d0, d3 = d0, d4 = d0, d5 = d0;
    int wi = wb;
    int wj = wc;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L, wj += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector s = FloatVector.fromArray(S, w, wj);
        FloatVector t = FloatVector.fromArray(S, w, wj + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        c0 = x0.fma(s, c0);
        d0 = x0.fma(t, d0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        c1 = x1.fma(s, c1);
        d1 = x1.fma(t, d1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        c2 = x2.fma(s, c2);
        d2 = x2.fma(t, d2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        c3 = x3.fma(s, c3);
        d3 = x3.fma(t, d3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
        c4 = x4.fma(s, c4);
        d4 = x4.fma(t, d4);
        FloatVector x5 = FloatVector.broadcast(S, in[x + 5 * L]);
        a5 = x5.fma(v, a5);
        b5 = x5.fma(u, b5);
        c5 = x5.fma(s, c5);
        d5 = x5.fma(t, d5);
      }
    }
    FloatVector low = FloatVector.broadcast(S, lo);
    FloatVector high = FloatVector.broadcast(S, hi);
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    high.min(low.max(a0)).intoArray(out, o);
    high.min(low.max(a1)).intoArray(out, o + L);
    high.min(low.max(a2)).intoArray(out, o + 2 * L);
    high.min(low.max(a3)).intoArray(out, o + 3 * L);
    high.min(low.max(a4)).intoArray(out, o + 4 * L);
    high.min(low.max(a5)).intoArray(out, o + 5 * L);
    high.min(low.max(b0)).intoArray(out, q);
    high.min(low.max(b1)).intoArray(out, q + L);
    high.min(low.max(b2)).intoArray(out, q + 2 * L);
    high.min(low.max(b3)).intoArray(out, q + 3 * L);
    high.min(low.max(b4)).intoArray(out, q + 4 * L);
    high.min(low.max(b5)).intoArray(out, q + 5 * L);
    high.min(low.max(c0)).intoArray(out, r);
    high.min(low.max(c1)).intoArray(out, r + L);
    high.min(low.max(c2)).intoArray(out, r + 2 * L);
    high.min(low.max(c3)).intoArray(out, r + 3 * L);
    high.min(low.max(c4)).intoArray(out, r + 4 * L);
    high.min(low.max(c5)).intoArray(out, r + 5 * L);
    high.min(low.max(d0)).intoArray(out, z);
    high.min(low.max(d1)).intoArray(out, z + L);
    high.min(low.max(d2)).intoArray(out, z + 2 * L);
    high.min(low.max(d3)).intoArray(out, z + 3 * L);
    high.min(low.max(d4)).intoArray(out, z + 4 * L);
    high.min(low.max(d5)).intoArray(out, z + 5 * L);
  }

  /** Six positions x two output blocks: twelve accumulators; per input channel two weight loads, six broadcasts. */
  private static void tile6x2(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
        FloatVector x5 = FloatVector.broadcast(S, in[x + 5 * L]);
        a5 = x5.fma(v, a5);
        b5 = x5.fma(u, b5);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a5)).intoArray(out, o + 5 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, q);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b1)).intoArray(out, q + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b2)).intoArray(out, q + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b3)).intoArray(out, q + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b4)).intoArray(out, q + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b5)).intoArray(out, q + 5 * L);
  }

  /**
   * One position x four output blocks: a quad's last position (7x7: 49 = 8 x 6 + 1). Four accumulator chains in one
   * pass, where two {@link #tile1x2} passes of two chains each took as long as two thirds of a six-position tile.
   */
  private static void tile1x4(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb, int wc,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a = FloatVector.fromArray(S, bias, ob * L);
    FloatVector b = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector c = FloatVector.fromArray(S, bias, ob * L + 2 * L);
    FloatVector d = FloatVector.fromArray(S, bias, ob * L + 3 * L);
    int wi = wb;
    int wj = wc;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int k = 0; k < L; k++, x++, wi += 2 * L, wj += 2 * L) {
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a = x0.fma(FloatVector.fromArray(S, w, wi), a);
        b = x0.fma(FloatVector.fromArray(S, w, wi + L), b);
        c = x0.fma(FloatVector.fromArray(S, w, wj), c);
        d = x0.fma(FloatVector.fromArray(S, w, wj + L), d);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    int step = positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b)).intoArray(out, o + step);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(c)).intoArray(out, o + 2 * step);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(d)).intoArray(out, o + 3 * step);
  }

  private static void tile1x2(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a = FloatVector.fromArray(S, bias, ob * L);
    FloatVector b = FloatVector.fromArray(S, bias, ob * L + L);
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a = x0.fma(FloatVector.fromArray(S, w, wi), a);
        b = x0.fma(FloatVector.fromArray(S, w, wi + L), b);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b)).intoArray(out, o + positions * L);
  }

  private static void tile1x1(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a = FloatVector.fromArray(S, bias, ob * L);
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += L) {
        a = FloatVector.broadcast(S, in[x]).fma(FloatVector.fromArray(S, w, wi), a);
      }
    }
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a))
        .intoArray(out, outOff + (ob * positions + p) * L);
  }

  @Override
  public void maxPool(float[] in, int inOff, Window g, float[] out, int outOff) {
    // The running max lives in out, not in a FloatVector carried through the tap loops, which C2 would box.
    FloatVector lowest = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    boolean k3x3 = g.kH() == 3 && g.kW() == 3;
    int rowPitch = g.inW() * L;
    for (int cb = 0; cb < g.blocks(); cb++) {
      int plane = inOff + cb * g.inH() * rowPitch;
      for (int oh = 0; oh < g.outH(); oh++) {
        int h0 = oh * g.sH() - g.padH();
        // A 3x3 window's taps outside the map read another of its taps inside (a max may take a tap twice), so
        // border windows run the straight-line code too: in the tap loops below, ResNet's 3x3 stride-2 pool
        // (112 -> 56) spent more time on its 111 border windows than on its 3025 interior ones.
        int r0 = tapInside(h0, 0, g.dH(), g.inH()) * rowPitch;
        int r1 = tapInside(h0, 1, g.dH(), g.inH()) * rowPitch;
        int r2 = tapInside(h0, 2, g.dH(), g.inH()) * rowPitch;
        for (int ow = 0; ow < g.outW(); ow++) {
          int w0 = ow * g.sW() - g.padW();
          int o = outOff + ((cb * g.outH() + oh) * g.outW() + ow) * L;
          int c0 = tapInside(w0, 0, g.dW(), g.inW()) * L;
          if (k3x3 && r0 >= 0 && c0 >= 0) {
            max3x3(in, plane, r0, r1, r2, c0, tapInside(w0, 1, g.dW(), g.inW()) * L,
                tapInside(w0, 2, g.dW(), g.inW()) * L, out, o);
            continue;
          }
          lowest.intoArray(out, o);
          for (int kh = 0; kh < g.kH(); kh++) {
            int ih = h0 + kh * g.dH();
            for (int kw = 0; ih >= 0 && ih < g.inH() && kw < g.kW(); kw++) {
              int iw = w0 + kw * g.dW();
              if (iw >= 0 && iw < g.inW()) {
                FloatVector.fromArray(S, out, o).max(FloatVector.fromArray(S, in, plane + ih * rowPitch + iw * L))
                    .intoArray(out, o);
              }
            }
          }
        }
      }
    }
  }

  /**
   * Tap k of a 3-tap window starting at {@code start} (input index, dilation {@code d}) when inside [0, size), else
   * the window's first tap inside; -1 when none is.
   */
  private static int tapInside(int start, int k, int d, int size) {
    int i = start + k * d;
    if (i >= 0 && i < size) {
      return i;
    }
    for (int t = 0; t < 3; t++) {
      if (start + t * d >= 0 && start + t * d < size) {
        return start + t * d;
      }
    }
    return -1;
  }

  /**
   * A 3x3 window, its taps at rows r0-r2 and columns c0-c2 (offsets from {@code x}), in straight-line code: nine
   * loads, no loop-carried vector and no store per tap (the tap loops above keep their running max in {@code out},
   * a store-to-load chain of nine).
   */
  private static void max3x3(float[] in, int x, int r0, int r1, int r2, int c0, int c1, int c2, float[] out, int o) {
    FloatVector top = FloatVector.fromArray(S, in, x + r0 + c0).max(FloatVector.fromArray(S, in, x + r0 + c1))
        .max(FloatVector.fromArray(S, in, x + r0 + c2));
    FloatVector middle = FloatVector.fromArray(S, in, x + r1 + c0).max(FloatVector.fromArray(S, in, x + r1 + c1))
        .max(FloatVector.fromArray(S, in, x + r1 + c2));
    FloatVector bottom = FloatVector.fromArray(S, in, x + r2 + c0).max(FloatVector.fromArray(S, in, x + r2 + c1))
        .max(FloatVector.fromArray(S, in, x + r2 + c2));
    top.max(middle).max(bottom).intoArray(out, o);
  }

  @Override
  public void direct(float[] in, int inOff, Window g, int outBlocks, float[] weights, int wOff, float[] bias,
      int biasOff, float lo, float hi, int chunk, float[] out, int outOff) {
    int positions = g.outPositions();
    int ib = g.inBlock();
    int[] tapOffsets = Nchwc.tapOffsets(g, ib);
    int blockWeights = g.blocks() * tapOffsets.length * ib * L;
    // Every (input block, tap, channel) offset from a window's corner, in the weights' order: the tiles loop over it
    // in one loop with no inner loop, whose trip count C2 must know (nested loops kept the accumulators boxed: 5
    // GFLOPS, not 150; a channel loop of g.inBlock() iterations did the same).
    int[] taps = new int[g.blocks() * tapOffsets.length * ib];
    for (int cb = 0, j = 0; cb < g.blocks(); cb++) {
      for (int t = 0; t < tapOffsets.length; t++) {
        for (int c = 0; c < ib; c++, j++) {
          taps[j] = cb * g.inPositions() * ib + tapOffsets[t] + c;
        }
      }
    }
    for (int p0 = 0; p0 < positions; p0 += chunk) {
      int pEnd = Math.min(positions, p0 + chunk);
      for (int ob = 0; ob < outBlocks; ob += QUADS && ob + 3 < outBlocks ? 4 : 2) {
        int wb = wOff + ob * blockWeights;
        int bo = biasOff + ob * L;
        int o = outOff + ob * positions * L;
        int p = p0;
        if (QUADS && ob + 3 < outBlocks) { // two pairs: the second pair's weights start 2 * blockWeights on
          directQuad(in, inOff, g, taps, p0, pEnd, weights, wb, wb + 2 * blockWeights, bias, bo, lo, hi, out, o,
              positions);
        } else if (ob + 1 < outBlocks) {
          for (int t; (t = tileStart(p, pEnd, PAIR)) >= 0; p = t + PAIR) {
            if (FIVES) {
              direct5x2(in, inOff, g, taps, t, weights, wb, bias, bo, lo, hi, out, o + t * L, positions);
            } else {
              if (rowStep(g, t, 6) == 2) { // see directQuad
                direct6x2Row2(in, inOff, g, taps, t, weights, wb, bias, bo, lo, hi, out, o + t * L, positions);
              } else {
                direct6x2(in, inOff, g, taps, t, weights, wb, bias, bo, lo, hi, out, o + t * L, positions);
              }
            }
          }
          for (; p < pEnd; p++) {
            direct1x2(in, inOff, g, taps, p, weights, wb, bias, bo, lo, hi, out, o + p * L, positions);
          }
        } else {
          for (int t; (t = tileStart(p, pEnd, 6)) >= 0; p = t + 6) {
            direct6x1(in, inOff, g, taps, t, weights, wb, bias, bo, lo, hi, out, o + t * L, positions);
          }
          for (; p < pEnd; p++) {
            direct1x1(in, inOff, g, taps, p, weights, wb, bias, bo, lo, hi, out, o + p * L, positions);
          }
        }
      }
    }
  }

  /**
   * Input offset between neighbouring windows when positions p to p + n - 1 share an output row, else 0: a tile's
   * corners then cost one {@link #corner} (three divisions), not n. First layers (27 taps a tile) 1.06-1.10x, Zen 3.
   */
  private static int rowStep(Window g, int p, int n) {
    return p % g.outW() + n <= g.outW() ? g.sW() * g.inBlock() : 0;
  }

  /** Position p + k's corner: k window steps from p's ({@code x0}) when {@code step} says they share a row. */
  private static int corner(Window g, int inOff, int p, int k, int x0, int step) {
    return step != 0 ? x0 + k * step : corner(g, inOff, p + k);
  }

  /**
   * Offset of output position p's window corner in the padded input (any row or plane: a tile may span two), from
   * {@code inOff}.
   */
  private static int corner(Window g, int inOff, int p) {
    int ib = g.inBlock();
    int plane = g.outH() * g.outW();
    int rem = p % plane;
    return inOff + ((p / plane * g.sD() * g.inH() + rem / g.outW() * g.sH()) * g.inW() + rem % g.outW() * g.sW()) * ib;
  }

  /**
   * Four output blocks over positions [p0, pEnd): bias first, then the taps of as many input blocks as
   * {@link BlockSizes#DIRECT_PASS_WEIGHTS} allows per pass over the positions, each pass adding to {@code out}, then
   * the clamp. The order of the sums is that of one pass. Six windows of one row, L floats apart (stride 1 on a
   * blocked input), or 1 or 2 (stride 1 or 2 on a plain input: first layers), run a Row tile: its broadcasts read one
   * index at constant offsets, which C2 checks once, not six times, and it keeps fewer indices in registers.
   * Alternating JVMs, the layer between others: 64c56 199-211 -> 208-214 GFLOPS (five pairs), ResNet's 7x7 stem
   * 185-191 -> 188-198 (four); MobileNetV2's 3x3 stem (pairs, {@link #direct6x2Row2}) 103-122 -> 128-135 (five);
   * 64c56 alone, reading its plain input, 189-200 -> 189-206 (five).
   */
  private static void directQuad(float[] in, int inOff, Window g, int[] taps, int p0, int pEnd, float[] w, int wb,
      int wc, float[] bias, int bo, float lo, float hi, float[] out, int o, int positions) {
    for (int k = 0; k < 4; k++) {
      FloatVector b = FloatVector.fromArray(S, bias, bo + k * L);
      for (int p = p0, x = o + k * positions * L + p0 * L; p < pEnd; p++, x += L) {
        b.intoArray(out, x);
      }
    }
    int perBlock = taps.length / g.blocks();
    int step = Math.max(1, BlockSizes.DIRECT_PASS_WEIGHTS / (perBlock * 4 * L)); // input blocks per pass
    for (int cb = 0; cb < g.blocks(); cb += step) {
      int j0 = cb * perBlock;
      int j1 = Math.min(g.blocks(), cb + step) * perBlock;
      int p = p0;
      for (; p + 6 <= pEnd; p += 6) {
        int windowStep = rowStep(g, p, 6);
        if (windowStep == L) {
          direct6x4Row(in, inOff, g, taps, j0, j1, p, w, wb, wc, out, o + p * L, positions);
        } else if (windowStep == 2) {
          direct6x4Row2(in, inOff, g, taps, j0, j1, p, w, wb, wc, out, o + p * L, positions);
        } else if (windowStep == 1) {
          direct6x4Row1(in, inOff, g, taps, j0, j1, p, w, wb, wc, out, o + p * L, positions);
        } else {
          direct6x4(in, inOff, g, taps, j0, j1, p, w, wb, wc, out, o + p * L, positions);
        }
      }
      for (; p < pEnd; p++) {
        direct1x4(in, inOff, g, taps, j0, j1, p, w, wb, wc, out, o + p * L, positions);
      }
    }
    if (lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) {
      return; // no activation: no pass over the output
    }
    FloatVector low = FloatVector.broadcast(S, lo);
    FloatVector high = FloatVector.broadcast(S, hi);
    for (int k = 0; k < 4; k++) {
      for (int p = p0, x = o + k * positions * L + p0 * L; p < pEnd; p++, x += L) {
        high.min(low.max(FloatVector.fromArray(S, out, x))).intoArray(out, x);
      }
    }
  }

  /** One position x four output blocks, taps [j0, j1), adding to {@code out}: the tail of {@link #directQuad}. */
  private static void direct1x4(float[] in, int inOff, Window g, int[] taps, int j0, int j1, int p, float[] w,
      int wb, int wc, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    FloatVector a0 = FloatVector.fromArray(S, out, o);
    FloatVector b0 = FloatVector.fromArray(S, out, q);
    FloatVector c0 = FloatVector.fromArray(S, out, r);
    FloatVector d0 = FloatVector.fromArray(S, out, z);
    for (int j = j0, wi = wb + j0 * 2 * L, wj = wc + j0 * 2 * L; j < j1; j++, wi += 2 * L, wj += 2 * L) {
      FloatVector y0 = FloatVector.broadcast(S, in[x0 + taps[j]]);
      a0 = y0.fma(FloatVector.fromArray(S, w, wi), a0);
      b0 = y0.fma(FloatVector.fromArray(S, w, wi + L), b0);
      c0 = y0.fma(FloatVector.fromArray(S, w, wj), c0);
      d0 = y0.fma(FloatVector.fromArray(S, w, wj + L), d0);
    }
    a0.intoArray(out, o);
    b0.intoArray(out, q);
    c0.intoArray(out, r);
    d0.intoArray(out, z);
  }

  /**
   * Six output positions x four output blocks (two packed pairs, weights from {@code wb} and {@code wc}), taps
   * [j0, j1), adding to {@code out}: 24 accumulators, four weight loads and six broadcasts per (input block, tap,
   * channel) offset, against two and six for {@link #direct6x2}'s twelve. 3x3 stride 1, Zen 5, alone: 64 channels
   * at 56x56 177-179 GFLOPS against 150, 128 at 28x28 180-186 vs 152-165, 256 at 14x14 174-188 vs 155-158, 512 at
   * 7x7 150-153 vs 132-135 (before {@link #directQuad} split the taps).
   */
  private static void direct6x4(float[] in, int inOff, Window g, int[] taps, int j0, int j1, int p, float[] w,
      int wb, int wc, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int step = rowStep(g, p, 6);
    int x1 = corner(g, inOff, p, 1, x0, step);
    int x2 = corner(g, inOff, p, 2, x0, step);
    int x3 = corner(g, inOff, p, 3, x0, step);
    int x4 = corner(g, inOff, p, 4, x0, step);
    int x5 = corner(g, inOff, p, 5, x0, step);
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    FloatVector a0 = FloatVector.fromArray(S, out, o);
    FloatVector a1 = FloatVector.fromArray(S, out, o + L);
    FloatVector a2 = FloatVector.fromArray(S, out, o + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, out, o + 3 * L);
    FloatVector a4 = FloatVector.fromArray(S, out, o + 4 * L);
    FloatVector a5 = FloatVector.fromArray(S, out, o + 5 * L);
    FloatVector b0 = FloatVector.fromArray(S, out, q);
    FloatVector b1 = FloatVector.fromArray(S, out, q + L);
    FloatVector b2 = FloatVector.fromArray(S, out, q + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, out, q + 3 * L);
    FloatVector b4 = FloatVector.fromArray(S, out, q + 4 * L);
    FloatVector b5 = FloatVector.fromArray(S, out, q + 5 * L);
    FloatVector c0 = FloatVector.fromArray(S, out, r);
    FloatVector c1 = FloatVector.fromArray(S, out, r + L);
    FloatVector c2 = FloatVector.fromArray(S, out, r + 2 * L);
    FloatVector c3 = FloatVector.fromArray(S, out, r + 3 * L);
    FloatVector c4 = FloatVector.fromArray(S, out, r + 4 * L);
    FloatVector c5 = FloatVector.fromArray(S, out, r + 5 * L);
    FloatVector d0 = FloatVector.fromArray(S, out, z);
    FloatVector d1 = FloatVector.fromArray(S, out, z + L);
    FloatVector d2 = FloatVector.fromArray(S, out, z + 2 * L);
    FloatVector d3 = FloatVector.fromArray(S, out, z + 3 * L);
    FloatVector d4 = FloatVector.fromArray(S, out, z + 4 * L);
    FloatVector d5 = FloatVector.fromArray(S, out, z + 5 * L);
    int wi = wb + j0 * 2 * L;
    int wj = wc + j0 * 2 * L;
    for (int j = j0; j < j1; j++, wi += 2 * L, wj += 2 * L) {
      int x = taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector s = FloatVector.fromArray(S, w, wj);
      FloatVector t = FloatVector.fromArray(S, w, wj + L);
      FloatVector y0 = FloatVector.broadcast(S, in[x0 + x]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
      c0 = y0.fma(s, c0);
      d0 = y0.fma(t, d0);
      FloatVector y1 = FloatVector.broadcast(S, in[x1 + x]);
      a1 = y1.fma(v, a1);
      b1 = y1.fma(u, b1);
      c1 = y1.fma(s, c1);
      d1 = y1.fma(t, d1);
      FloatVector y2 = FloatVector.broadcast(S, in[x2 + x]);
      a2 = y2.fma(v, a2);
      b2 = y2.fma(u, b2);
      c2 = y2.fma(s, c2);
      d2 = y2.fma(t, d2);
      FloatVector y3 = FloatVector.broadcast(S, in[x3 + x]);
      a3 = y3.fma(v, a3);
      b3 = y3.fma(u, b3);
      c3 = y3.fma(s, c3);
      d3 = y3.fma(t, d3);
      FloatVector y4 = FloatVector.broadcast(S, in[x4 + x]);
      a4 = y4.fma(v, a4);
      b4 = y4.fma(u, b4);
      c4 = y4.fma(s, c4);
      d4 = y4.fma(t, d4);
      FloatVector y5 = FloatVector.broadcast(S, in[x5 + x]);
      a5 = y5.fma(v, a5);
      b5 = y5.fma(u, b5);
      c5 = y5.fma(s, c5);
      d5 = y5.fma(t, d5);
    }
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    b0.intoArray(out, q);
    b1.intoArray(out, q + L);
    b2.intoArray(out, q + 2 * L);
    b3.intoArray(out, q + 3 * L);
    b4.intoArray(out, q + 4 * L);
    b5.intoArray(out, q + 5 * L);
    c0.intoArray(out, r);
    c1.intoArray(out, r + L);
    c2.intoArray(out, r + 2 * L);
    c3.intoArray(out, r + 3 * L);
    c4.intoArray(out, r + 4 * L);
    c5.intoArray(out, r + 5 * L);
    d0.intoArray(out, z);
    d1.intoArray(out, z + L);
    d2.intoArray(out, z + 2 * L);
    d3.intoArray(out, z + 3 * L);
    d4.intoArray(out, z + 4 * L);
    d5.intoArray(out, z + 5 * L);
  }

  /**
   * Six output positions x two output blocks, {@link #tile6x2} looping over (input block, tap, channel) offsets:
   * twelve accumulators; per input channel and tap two weight loads (the packed weights in one increasing run), six
   * broadcasts. {@code taps}: those offsets from a window's corner. Eight positions (sixteen
   * accumulators) ran no faster; twelve slower.
   */
  private static void direct6x2(float[] in, int inOff, Window g, int[] taps, int p, float[] w, int wb, float[] bias,
      int bo, float lo, float hi, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int step = rowStep(g, p, 6);
    int x1 = corner(g, inOff, p, 1, x0, step);
    int x2 = corner(g, inOff, p, 2, x0, step);
    int x3 = corner(g, inOff, p, 3, x0, step);
    int x4 = corner(g, inOff, p, 4, x0, step);
    int x5 = corner(g, inOff, p, 5, x0, step);
    FloatVector a0 = FloatVector.fromArray(S, bias, bo);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, bo + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    int wi = wb;
    for (int j = 0; j < taps.length; j++, wi += 2 * L) {
      int x = taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector y0 = FloatVector.broadcast(S, in[x0 + x]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
      FloatVector y1 = FloatVector.broadcast(S, in[x1 + x]);
      a1 = y1.fma(v, a1);
      b1 = y1.fma(u, b1);
      FloatVector y2 = FloatVector.broadcast(S, in[x2 + x]);
      a2 = y2.fma(v, a2);
      b2 = y2.fma(u, b2);
      FloatVector y3 = FloatVector.broadcast(S, in[x3 + x]);
      a3 = y3.fma(v, a3);
      b3 = y3.fma(u, b3);
      FloatVector y4 = FloatVector.broadcast(S, in[x4 + x]);
      a4 = y4.fma(v, a4);
      b4 = y4.fma(u, b4);
      FloatVector y5 = FloatVector.broadcast(S, in[x5 + x]);
      a5 = y5.fma(v, a5);
      b5 = y5.fma(u, b5);
    }
    int q = o + positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a5)).intoArray(out, o + 5 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, q);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b1)).intoArray(out, q + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b2)).intoArray(out, q + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b3)).intoArray(out, q + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b4)).intoArray(out, q + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b5)).intoArray(out, q + 5 * L);
  }

  // Five positions x two blocks, for 16 vector registers (see FIVES).
  // BEGIN generated by scripts/gen_nchwc_tiles.py: do not edit by hand
  private static void tile5x2(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, q);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b1)).intoArray(out, q + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b2)).intoArray(out, q + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b3)).intoArray(out, q + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b4)).intoArray(out, q + 4 * L);
  }

  private static void direct5x2(float[] in, int inOff, Window g, int[] taps, int p, float[] w, int wb, float[] bias,
      int bo, float lo, float hi, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int step = rowStep(g, p, 5);
    int x1 = corner(g, inOff, p, 1, x0, step);
    int x2 = corner(g, inOff, p, 2, x0, step);
    int x3 = corner(g, inOff, p, 3, x0, step);
    int x4 = corner(g, inOff, p, 4, x0, step);
    FloatVector a0 = FloatVector.fromArray(S, bias, bo);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, bo + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0;
    int wi = wb;
    for (int j = 0; j < taps.length; j++, wi += 2 * L) {
      int x = taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector y0 = FloatVector.broadcast(S, in[x0 + x]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
      FloatVector y1 = FloatVector.broadcast(S, in[x1 + x]);
      a1 = y1.fma(v, a1);
      b1 = y1.fma(u, b1);
      FloatVector y2 = FloatVector.broadcast(S, in[x2 + x]);
      a2 = y2.fma(v, a2);
      b2 = y2.fma(u, b2);
      FloatVector y3 = FloatVector.broadcast(S, in[x3 + x]);
      a3 = y3.fma(v, a3);
      b3 = y3.fma(u, b3);
      FloatVector y4 = FloatVector.broadcast(S, in[x4 + x]);
      a4 = y4.fma(v, a4);
      b4 = y4.fma(u, b4);
    }
    int q = o + positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, q);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b1)).intoArray(out, q + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b2)).intoArray(out, q + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b3)).intoArray(out, q + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b4)).intoArray(out, q + 4 * L);
  }

  /** {@link #tile12x1} without the clamp (both bounds infinite): see the class comment. */
  private static void tile12x1Plain(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        a0 = FloatVector.broadcast(S, in[x]).fma(v, a0);
        a1 = FloatVector.broadcast(S, in[x + L]).fma(v, a1);
        a2 = FloatVector.broadcast(S, in[x + 2 * L]).fma(v, a2);
        a3 = FloatVector.broadcast(S, in[x + 3 * L]).fma(v, a3);
        a4 = FloatVector.broadcast(S, in[x + 4 * L]).fma(v, a4);
        a5 = FloatVector.broadcast(S, in[x + 5 * L]).fma(v, a5);
        a6 = FloatVector.broadcast(S, in[x + 6 * L]).fma(v, a6);
        a7 = FloatVector.broadcast(S, in[x + 7 * L]).fma(v, a7);
        a8 = FloatVector.broadcast(S, in[x + 8 * L]).fma(v, a8);
        a9 = FloatVector.broadcast(S, in[x + 9 * L]).fma(v, a9);
        a10 = FloatVector.broadcast(S, in[x + 10 * L]).fma(v, a10);
        a11 = FloatVector.broadcast(S, in[x + 11 * L]).fma(v, a11);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    a6.intoArray(out, o + 6 * L);
    a7.intoArray(out, o + 7 * L);
    a8.intoArray(out, o + 8 * L);
    a9.intoArray(out, o + 9 * L);
    a10.intoArray(out, o + 10 * L);
    a11.intoArray(out, o + 11 * L);
  }

  /** {@link #tile6x4} without the clamp (both bounds infinite): see the class comment. */
  private static void tile6x4Plain(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb, int wc,
      float[] bias, int ob, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    FloatVector c0 = FloatVector.fromArray(S, bias, ob * L + 2 * L);
    FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    FloatVector d0 = FloatVector.fromArray(S, bias, ob * L + 3 * L);
    FloatVector d1 = d0, d2 = d0, d3 = d0, d4 = d0, d5 = d0;
    int wi = wb;
    int wj = wc;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L, wj += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector s = FloatVector.fromArray(S, w, wj);
        FloatVector t = FloatVector.fromArray(S, w, wj + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        c0 = x0.fma(s, c0);
        d0 = x0.fma(t, d0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        c1 = x1.fma(s, c1);
        d1 = x1.fma(t, d1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        c2 = x2.fma(s, c2);
        d2 = x2.fma(t, d2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        c3 = x3.fma(s, c3);
        d3 = x3.fma(t, d3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
        c4 = x4.fma(s, c4);
        d4 = x4.fma(t, d4);
        FloatVector x5 = FloatVector.broadcast(S, in[x + 5 * L]);
        a5 = x5.fma(v, a5);
        b5 = x5.fma(u, b5);
        c5 = x5.fma(s, c5);
        d5 = x5.fma(t, d5);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    b0.intoArray(out, q);
    b1.intoArray(out, q + L);
    b2.intoArray(out, q + 2 * L);
    b3.intoArray(out, q + 3 * L);
    b4.intoArray(out, q + 4 * L);
    b5.intoArray(out, q + 5 * L);
    c0.intoArray(out, r);
    c1.intoArray(out, r + L);
    c2.intoArray(out, r + 2 * L);
    c3.intoArray(out, r + 3 * L);
    c4.intoArray(out, r + 4 * L);
    c5.intoArray(out, r + 5 * L);
    d0.intoArray(out, z);
    d1.intoArray(out, z + L);
    d2.intoArray(out, z + 2 * L);
    d3.intoArray(out, z + 3 * L);
    d4.intoArray(out, z + 4 * L);
    d5.intoArray(out, z + 5 * L);
  }

  /** {@link #tile6x2} without the clamp (both bounds infinite): see the class comment. */
  private static void tile6x2Plain(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
        FloatVector x5 = FloatVector.broadcast(S, in[x + 5 * L]);
        a5 = x5.fma(v, a5);
        b5 = x5.fma(u, b5);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    b0.intoArray(out, q);
    b1.intoArray(out, q + L);
    b2.intoArray(out, q + 2 * L);
    b3.intoArray(out, q + 3 * L);
    b4.intoArray(out, q + 4 * L);
    b5.intoArray(out, q + 5 * L);
  }

  /** {@link #tile5x2} without the clamp (both bounds infinite): see the class comment. */
  private static void tile5x2Plain(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    b0.intoArray(out, q);
    b1.intoArray(out, q + L);
    b2.intoArray(out, q + 2 * L);
    b3.intoArray(out, q + 3 * L);
    b4.intoArray(out, q + 4 * L);
  }

  /** {@link #tile12x1} clamping the bits (see the class comment): false where it stored nothing. */
  private static boolean tile12x1Bits(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, int lo, int hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        a0 = FloatVector.broadcast(S, in[x]).fma(v, a0);
        a1 = FloatVector.broadcast(S, in[x + L]).fma(v, a1);
        a2 = FloatVector.broadcast(S, in[x + 2 * L]).fma(v, a2);
        a3 = FloatVector.broadcast(S, in[x + 3 * L]).fma(v, a3);
        a4 = FloatVector.broadcast(S, in[x + 4 * L]).fma(v, a4);
        a5 = FloatVector.broadcast(S, in[x + 5 * L]).fma(v, a5);
        a6 = FloatVector.broadcast(S, in[x + 6 * L]).fma(v, a6);
        a7 = FloatVector.broadcast(S, in[x + 7 * L]).fma(v, a7);
        a8 = FloatVector.broadcast(S, in[x + 8 * L]).fma(v, a8);
        a9 = FloatVector.broadcast(S, in[x + 9 * L]).fma(v, a9);
        a10 = FloatVector.broadcast(S, in[x + 10 * L]).fma(v, a10);
        a11 = FloatVector.broadcast(S, in[x + 11 * L]).fma(v, a11);
      }
    }
    FloatVector aNaN = a0.add(a1).add(a2).add(a3.add(a4).add(a5)).add(a6.add(a7).add(a8).add(a9.add(a10).add(a11)));
    if (aNaN.test(VectorOperators.IS_NAN).anyTrue()) {
      return false;
    }
    IntVector low = IntVector.broadcast(I, lo);
    IntVector high = IntVector.broadcast(I, hi);
    int o = outOff + (ob * positions + p) * L;
    high.min(low.max(a0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o);
    high.min(low.max(a1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + L);
    high.min(low.max(a2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 2 * L);
    high.min(low.max(a3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 3 * L);
    high.min(low.max(a4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 4 * L);
    high.min(low.max(a5.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 5 * L);
    high.min(low.max(a6.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 6 * L);
    high.min(low.max(a7.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 7 * L);
    high.min(low.max(a8.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 8 * L);
    high.min(low.max(a9.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 9 * L);
    high.min(low.max(a10.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 10 * L);
    high.min(low.max(a11.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 11 * L);
    return true;
  }

  /** {@link #tile6x4} clamping the bits (see the class comment): false where it stored nothing. */
  private static boolean tile6x4Bits(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      int wc, float[] bias, int ob, int lo, int hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    FloatVector c0 = FloatVector.fromArray(S, bias, ob * L + 2 * L);
    FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    FloatVector d0 = FloatVector.fromArray(S, bias, ob * L + 3 * L);
    FloatVector d1 = d0, d2 = d0, d3 = d0, d4 = d0, d5 = d0;
    int wi = wb;
    int wj = wc;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L, wj += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector s = FloatVector.fromArray(S, w, wj);
        FloatVector t = FloatVector.fromArray(S, w, wj + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        c0 = x0.fma(s, c0);
        d0 = x0.fma(t, d0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        c1 = x1.fma(s, c1);
        d1 = x1.fma(t, d1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        c2 = x2.fma(s, c2);
        d2 = x2.fma(t, d2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        c3 = x3.fma(s, c3);
        d3 = x3.fma(t, d3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
        c4 = x4.fma(s, c4);
        d4 = x4.fma(t, d4);
        FloatVector x5 = FloatVector.broadcast(S, in[x + 5 * L]);
        a5 = x5.fma(v, a5);
        b5 = x5.fma(u, b5);
        c5 = x5.fma(s, c5);
        d5 = x5.fma(t, d5);
      }
    }
    FloatVector aNaN = a0.add(a1).add(a2).add(a3.add(a4).add(a5));
    FloatVector bNaN = b0.add(b1).add(b2).add(b3.add(b4).add(b5));
    FloatVector cNaN = c0.add(c1).add(c2).add(c3.add(c4).add(c5));
    FloatVector dNaN = d0.add(d1).add(d2).add(d3.add(d4).add(d5));
    if (aNaN.add(bNaN).add(cNaN.add(dNaN)).test(VectorOperators.IS_NAN).anyTrue()) {
      return false;
    }
    IntVector low = IntVector.broadcast(I, lo);
    IntVector high = IntVector.broadcast(I, hi);
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    high.min(low.max(a0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o);
    high.min(low.max(a1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + L);
    high.min(low.max(a2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 2 * L);
    high.min(low.max(a3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 3 * L);
    high.min(low.max(a4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 4 * L);
    high.min(low.max(a5.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 5 * L);
    high.min(low.max(b0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q);
    high.min(low.max(b1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + L);
    high.min(low.max(b2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 2 * L);
    high.min(low.max(b3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 3 * L);
    high.min(low.max(b4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 4 * L);
    high.min(low.max(b5.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 5 * L);
    high.min(low.max(c0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, r);
    high.min(low.max(c1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, r + L);
    high.min(low.max(c2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, r + 2 * L);
    high.min(low.max(c3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, r + 3 * L);
    high.min(low.max(c4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, r + 4 * L);
    high.min(low.max(c5.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, r + 5 * L);
    high.min(low.max(d0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, z);
    high.min(low.max(d1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, z + L);
    high.min(low.max(d2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, z + 2 * L);
    high.min(low.max(d3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, z + 3 * L);
    high.min(low.max(d4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, z + 4 * L);
    high.min(low.max(d5.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, z + 5 * L);
    return true;
  }

  /** {@link #tile6x2} clamping the bits (see the class comment): false where it stored nothing. */
  private static boolean tile6x2Bits(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, int lo, int hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
        FloatVector x5 = FloatVector.broadcast(S, in[x + 5 * L]);
        a5 = x5.fma(v, a5);
        b5 = x5.fma(u, b5);
      }
    }
    FloatVector aNaN = a0.add(a1).add(a2).add(a3.add(a4).add(a5));
    FloatVector bNaN = b0.add(b1).add(b2).add(b3.add(b4).add(b5));
    if (aNaN.add(bNaN).test(VectorOperators.IS_NAN).anyTrue()) {
      return false;
    }
    IntVector low = IntVector.broadcast(I, lo);
    IntVector high = IntVector.broadcast(I, hi);
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    high.min(low.max(a0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o);
    high.min(low.max(a1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + L);
    high.min(low.max(a2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 2 * L);
    high.min(low.max(a3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 3 * L);
    high.min(low.max(a4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 4 * L);
    high.min(low.max(a5.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 5 * L);
    high.min(low.max(b0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q);
    high.min(low.max(b1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + L);
    high.min(low.max(b2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 2 * L);
    high.min(low.max(b3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 3 * L);
    high.min(low.max(b4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 4 * L);
    high.min(low.max(b5.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 5 * L);
    return true;
  }

  /** {@link #tile5x2} clamping the bits (see the class comment): false where it stored nothing. */
  private static boolean tile5x2Bits(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, int lo, int hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
      }
    }
    FloatVector aNaN = a0.add(a1).add(a2).add(a3.add(a4));
    FloatVector bNaN = b0.add(b1).add(b2).add(b3.add(b4));
    if (aNaN.add(bNaN).test(VectorOperators.IS_NAN).anyTrue()) {
      return false;
    }
    IntVector low = IntVector.broadcast(I, lo);
    IntVector high = IntVector.broadcast(I, hi);
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    high.min(low.max(a0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o);
    high.min(low.max(a1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + L);
    high.min(low.max(a2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 2 * L);
    high.min(low.max(a3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 3 * L);
    high.min(low.max(a4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, o + 4 * L);
    high.min(low.max(b0.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q);
    high.min(low.max(b1.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + L);
    high.min(low.max(b2.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 2 * L);
    high.min(low.max(b3.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 3 * L);
    high.min(low.max(b4.reinterpretAsInts())).reinterpretAsFloats().intoArray(out, q + 4 * L);
    return true;
  }

  /** {@link #direct6x4} for six windows in a row, L floats apart: see {@link #directQuad}. */
  private static void direct6x4Row(float[] in, int inOff, Window g, int[] taps, int j0, int j1, int p, float[] w,
      int wb, int wc, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    FloatVector a0 = FloatVector.fromArray(S, out, o);
    FloatVector a1 = FloatVector.fromArray(S, out, o + L);
    FloatVector a2 = FloatVector.fromArray(S, out, o + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, out, o + 3 * L);
    FloatVector a4 = FloatVector.fromArray(S, out, o + 4 * L);
    FloatVector a5 = FloatVector.fromArray(S, out, o + 5 * L);
    FloatVector b0 = FloatVector.fromArray(S, out, q);
    FloatVector b1 = FloatVector.fromArray(S, out, q + L);
    FloatVector b2 = FloatVector.fromArray(S, out, q + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, out, q + 3 * L);
    FloatVector b4 = FloatVector.fromArray(S, out, q + 4 * L);
    FloatVector b5 = FloatVector.fromArray(S, out, q + 5 * L);
    FloatVector c0 = FloatVector.fromArray(S, out, r);
    FloatVector c1 = FloatVector.fromArray(S, out, r + L);
    FloatVector c2 = FloatVector.fromArray(S, out, r + 2 * L);
    FloatVector c3 = FloatVector.fromArray(S, out, r + 3 * L);
    FloatVector c4 = FloatVector.fromArray(S, out, r + 4 * L);
    FloatVector c5 = FloatVector.fromArray(S, out, r + 5 * L);
    FloatVector d0 = FloatVector.fromArray(S, out, z);
    FloatVector d1 = FloatVector.fromArray(S, out, z + L);
    FloatVector d2 = FloatVector.fromArray(S, out, z + 2 * L);
    FloatVector d3 = FloatVector.fromArray(S, out, z + 3 * L);
    FloatVector d4 = FloatVector.fromArray(S, out, z + 4 * L);
    FloatVector d5 = FloatVector.fromArray(S, out, z + 5 * L);
    int wi = wb + j0 * 2 * L;
    int wj = wc + j0 * 2 * L;
    for (int j = j0; j < j1; j++, wi += 2 * L, wj += 2 * L) {
      int y = x0 + taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector s = FloatVector.fromArray(S, w, wj);
      FloatVector t = FloatVector.fromArray(S, w, wj + L);
      FloatVector y0 = FloatVector.broadcast(S, in[y]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
      c0 = y0.fma(s, c0);
      d0 = y0.fma(t, d0);
      FloatVector y1 = FloatVector.broadcast(S, in[y + 1 * L]);
      a1 = y1.fma(v, a1);
      b1 = y1.fma(u, b1);
      c1 = y1.fma(s, c1);
      d1 = y1.fma(t, d1);
      FloatVector y2 = FloatVector.broadcast(S, in[y + 2 * L]);
      a2 = y2.fma(v, a2);
      b2 = y2.fma(u, b2);
      c2 = y2.fma(s, c2);
      d2 = y2.fma(t, d2);
      FloatVector y3 = FloatVector.broadcast(S, in[y + 3 * L]);
      a3 = y3.fma(v, a3);
      b3 = y3.fma(u, b3);
      c3 = y3.fma(s, c3);
      d3 = y3.fma(t, d3);
      FloatVector y4 = FloatVector.broadcast(S, in[y + 4 * L]);
      a4 = y4.fma(v, a4);
      b4 = y4.fma(u, b4);
      c4 = y4.fma(s, c4);
      d4 = y4.fma(t, d4);
      FloatVector y5 = FloatVector.broadcast(S, in[y + 5 * L]);
      a5 = y5.fma(v, a5);
      b5 = y5.fma(u, b5);
      c5 = y5.fma(s, c5);
      d5 = y5.fma(t, d5);
    }
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    b0.intoArray(out, q);
    b1.intoArray(out, q + L);
    b2.intoArray(out, q + 2 * L);
    b3.intoArray(out, q + 3 * L);
    b4.intoArray(out, q + 4 * L);
    b5.intoArray(out, q + 5 * L);
    c0.intoArray(out, r);
    c1.intoArray(out, r + L);
    c2.intoArray(out, r + 2 * L);
    c3.intoArray(out, r + 3 * L);
    c4.intoArray(out, r + 4 * L);
    c5.intoArray(out, r + 5 * L);
    d0.intoArray(out, z);
    d1.intoArray(out, z + L);
    d2.intoArray(out, z + 2 * L);
    d3.intoArray(out, z + 3 * L);
    d4.intoArray(out, z + 4 * L);
    d5.intoArray(out, z + 5 * L);
  }

  /** {@link #direct6x4} for six windows in a row, 2 floats apart: see {@link #directQuad}. */
  private static void direct6x4Row2(float[] in, int inOff, Window g, int[] taps, int j0, int j1, int p, float[] w,
      int wb, int wc, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    FloatVector a0 = FloatVector.fromArray(S, out, o);
    FloatVector a1 = FloatVector.fromArray(S, out, o + L);
    FloatVector a2 = FloatVector.fromArray(S, out, o + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, out, o + 3 * L);
    FloatVector a4 = FloatVector.fromArray(S, out, o + 4 * L);
    FloatVector a5 = FloatVector.fromArray(S, out, o + 5 * L);
    FloatVector b0 = FloatVector.fromArray(S, out, q);
    FloatVector b1 = FloatVector.fromArray(S, out, q + L);
    FloatVector b2 = FloatVector.fromArray(S, out, q + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, out, q + 3 * L);
    FloatVector b4 = FloatVector.fromArray(S, out, q + 4 * L);
    FloatVector b5 = FloatVector.fromArray(S, out, q + 5 * L);
    FloatVector c0 = FloatVector.fromArray(S, out, r);
    FloatVector c1 = FloatVector.fromArray(S, out, r + L);
    FloatVector c2 = FloatVector.fromArray(S, out, r + 2 * L);
    FloatVector c3 = FloatVector.fromArray(S, out, r + 3 * L);
    FloatVector c4 = FloatVector.fromArray(S, out, r + 4 * L);
    FloatVector c5 = FloatVector.fromArray(S, out, r + 5 * L);
    FloatVector d0 = FloatVector.fromArray(S, out, z);
    FloatVector d1 = FloatVector.fromArray(S, out, z + L);
    FloatVector d2 = FloatVector.fromArray(S, out, z + 2 * L);
    FloatVector d3 = FloatVector.fromArray(S, out, z + 3 * L);
    FloatVector d4 = FloatVector.fromArray(S, out, z + 4 * L);
    FloatVector d5 = FloatVector.fromArray(S, out, z + 5 * L);
    int wi = wb + j0 * 2 * L;
    int wj = wc + j0 * 2 * L;
    for (int j = j0; j < j1; j++, wi += 2 * L, wj += 2 * L) {
      int y = x0 + taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector s = FloatVector.fromArray(S, w, wj);
      FloatVector t = FloatVector.fromArray(S, w, wj + L);
      FloatVector y0 = FloatVector.broadcast(S, in[y]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
      c0 = y0.fma(s, c0);
      d0 = y0.fma(t, d0);
      FloatVector y1 = FloatVector.broadcast(S, in[y + 1 * 2]);
      a1 = y1.fma(v, a1);
      b1 = y1.fma(u, b1);
      c1 = y1.fma(s, c1);
      d1 = y1.fma(t, d1);
      FloatVector y2 = FloatVector.broadcast(S, in[y + 2 * 2]);
      a2 = y2.fma(v, a2);
      b2 = y2.fma(u, b2);
      c2 = y2.fma(s, c2);
      d2 = y2.fma(t, d2);
      FloatVector y3 = FloatVector.broadcast(S, in[y + 3 * 2]);
      a3 = y3.fma(v, a3);
      b3 = y3.fma(u, b3);
      c3 = y3.fma(s, c3);
      d3 = y3.fma(t, d3);
      FloatVector y4 = FloatVector.broadcast(S, in[y + 4 * 2]);
      a4 = y4.fma(v, a4);
      b4 = y4.fma(u, b4);
      c4 = y4.fma(s, c4);
      d4 = y4.fma(t, d4);
      FloatVector y5 = FloatVector.broadcast(S, in[y + 5 * 2]);
      a5 = y5.fma(v, a5);
      b5 = y5.fma(u, b5);
      c5 = y5.fma(s, c5);
      d5 = y5.fma(t, d5);
    }
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    b0.intoArray(out, q);
    b1.intoArray(out, q + L);
    b2.intoArray(out, q + 2 * L);
    b3.intoArray(out, q + 3 * L);
    b4.intoArray(out, q + 4 * L);
    b5.intoArray(out, q + 5 * L);
    c0.intoArray(out, r);
    c1.intoArray(out, r + L);
    c2.intoArray(out, r + 2 * L);
    c3.intoArray(out, r + 3 * L);
    c4.intoArray(out, r + 4 * L);
    c5.intoArray(out, r + 5 * L);
    d0.intoArray(out, z);
    d1.intoArray(out, z + L);
    d2.intoArray(out, z + 2 * L);
    d3.intoArray(out, z + 3 * L);
    d4.intoArray(out, z + 4 * L);
    d5.intoArray(out, z + 5 * L);
  }

  /** {@link #direct6x4} for six windows in a row, 1 floats apart: see {@link #directQuad}. */
  private static void direct6x4Row1(float[] in, int inOff, Window g, int[] taps, int j0, int j1, int p, float[] w,
      int wb, int wc, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int q = o + positions * L;
    int r = q + positions * L;
    int z = r + positions * L;
    FloatVector a0 = FloatVector.fromArray(S, out, o);
    FloatVector a1 = FloatVector.fromArray(S, out, o + L);
    FloatVector a2 = FloatVector.fromArray(S, out, o + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, out, o + 3 * L);
    FloatVector a4 = FloatVector.fromArray(S, out, o + 4 * L);
    FloatVector a5 = FloatVector.fromArray(S, out, o + 5 * L);
    FloatVector b0 = FloatVector.fromArray(S, out, q);
    FloatVector b1 = FloatVector.fromArray(S, out, q + L);
    FloatVector b2 = FloatVector.fromArray(S, out, q + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, out, q + 3 * L);
    FloatVector b4 = FloatVector.fromArray(S, out, q + 4 * L);
    FloatVector b5 = FloatVector.fromArray(S, out, q + 5 * L);
    FloatVector c0 = FloatVector.fromArray(S, out, r);
    FloatVector c1 = FloatVector.fromArray(S, out, r + L);
    FloatVector c2 = FloatVector.fromArray(S, out, r + 2 * L);
    FloatVector c3 = FloatVector.fromArray(S, out, r + 3 * L);
    FloatVector c4 = FloatVector.fromArray(S, out, r + 4 * L);
    FloatVector c5 = FloatVector.fromArray(S, out, r + 5 * L);
    FloatVector d0 = FloatVector.fromArray(S, out, z);
    FloatVector d1 = FloatVector.fromArray(S, out, z + L);
    FloatVector d2 = FloatVector.fromArray(S, out, z + 2 * L);
    FloatVector d3 = FloatVector.fromArray(S, out, z + 3 * L);
    FloatVector d4 = FloatVector.fromArray(S, out, z + 4 * L);
    FloatVector d5 = FloatVector.fromArray(S, out, z + 5 * L);
    int wi = wb + j0 * 2 * L;
    int wj = wc + j0 * 2 * L;
    for (int j = j0; j < j1; j++, wi += 2 * L, wj += 2 * L) {
      int y = x0 + taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector s = FloatVector.fromArray(S, w, wj);
      FloatVector t = FloatVector.fromArray(S, w, wj + L);
      FloatVector y0 = FloatVector.broadcast(S, in[y]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
      c0 = y0.fma(s, c0);
      d0 = y0.fma(t, d0);
      FloatVector y1 = FloatVector.broadcast(S, in[y + 1]);
      a1 = y1.fma(v, a1);
      b1 = y1.fma(u, b1);
      c1 = y1.fma(s, c1);
      d1 = y1.fma(t, d1);
      FloatVector y2 = FloatVector.broadcast(S, in[y + 2]);
      a2 = y2.fma(v, a2);
      b2 = y2.fma(u, b2);
      c2 = y2.fma(s, c2);
      d2 = y2.fma(t, d2);
      FloatVector y3 = FloatVector.broadcast(S, in[y + 3]);
      a3 = y3.fma(v, a3);
      b3 = y3.fma(u, b3);
      c3 = y3.fma(s, c3);
      d3 = y3.fma(t, d3);
      FloatVector y4 = FloatVector.broadcast(S, in[y + 4]);
      a4 = y4.fma(v, a4);
      b4 = y4.fma(u, b4);
      c4 = y4.fma(s, c4);
      d4 = y4.fma(t, d4);
      FloatVector y5 = FloatVector.broadcast(S, in[y + 5]);
      a5 = y5.fma(v, a5);
      b5 = y5.fma(u, b5);
      c5 = y5.fma(s, c5);
      d5 = y5.fma(t, d5);
    }
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
    a4.intoArray(out, o + 4 * L);
    a5.intoArray(out, o + 5 * L);
    b0.intoArray(out, q);
    b1.intoArray(out, q + L);
    b2.intoArray(out, q + 2 * L);
    b3.intoArray(out, q + 3 * L);
    b4.intoArray(out, q + 4 * L);
    b5.intoArray(out, q + 5 * L);
    c0.intoArray(out, r);
    c1.intoArray(out, r + L);
    c2.intoArray(out, r + 2 * L);
    c3.intoArray(out, r + 3 * L);
    c4.intoArray(out, r + 4 * L);
    c5.intoArray(out, r + 5 * L);
    d0.intoArray(out, z);
    d1.intoArray(out, z + L);
    d2.intoArray(out, z + 2 * L);
    d3.intoArray(out, z + 3 * L);
    d4.intoArray(out, z + 4 * L);
    d5.intoArray(out, z + 5 * L);
  }

  /** {@link #direct6x2} for six windows in a row, 2 floats apart: see {@link #directQuad}. */
  private static void direct6x2Row2(float[] in, int inOff, Window g, int[] taps, int p, float[] w, int wb, float[] bias,
      int bo, float lo, float hi, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    FloatVector a0 = FloatVector.fromArray(S, bias, bo);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, bo + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    int wi = wb;
    for (int j = 0; j < taps.length; j++, wi += 2 * L) {
      int y = x0 + taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector y0 = FloatVector.broadcast(S, in[y]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
      FloatVector y1 = FloatVector.broadcast(S, in[y + 1 * 2]);
      a1 = y1.fma(v, a1);
      b1 = y1.fma(u, b1);
      FloatVector y2 = FloatVector.broadcast(S, in[y + 2 * 2]);
      a2 = y2.fma(v, a2);
      b2 = y2.fma(u, b2);
      FloatVector y3 = FloatVector.broadcast(S, in[y + 3 * 2]);
      a3 = y3.fma(v, a3);
      b3 = y3.fma(u, b3);
      FloatVector y4 = FloatVector.broadcast(S, in[y + 4 * 2]);
      a4 = y4.fma(v, a4);
      b4 = y4.fma(u, b4);
      FloatVector y5 = FloatVector.broadcast(S, in[y + 5 * 2]);
      a5 = y5.fma(v, a5);
      b5 = y5.fma(u, b5);
    }
    int q = o + positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a5)).intoArray(out, o + 5 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, q);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b1)).intoArray(out, q + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b2)).intoArray(out, q + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b3)).intoArray(out, q + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b4)).intoArray(out, q + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b5)).intoArray(out, q + 5 * L);
  }
  // END generated by scripts/gen_nchwc_tiles.py

  private static void direct1x2(float[] in, int inOff, Window g, int[] taps, int p, float[] w, int wb, float[] bias,
      int bo, float lo, float hi, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    FloatVector a0 = FloatVector.fromArray(S, bias, bo);
    FloatVector b0 = FloatVector.fromArray(S, bias, bo + L);
    int wi = wb;
    for (int j = 0; j < taps.length; j++, wi += 2 * L) {
      int x = taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector u = FloatVector.fromArray(S, w, wi + L);
      FloatVector y0 = FloatVector.broadcast(S, in[x0 + x]);
      a0 = y0.fma(v, a0);
      b0 = y0.fma(u, b0);
    }
    int q = o + positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, q);
  }

  /** A last, single output block (its weights are B, not 2B, per input channel and tap). */
  private static void direct6x1(float[] in, int inOff, Window g, int[] taps, int p, float[] w, int wb, float[] bias,
      int bo, float lo, float hi, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    int step = rowStep(g, p, 6);
    int x1 = corner(g, inOff, p, 1, x0, step);
    int x2 = corner(g, inOff, p, 2, x0, step);
    int x3 = corner(g, inOff, p, 3, x0, step);
    int x4 = corner(g, inOff, p, 4, x0, step);
    int x5 = corner(g, inOff, p, 5, x0, step);
    FloatVector a0 = FloatVector.fromArray(S, bias, bo);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    int wi = wb;
    for (int j = 0; j < taps.length; j++, wi += L) {
      int x = taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector y0 = FloatVector.broadcast(S, in[x0 + x]);
      a0 = y0.fma(v, a0);
      FloatVector y1 = FloatVector.broadcast(S, in[x1 + x]);
      a1 = y1.fma(v, a1);
      FloatVector y2 = FloatVector.broadcast(S, in[x2 + x]);
      a2 = y2.fma(v, a2);
      FloatVector y3 = FloatVector.broadcast(S, in[x3 + x]);
      a3 = y3.fma(v, a3);
      FloatVector y4 = FloatVector.broadcast(S, in[x4 + x]);
      a4 = y4.fma(v, a4);
      FloatVector y5 = FloatVector.broadcast(S, in[x5 + x]);
      a5 = y5.fma(v, a5);
    }
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a5)).intoArray(out, o + 5 * L);
  }

  private static void direct1x1(float[] in, int inOff, Window g, int[] taps, int p, float[] w, int wb, float[] bias,
      int bo, float lo, float hi, float[] out, int o, int positions) {
    int x0 = corner(g, inOff, p);
    FloatVector a0 = FloatVector.fromArray(S, bias, bo);
    int wi = wb;
    for (int j = 0; j < taps.length; j++, wi += L) {
      int x = taps[j];
      FloatVector v = FloatVector.fromArray(S, w, wi);
      FloatVector y0 = FloatVector.broadcast(S, in[x0 + x]);
      a0 = y0.fma(v, a0);
    }
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
  }
}
