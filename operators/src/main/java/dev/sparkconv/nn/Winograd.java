package dev.sparkconv.nn;

import dev.sparkconv.kernel.Epilogue;
import dev.sparkconv.kernel.Gemm;
import java.util.Arrays;

/**
 * Winograd F(2x2, 3x3) for 3x3, stride-1, undilated, ungrouped 2-D convolution with zero padding (Lavin and
 * Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): each 2x2 output tile comes from a 4x4 input
 * tile with 16 multiplies per channel pair instead of 36, so the GEMM work is 4/9 of im2col's.
 *
 * <pre>
 *   Y = A^T [ (G g G^T) .* (B^T d B) ] A      g: 3x3 kernel, d: 4x4 input tile, Y: 2x2 output tile
 * </pre>
 *
 * Per position xi of the 4x4 transformed tile, the products summed over input channels are one GEMM:
 * M[xi] (outC x T) = U[xi] (outC x inC) * V[xi] (inC x T), where T counts the tiles of the whole batch, so a
 * small feature map still gives the GEMM a wide N. U is the transformed kernel, packed once per layer.
 *
 * <p>A 3-D convolution with a (kT, 3, 3) kernel, stride 1 and no dilation in H and W (any along T) is the sum over
 * its kT frame taps of 2-D ones, so the same 16 GEMMs do it with K = kT x inC: row dt x inC + c of V holds input
 * channel c of the frame that tap dt reads (zeros for a frame in the padding), and each output frame is a tile
 * group of its own. The transforms stay per plane; only K grows.
 */
final class Winograd {
  private Winograd() {}

  /** 4x4 transformed tile positions: one GEMM each. */
  static final int POSITIONS = 16;

  /** Output tiles along one axis for an output of {@code size}: 2 outputs each, the last maybe cropped. */
  static int tiles(int size) {
    return (size + 1) / 2;
  }

  /**
   * U = G g G^T for every (output, input) channel pair, as 16 matrices (outC x inC), each packed for
   * {@code gemm}; G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]].
   */
  static Gemm.PackedA[] transformWeights(float[] weight, int outChannels, int inChannels, int frameTaps,
      Gemm gemm) {
    int depth = frameTaps * inChannels;
    float[][] u = new float[POSITIONS][outChannels * depth];
    float[] gg = new float[12];
    for (int pair = 0; pair < outChannels * depth; pair++) {
      // Weights are (outC, inC, kT, 3, 3); U's column dt x inC + c (the row of V that frame tap reads).
      int o = pair / depth;
      int dt = pair % depth / inChannels;
      int w = ((o * inChannels + pair % inChannels) * frameTaps + dt) * 9;
      // G g: 4x3, rows of G applied to the columns of g.
      for (int j = 0; j < 3; j++) {
        float g0 = weight[w + j];
        float g1 = weight[w + 3 + j];
        float g2 = weight[w + 6 + j];
        gg[j] = g0;
        gg[3 + j] = 0.5f * (g0 + g1 + g2);
        gg[6 + j] = 0.5f * (g0 - g1 + g2);
        gg[9 + j] = g2;
      }
      // (G g) G^T: 4x4.
      for (int i = 0; i < 4; i++) {
        float a = gg[3 * i];
        float b = gg[3 * i + 1];
        float c = gg[3 * i + 2];
        u[4 * i][pair] = a;
        u[4 * i + 1][pair] = 0.5f * (a + b + c);
        u[4 * i + 2][pair] = 0.5f * (a - b + c);
        u[4 * i + 3][pair] = c;
      }
    }
    Gemm.PackedA[] packed = new Gemm.PackedA[POSITIONS];
    for (int xi = 0; xi < POSITIONS; xi++) {
      packed[xi] = gemm.pack(false, outChannels, depth, u[xi], 0, depth);
    }
    return packed;
  }

  /**
   * Floats from one position's matrix to the next in {@code v} and {@code m} for {@code rows} x T matrices:
   * a whole number of 4 KB pages plus one cache line, so the 16 streams a transform reads or writes at once
   * fall in different L1 sets. Packed back to back (rows * T floats, often a multiple of 4 KB: 64 x 784 x 4 B is
   * 49 pages) they alias to one set and the transforms ran 5x slower.
   */
  static int positionStride(int rows, int tiles) {
    return ((rows * tiles + 1023) / 1024) * 1024 + 16;
  }

  /** Floats of the zero-padded input plane {@link #run} needs in {@code plane}. */
  static int planeSize(int outH, int outW) {
    return (2 * tiles(outH) + 2) * (2 * tiles(outW) + 2);
  }

  /**
   * The batch as {@code plan} says: input (batch, inC, t, h, w) padded by the plan's {front, top, left} (the other
   * sides follow from the output size), output (batch, outC, outT, outH, outW), t = outT = 1 in 2-D, bias and clamp
   * fused; output frames (over the batch and T) in chunks of {@link ConvPlan#winogradChunk}.
   */
  static void run(ConvPlan plan, float[] in, float[] out, int batch, ExecutionContext ctx) {
    Conv conv = plan.conv;
    int inChannels = conv.inChannels;
    int outChannels = conv.outChannels;
    int frames = plan.dims[0];
    int h = plan.dims[1];
    int w = plan.dims[2];
    int outFrames = plan.outDims[0];
    int outH = plan.outDims[1];
    int outW = plan.outDims[2];
    int frameTaps = conv.kernel[0];
    int depth = frameTaps * inChannels;
    Gemm.PackedA[] u = plan.winogradWeights;
    float[] bias = conv.bias;
    int tilesH = tiles(outH);
    int tilesW = tiles(outW);
    int perFrame = tilesH * tilesW;
    int units = batch * outFrames;
    int chunk = Math.min(units, plan.winogradChunk);
    int t = chunk * perFrame;
    Gemm gemm = ctx.gemm();
    int nr = gemm.kernel().nr();
    // V is written packed as the GEMMs read it, so they pack nothing: ResNet-18 1.03-1.04x, VGG-11 1.05-1.11x.
    int vStride = positionStride(1, gemm.packedBSize(depth, t));
    int mStride = positionStride(outChannels, t);
    float[] v = ctx.scratch(ScratchSlots.WINOGRAD_INPUT, POSITIONS * vStride);
    float[] m = ctx.scratch(ScratchSlots.WINOGRAD_PRODUCTS, POSITIONS * mStride);
    float[] plane = ctx.scratch(ScratchSlots.WINOGRAD_PLANE, planeSize(outH, outW));
    for (int first = 0; first < units; first += chunk) {
      int count = Math.min(chunk, units - first);
      int tc = count * perFrame; // the last chunk may be short: its matrices keep the pitch t
      for (int j = 0; j < count; j++) {
        int sample = (first + j) / outFrames;
        int outFrame = (first + j) % outFrames;
        for (int dt = 0; dt < frameTaps; dt++) {
          int frame = outFrame * conv.stride[0] + dt * conv.dilation[0] - plan.pad[0];
          boolean inside = frame >= 0 && frame < frames;
          for (int c = 0; c < inChannels; c++) {
            int src = inside ? (((sample * inChannels + c) * frames + frame) * h) * w : -1;
            padPlane(in, src, h, w, plan.pad[1], plan.pad[2], tilesH, tilesW, plane);
            int row = dt * inChannels + c;
            transformInput(plane, 2 * tilesW + 2, tilesH, tilesW, v, gemm.packedBRow(depth, t, row),
                gemm.packedBPanel(depth, row), nr, j * perFrame, vStride);
          }
        }
      }
      for (int xi = 0; xi < POSITIONS; xi++) {
        gemm.sgemmPackedB(u[xi], tc, v, xi * vStride, t, Epilogue.NONE, m, xi * mStride, t);
      }
      for (int j = 0; j < count; j++) {
        int sample = (first + j) / outFrames;
        int outFrame = (first + j) % outFrames;
        for (int o = 0; o < outChannels; o++) {
          int dst = (((sample * outChannels + o) * outFrames + outFrame) * outH) * outW;
          transformOutput(m, o * t + j * perFrame, mStride, tilesH, tilesW, bias == null ? 0f : bias[o],
              out, dst, outH, outW);
          ConvKernels.clamp(out, dst, outH * outW, plan.lo, plan.hi); // a fused activation, in cache
        }
      }
    }
  }

  /**
   * One channel's plane from {@code src} into a zero plane of (2 tilesH + 2) x (2 tilesW + 2), every tile reading
   * inside it; src < 0 (a frame in the padding) leaves it all zeros.
   */
  private static void padPlane(float[] in, int src, int h, int w, int padTop, int padLeft, int tilesH,
      int tilesW, float[] plane) {
    int pitch = 2 * tilesW + 2;
    int rows = 2 * tilesH + 2;
    Arrays.fill(plane, 0, rows * pitch, 0f);
    if (src < 0) {
      return;
    }
    int copyRows = Math.min(h, rows - padTop);
    int copyCols = Math.min(w, pitch - padLeft);
    for (int y = 0; y < copyRows; y++) {
      System.arraycopy(in, src + y * w, plane, (y + padTop) * pitch + padLeft, copyCols);
    }
  }

  /**
   * V = B^T d B for every tile of one padded channel, B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0],
   * [0, 1, 0, -1]]; position xi of the channel's tile j (from {@code firstTile} on) goes to its row of the packed
   * GEMM operand ({@link Gemm#packedBRow}): v[row + (j / nr) * panel + j % nr + xi * stride].
   */
  private static void transformInput(float[] p, int pitch, int tilesH, int tilesW, float[] v, int row, int panel,
      int nr, int firstTile, int stride) {
    int lane = firstTile % nr;
    int k = row + firstTile / nr * panel + lane;
    for (int ty = 0; ty < tilesH; ty++) {
      int r0 = 2 * ty * pitch;
      int r1 = r0 + pitch;
      int r2 = r1 + pitch;
      int r3 = r2 + pitch;
      for (int tx = 0; tx < tilesW; tx++, k++) {
        if (lane == nr) { // the next panel
          lane = 0;
          k += panel - nr;
        }
        lane++;
        int x = 2 * tx;
        // B^T d, column by column.
        float w00 = p[r0 + x] - p[r2 + x];
        float w01 = p[r0 + x + 1] - p[r2 + x + 1];
        float w02 = p[r0 + x + 2] - p[r2 + x + 2];
        float w03 = p[r0 + x + 3] - p[r2 + x + 3];
        float w10 = p[r1 + x] + p[r2 + x];
        float w11 = p[r1 + x + 1] + p[r2 + x + 1];
        float w12 = p[r1 + x + 2] + p[r2 + x + 2];
        float w13 = p[r1 + x + 3] + p[r2 + x + 3];
        float w20 = p[r2 + x] - p[r1 + x];
        float w21 = p[r2 + x + 1] - p[r1 + x + 1];
        float w22 = p[r2 + x + 2] - p[r1 + x + 2];
        float w23 = p[r2 + x + 3] - p[r1 + x + 3];
        float w30 = p[r1 + x] - p[r3 + x];
        float w31 = p[r1 + x + 1] - p[r3 + x + 1];
        float w32 = p[r1 + x + 2] - p[r3 + x + 2];
        float w33 = p[r1 + x + 3] - p[r3 + x + 3];
        // (B^T d) B, row by row.
        v[k] = w00 - w02;
        v[k + stride] = w01 + w02;
        v[k + 2 * stride] = w02 - w01;
        v[k + 3 * stride] = w01 - w03;
        v[k + 4 * stride] = w10 - w12;
        v[k + 5 * stride] = w11 + w12;
        v[k + 6 * stride] = w12 - w11;
        v[k + 7 * stride] = w11 - w13;
        v[k + 8 * stride] = w20 - w22;
        v[k + 9 * stride] = w21 + w22;
        v[k + 10 * stride] = w22 - w21;
        v[k + 11 * stride] = w21 - w23;
        v[k + 12 * stride] = w30 - w32;
        v[k + 13 * stride] = w31 + w32;
        v[k + 14 * stride] = w32 - w31;
        v[k + 15 * stride] = w31 - w33;
      }
    }
  }

  /**
   * Y = A^T M A + bias for every tile of one output channel, A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]; position xi
   * of tile k is m[base + xi * stride + k]. Tiles past the output's last row or column are cropped.
   */
  private static void transformOutput(float[] m, int base, int stride, int tilesH, int tilesW, float bias,
      float[] out, int dst, int outH, int outW) {
    for (int ty = 0; ty < tilesH; ty++) {
      int k = base + ty * tilesW;
      int y = 2 * ty;
      boolean lastRowInside = y + 1 < outH;
      for (int tx = 0; tx < tilesW; tx++, k++) {
        // A^T M, column by column.
        float m0 = m[k];
        float m1 = m[k + stride];
        float m2 = m[k + 2 * stride];
        float m3 = m[k + 3 * stride];
        float m4 = m[k + 4 * stride];
        float m5 = m[k + 5 * stride];
        float m6 = m[k + 6 * stride];
        float m7 = m[k + 7 * stride];
        float m8 = m[k + 8 * stride];
        float m9 = m[k + 9 * stride];
        float m10 = m[k + 10 * stride];
        float m11 = m[k + 11 * stride];
        float m12 = m[k + 12 * stride];
        float m13 = m[k + 13 * stride];
        float m14 = m[k + 14 * stride];
        float m15 = m[k + 15 * stride];
        float s00 = m0 + m4 + m8;
        float s01 = m1 + m5 + m9;
        float s02 = m2 + m6 + m10;
        float s03 = m3 + m7 + m11;
        float s10 = m4 - m8 - m12;
        float s11 = m5 - m9 - m13;
        float s12 = m6 - m10 - m14;
        float s13 = m7 - m11 - m15;
        int x = 2 * tx;
        int row0 = dst + y * outW + x;
        out[row0] = s00 + s01 + s02 + bias;
        if (x + 1 < outW) {
          out[row0 + 1] = s01 - s02 - s03 + bias;
        }
        if (lastRowInside) {
          out[row0 + outW] = s10 + s11 + s12 + bias;
          if (x + 1 < outW) {
            out[row0 + outW + 1] = s11 - s12 - s13 + bias;
          }
        }
      }
    }
  }
}
