package dev.sparkconv.nn;

import dev.sparkconv.kernel.Epilogue;
import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.kernel.Nchwc;
import java.util.Arrays;

/**
 * Winograd F(m x m, r x r) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) for
 * stride-1, undilated convolution with zero padding: F(2x2, 3x3), F(4x4, 3x3) and F(2x2, 5x5). Each m x m output
 * tile comes from an alpha x alpha input tile, alpha = m + r - 1, with alpha^2 multiplies per channel pair instead of
 * m^2 r^2: 4/9 of im2col's GEMM work for F(2x2, 3x3), 1/4 for F(4x4, 3x3), 9/25 for F(2x2, 5x5).
 *
 * <pre>
 *   Y = A^T [ (G g G^T) .* (B^T d B) ] A      g: r x r kernel, d: alpha x alpha input tile, Y: m x m output tile
 * </pre>
 *
 * Per position xi of the transformed tile, the products summed over input channels are one GEMM:
 * M[xi] (outC x T) = U[xi] (outC x inC) * V[xi] (inC x T), where T counts the tiles of the whole batch, so a
 * small feature map still gives the GEMM a wide N. U is the transformed kernel, packed once per layer. The
 * alpha = 6 algorithms share Lavin and Gray's points 0, +-1, +-2 and infinity, so their B^T.
 *
 * <p>A 3-D convolution with a (kT, r, r) kernel (any stride and dilation along T) is the sum over its kT frame
 * taps of 2-D ones, so the same GEMMs do it with K = kT x inC: row dt x inC + c of V holds input channel c of the
 * frame that tap dt reads (zeros for a frame in the padding), and each output frame is a tile group of its own. A
 * grouped convolution runs each group's GEMMs on its own channels.
 */
final class Winograd {
  private Winograd() {}

  /** Transformed tile positions of F(m x m, r x r): one GEMM each. */
  static int positions(int m, int r) {
    return (m + r - 1) * (m + r - 1);
  }

  /** Output tiles along one axis for an output of {@code size}: m outputs each, the last maybe cropped. */
  static int tiles(int size, int m) {
    return (size + m - 1) / m;
  }

  /** G of F(2x2, 3x3), F(4x4, 3x3) and F(2x2, 5x5), (m + r - 1) x r. */
  private static final double[][] G2 = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  private static final double[][] G4 = {{0.25, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0}, {-1 / 6.0, 1 / 6.0, -1 / 6.0},
      {1 / 24.0, 1 / 12.0, 1 / 6.0}, {1 / 24.0, -1 / 12.0, 1 / 6.0}, {0, 0, 1}};
  /** Solved for F(4x4, 3x3)'s B^T (the same six points), exactly: numpy's least squares leaves 4e-15. */
  private static final double[][] G25 = {{0.25, 0, 0, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0},
      {-1 / 6.0, 1 / 6.0, -1 / 6.0, 1 / 6.0, -1 / 6.0}, {1 / 24.0, 1 / 12.0, 1 / 6.0, 1 / 3.0, 2 / 3.0},
      {1 / 24.0, -1 / 12.0, 1 / 6.0, -1 / 3.0, 2 / 3.0}, {0, 0, 0, 0, 1}};

  /**
   * U = G g G^T for every (output, input) channel pair of each group, as (m + 2)^2 matrices (outC / groups x kT inC
   * / groups) per group, group-major, each packed for {@code gemm}.
   */
  static Gemm.PackedA[] transformWeights(float[] weight, int outChannels, int inChannels, int groups,
      int frameTaps, int m, int r, Gemm gemm) {
    int positions = positions(m, r);
    int depth = frameTaps * inChannels / groups;
    Gemm.PackedA[] packed = new Gemm.PackedA[groups * positions];
    for (int group = 0; group < groups; group++) {
      float[][] u = transformGroup(weight, outChannels, inChannels, groups, frameTaps, m, r, group);
      for (int xi = 0; xi < positions; xi++) {
        packed[group * positions + xi] = gemm.pack(false, outChannels / groups, depth, u[xi], 0, depth);
      }
    }
    return packed;
  }

  /**
   * U of F(4x4, 3x3), F(2x2, 5x5) or F(2x2, 3x3) (m, r) for a 2-D or (kT, r, r) 3-D layer, per group its 36 (or 16)
   * matrices (outC / groups x kT inC / groups) each packed for the blocked pointwise kernel of block {@code block}
   * ({@link Nchwc#packPointwise}), group-major: the blocked Winograd's GEMMs. With whole blocks of input channels,
   * input block dt x inC / B + cb of V (frame tap dt) meets U's columns of that tap. Each pair's values go
   * straight to their packed places: an unpacked copy first doubled what a plan allocated, zeroed and copied.
   */
  static float[][] transformWeightsBlocked(float[] weight, int outChannels, int inChannels, int groups,
      int frameTaps, int m, int r, int block) {
    int alpha = m + r - 1;
    int positions = alpha * alpha;
    int inPerGroup = inChannels / groups;
    int outPerGroup = outChannels / groups;
    int depth = frameTaps * inPerGroup;
    int depthPadded = Nchwc.blocks(depth, block) * block; // Nchwc#packPointwise's layout, one tap
    int outPadded = Nchwc.blocks(outPerGroup, block) * block;
    float[][] packed = new float[groups * positions][];
    double[] gg = new double[alpha * r];
    float[] u = new float[positions];
    for (int group = 0; group < groups; group++) {
      for (int xi = 0; xi < positions; xi++) {
        packed[group * positions + xi] = new float[outPadded * depthPadded];
      }
      for (int col = 0; col < depth; col++) { // U's column dt x inC / groups + c
        for (int o = 0; o < outPerGroup; o++) {
          transformPair(weight, weightOffset(group * outPerGroup + o, col, inPerGroup, frameTaps, r), m, r, gg, u);
          int at = Nchwc.packedIndex(o, col, outPadded, depthPadded, block);
          for (int xi = 0; xi < positions; xi++) {
            packed[group * positions + xi][at] = u[xi];
          }
        }
      }
    }
    return packed;
  }

  /** U of one group, per position an (outC / groups) x (kT inC / groups) matrix. */
  private static float[][] transformGroup(float[] weight, int outChannels, int inChannels, int groups,
      int frameTaps, int m, int r, int group) {
    int alpha = m + r - 1;
    int inPerGroup = inChannels / groups;
    int outPerGroup = outChannels / groups;
    int depth = frameTaps * inPerGroup;
    float[][] u = new float[alpha * alpha][outPerGroup * depth];
    double[] gg = new double[alpha * r];
    float[] pairU = new float[alpha * alpha];
    for (int pair = 0; pair < outPerGroup * depth; pair++) {
      int o = group * outPerGroup + pair / depth;
      transformPair(weight, weightOffset(o, pair % depth, inPerGroup, frameTaps, r), m, r, gg, pairU);
      for (int xi = 0; xi < pairU.length; xi++) {
        u[xi][pair] = pairU[xi];
      }
    }
    return u;
  }

  /**
   * Where output channel {@code o}'s r x r kernel for U's column {@code col} = dt x inC / groups + c (the row of V
   * that frame tap dt reads) starts in weights (outC, inC / groups, kT, r, r).
   */
  private static int weightOffset(int o, int col, int inPerGroup, int frameTaps, int r) {
    return ((o * inPerGroup + col % inPerGroup) * frameTaps + col / inPerGroup) * r * r;
  }

  /** U = G g G^T of the r x r kernel at {@code w} into {@code u} (alpha x alpha), computed in double. */
  private static void transformPair(float[] weight, int w, int m, int r, double[] gg, float[] u) {
    double[][] g = r == 5 ? G25 : m == 2 ? G2 : G4;
    int alpha = m + r - 1;
    for (int i = 0; i < alpha; i++) { // G g
      for (int j = 0; j < r; j++) {
        double sum = 0;
        for (int q = 0; q < r; q++) {
          sum += g[i][q] * weight[w + q * r + j];
        }
        gg[r * i + j] = sum;
      }
    }
    for (int i = 0; i < alpha; i++) { // (G g) G^T
      for (int j = 0; j < alpha; j++) {
        double sum = 0;
        for (int q = 0; q < r; q++) {
          sum += gg[r * i + q] * g[j][q];
        }
        u[alpha * i + j] = (float) sum;
      }
    }
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

  /**
   * The batch as {@code plan} says: input (batch, inC, t, h, w) padded by the plan's {front, top, left} (the other
   * sides follow from the output size), output (batch, outC, outT, outH, outW), t = outT = 1 in 2-D, bias and clamp
   * fused. The tiles go through in chunks of about {@link ConvPlan#WINOGRAD_CHUNK_TILES}: whole
   * output frames (over the batch and T) where a frame has fewer, else blocks of a frame's tile rows.
   */
  static void run(ConvPlan plan, float[] in, float[] out, int batch, ExecutionContext ctx) {
    Conv conv = plan.conv;
    int outChannels = conv.outChannels / conv.groups; // per group
    int depth = conv.kernel[0] * conv.inChannels / conv.groups;
    int tile = plan.winogradTile;
    int taps = conv.kernel[1];
    int positions = positions(tile, taps);
    int tilesH = tiles(plan.outDims[1], tile);
    int tilesW = tiles(plan.outDims[2], tile);
    int pitch = tile * tilesW + taps - 1;
    // A unit is a block of tile rows of one output frame (all of them where a frame fits a chunk).
    int chunkTiles = ConvPlan.WINOGRAD_CHUNK_TILES;
    int blockRows = Math.min(tilesH, Math.max(1, chunkTiles / tilesW));
    int blocks = (tilesH + blockRows - 1) / blockRows;
    int units = batch * plan.outDims[0] * blocks;
    int chunk = blocks > 1 ? 1 : Math.min(units, Math.max(1, chunkTiles / (tilesH * tilesW)));
    int t = chunk * blockRows * tilesW;
    Gemm gemm = ctx.gemm();
    // V is written packed as the GEMMs read it, so they pack nothing: ResNet-18 1.03-1.04x, VGG-11 1.05-1.11x.
    int vStride = positionStride(1, gemm.packedBSize(depth, t));
    int mStride = positionStride(outChannels, t);
    int planeRows = tile * blockRows + taps - 1;
    float[] v = ctx.scratch(ScratchSlots.WINOGRAD_INPUT, positions * vStride);
    float[] m = ctx.scratch(ScratchSlots.WINOGRAD_PRODUCTS, positions * mStride);
    float[] plane = ctx.scratch(ScratchSlots.WINOGRAD_PLANE, planeRows * pitch);
    float[] rows = positions == 36 ? ctx.scratch(ScratchSlots.WINOGRAD_ROWS, Math.max(24, 6 * pitch)) : null;
    for (int first = 0; first < units; first += chunk) {
      for (int group = 0; group < conv.groups; group++) {
        runChunk(plan, in, out, group, first, Math.min(chunk, units - first), blocks, blockRows, t, v, vStride, m,
            mStride, plane, rows, ctx);
      }
    }
  }

  /**
   * {@code samples} blocked samples through F(4x4, 3x3), F(2x2, 5x5) or F(2x2, 3x3), their input zero-padded to the
   * plan's window so that every tile's input window is inside: per chunk of tiles
   * ({@link ConvPlan#blockedWinogradChunk}; the samples' tiles one after the other, output frame by frame,
   * {@link Nchwc#winogradTile}), the input transform into V (a 3-D tile's kT input frames one after the other), per
   * position and group one {@link Nchwc#pointwise} product over the group's input blocks (V as a blocked map of the
   * chunk's tiles) into M, and the output transform with bias and clamp. Every step runs on B channels a vector,
   * where the plain path's transforms run channel by channel.
   */
  static void runBlocked(ConvPlan plan, float[] in, int inOff, int samples, float[] out, int outOff,
      ExecutionContext ctx) {
    Conv conv = plan.conv;
    Nchwc nchwc = plan.nchwc;
    Nchwc.Window g = plan.window;
    Conv.WinogradWeights u = plan.blockedWinograd;
    int b = nchwc.block();
    int inBlocks = Nchwc.blocks(conv.inChannels, b);
    int outBlocks = Nchwc.blocks(conv.outChannels, b);
    int depthBlocks = g.kD() * inBlocks; // V's blocks a tile: kD is 1 where groups are more
    int groupIn = depthBlocks / conv.groups; // whole blocks each
    int groupOut = outBlocks / conv.groups;
    int tile = u.tile();
    int positions = positions(tile, g.kH());
    int tiles = samples * g.outD() * tiles(g.outH(), tile) * tiles(g.outW(), tile);
    int chunk = plan.blockedWinogradChunk;
    int vStride = positionStride(depthBlocks * b, chunk);
    int mStride = positionStride(outBlocks * b, chunk);
    float[] v = ctx.scratch(ScratchSlots.WINOGRAD_INPUT, positions * vStride);
    float[] m = ctx.scratch(ScratchSlots.WINOGRAD_PRODUCTS, positions * mStride);
    for (int first = 0; first < tiles; first += chunk) {
      int count = Math.min(chunk, tiles - first);
      nchwc.winogradInput(in, inOff, inBlocks, g, tile, first, count, v, 0, vStride);
      for (int xi = 0; xi < positions; xi++) {
        for (int group = 0; group < conv.groups; group++) {
          nchwc.pointwise(v, xi * vStride + group * groupIn * count * b, groupIn, count,
              u.positions()[group * positions + xi], u.noBias(), groupOut, Float.NEGATIVE_INFINITY,
              Float.POSITIVE_INFINITY, count, m, xi * mStride + group * groupOut * count * b);
        }
      }
      nchwc.winogradOutput(m, 0, mStride, outBlocks, g, tile, first, count, u.bias(), plan.lo, plan.hi, out,
          outOff);
    }
  }

  /** One group of one chunk of units ({@link #run}): transform its input, its GEMMs, transform its output. */
  private static void runChunk(ConvPlan plan, float[] in, float[] out, int group, int first, int count, int blocks,
      int blockRows, int t, float[] v, int vStride, float[] m, int mStride, float[] plane, float[] rows,
      ExecutionContext ctx) {
    Conv conv = plan.conv;
    int groups = conv.groups;
    int inChannels = conv.inChannels / groups;
    int outChannels = conv.outChannels / groups;
    int frames = plan.dims[0];
    int h = plan.dims[1];
    int w = plan.dims[2];
    int outFrames = plan.outDims[0];
    int outH = plan.outDims[1];
    int outW = plan.outDims[2];
    int frameTaps = conv.kernel[0];
    int depth = frameTaps * inChannels;
    int tile = plan.winogradTile;
    int taps = conv.kernel[1];
    int positions = positions(tile, taps);
    int tilesH = tiles(outH, tile);
    int tilesW = tiles(outW, tile);
    int pitch = tile * tilesW + taps - 1;
    Gemm gemm = ctx.gemm();
    int nr = gemm.kernel().nr();
    int tc = 0; // tiles of the chunk so far; a short chunk's matrices keep the pitch t
    for (int j = 0; j < count; j++) {
      Unit unit = Unit.of(first + j, blocks, blockRows, tilesH, outFrames);
      int unitRows = unit.tileRows;
      for (int dt = 0; dt < frameTaps; dt++) {
        int frame = unit.outFrame * conv.stride[0] + dt * conv.dilation[0] - plan.pad[0];
        boolean inside = frame >= 0 && frame < frames;
        for (int c = 0; c < inChannels; c++) {
          int channel = (unit.sample * groups + group) * inChannels + c;
          int src = inside ? ((channel * frames + frame) * h) * w : -1;
          padPlane(in, src, h, w, plan.pad[1] - tile * unit.firstRow, plan.pad[2], pitch,
              tile * unitRows + taps - 1, plane);
          int row = dt * inChannels + c;
          if (positions == 16) {
            transformInput(plane, pitch, unitRows, tilesW, v, gemm.packedBRow(depth, t, row),
                gemm.packedBPanel(depth, row), nr, tc, vStride);
          } else {
            transformInput6(plane, pitch, unitRows, tilesW, tile, rows, v, gemm.packedBRow(depth, t, row),
                gemm.packedBPanel(depth, row), nr, tc, vStride);
          }
        }
      }
      tc += unitRows * tilesW;
    }
    for (int xi = 0; xi < positions; xi++) {
      gemm.sgemmPackedB(plan.winogradWeights[group * positions + xi], tc, v, xi * vStride, t, Epilogue.NONE, m,
          xi * mStride, t);
    }
    tc = 0;
    for (int j = 0; j < count; j++) {
      Unit unit = Unit.of(first + j, blocks, blockRows, tilesH, outFrames);
      int unitRows = unit.tileRows;
      int y = tile * unit.firstRow;
      int rowsOut = Math.min(outH - y, tile * unitRows);
      for (int o = 0; o < outChannels; o++) {
        int channel = (unit.sample * groups + group) * outChannels + o;
        int dst = (((channel * outFrames + unit.outFrame) * outH) + y) * outW;
        float b = conv.bias == null ? 0f : conv.bias[group * outChannels + o];
        if (positions == 16) {
          transformOutput(m, o * t + tc, mStride, unitRows, tilesW, b, out, dst, rowsOut, outW);
        } else {
          transformOutput6(m, o * t + tc, mStride, unitRows, tilesW, tile, b, out, dst, rowsOut, outW, rows);
        }
        ConvKernels.clamp(out, dst, rowsOut * outW, plan.lo, plan.hi); // a fused activation, in cache
      }
      tc += unitRows * tilesW;
    }
  }

  /** Unit {@code index} of {@link #run}: tile rows [firstRow, firstRow + tileRows) of one sample's output frame. */
  private record Unit(int sample, int outFrame, int firstRow, int tileRows) {
    static Unit of(int index, int blocks, int blockRows, int tilesH, int outFrames) {
      int frameIndex = index / blocks;
      int firstRow = index % blocks * blockRows;
      return new Unit(frameIndex / outFrames, frameIndex % outFrames, firstRow, Math.min(blockRows, tilesH - firstRow));
    }
  }

  /**
   * One channel's plane from {@code src} into a zero plane of {@code rows} x {@code pitch}, every tile reading
   * inside it: input row y lands on plane row y + padTop (padTop is negative for a block of tile rows below a
   * frame's first), column x on x + padLeft. src < 0 (a frame in the padding) leaves it all zeros.
   */
  private static void padPlane(float[] in, int src, int h, int w, int padTop, int padLeft, int pitch, int rows,
      float[] plane) {
    Arrays.fill(plane, 0, rows * pitch, 0f);
    if (src < 0) {
      return;
    }
    int copyCols = Math.min(w, pitch - padLeft);
    for (int r = Math.max(0, padTop); r < Math.min(rows, h + padTop); r++) {
      System.arraycopy(in, src + (r - padTop) * w, plane, r * pitch + padLeft, copyCols);
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

  /**
   * F(4x4, 3x3) and F(2x2, 5x5) (tiles {@code step} = 4 or 2 apart): V = B^T d B for every 6x6 tile of one padded
   * channel, B^T = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2,
   * -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]. B^T runs down each strip of six rows once, over its whole width into
   * {@code rows} (tiles overlap, so no column is transformed twice); B then runs along each tile's six rows. Written
   * to the packed rows as in {@link #transformInput}.
   */
  private static void transformInput6(float[] p, int pitch, int tilesH, int tilesW, int step, float[] rows,
      float[] v, int row, int panel, int nr, int firstTile, int stride) {
    int lane = firstTile % nr;
    int k = row + firstTile / nr * panel + lane;
    for (int ty = 0; ty < tilesH; ty++) {
      int r0 = step * ty * pitch;
      for (int x = 0; x < pitch; x++) {
        int r = r0 + x;
        float d0 = p[r];
        float d1 = p[r + pitch];
        float d2 = p[r + 2 * pitch];
        float d3 = p[r + 3 * pitch];
        float d4 = p[r + 4 * pitch];
        float d5 = p[r + 5 * pitch];
        float a = d4 - 4 * d2;
        float b = 4 * d1 - d3;
        float c = d4 - d2;
        float e = 2 * (d1 - d3);
        rows[x] = 4 * d0 - 5 * d2 + d4;
        rows[pitch + x] = a - b;
        rows[2 * pitch + x] = a + b;
        rows[3 * pitch + x] = c - e;
        rows[4 * pitch + x] = c + e;
        rows[5 * pitch + x] = 4 * d1 - 5 * d3 + d5;
      }
      for (int tx = 0; tx < tilesW; tx++, k++) {
        if (lane == nr) { // the next panel
          lane = 0;
          k += panel - nr;
        }
        lane++;
        for (int i = 0; i < 6; i++) {
          int r = i * pitch + step * tx;
          float d0 = rows[r];
          float d1 = rows[r + 1];
          float d2 = rows[r + 2];
          float d3 = rows[r + 3];
          float d4 = rows[r + 4];
          float d5 = rows[r + 5];
          float a = d4 - 4 * d2;
          float b = 4 * d1 - d3;
          float c = d4 - d2;
          float e = 2 * (d1 - d3);
          int o = k + 6 * i * stride;
          v[o] = 4 * d0 - 5 * d2 + d4;
          v[o + stride] = a - b;
          v[o + 2 * stride] = a + b;
          v[o + 3 * stride] = c - e;
          v[o + 4 * stride] = c + e;
          v[o + 5 * stride] = 4 * d1 - 5 * d3 + d5;
        }
      }
    }
  }

  /**
   * The 6x6 tiles' Y = A^T M A + bias for every tile of one output channel: F(4x4, 3x3), A^T = [[1, 1, 1, 1, 1, 0],
   * [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]], and F(2x2, 5x5) ({@code tile} 2), A^T = [[1, 1,
   * 1, 1, 1, 0], [0, 1, -1, 2, -2, 1]] (the same points: its last row adds the point at infinity). Position xi of tile
   * k is m[base + xi * stride + k]. A^T combines the six rows of each column, A the six columns of each of those
   * rows; tiles past the output's edges are cropped. {@code s} holds A^T M (tile x 6).
   */
  private static void transformOutput6(float[] m, int base, int stride, int tilesH, int tilesW, int tile,
      float bias, float[] out, int dst, int outH, int outW, float[] s) {
    float last = tile == 2 ? 1 : 0; // F(2x2, 5x5): row and column 1 take m5
    for (int ty = 0; ty < tilesH; ty++) {
      int k = base + ty * tilesW;
      int y = tile * ty;
      int rowsInside = Math.min(tile, outH - y);
      for (int tx = 0; tx < tilesW; tx++, k++) {
        for (int j = 0; j < 6; j++) {
          int q = k + j * stride;
          float m1 = m[q + 6 * stride];
          float m2 = m[q + 12 * stride];
          float m3 = m[q + 18 * stride];
          float m4 = m[q + 24 * stride];
          float m5 = m[q + 30 * stride];
          float a = m1 + m2;
          float b = m1 - m2;
          float c = m3 + m4;
          float d = m3 - m4;
          s[j] = m[q] + a + c;
          s[6 + j] = b + 2 * d + last * m5;
          if (tile == 4) {
            s[12 + j] = a + 4 * c;
            s[18 + j] = b + 8 * d + m5;
          }
        }
        int x = tile * tx;
        int colsInside = Math.min(tile, outW - x);
        for (int i = 0; i < rowsInside; i++) {
          int r = 6 * i;
          float a = s[r + 1] + s[r + 2];
          float b = s[r + 1] - s[r + 2];
          float c = s[r + 3] + s[r + 4];
          float d = s[r + 3] - s[r + 4];
          int o = dst + (y + i) * outW + x;
          out[o] = s[r] + a + c + bias;
          if (colsInside > 1) {
            out[o + 1] = b + 2 * d + last * s[r + 5] + bias;
          }
          if (colsInside > 2) {
            out[o + 2] = a + 4 * c + bias;
          }
          if (colsInside > 3) {
            out[o + 3] = b + 8 * d + s[r + 5] + bias;
          }
        }
      }
    }
  }
}
