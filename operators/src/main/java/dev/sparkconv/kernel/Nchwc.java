package dev.sparkconv.kernel;

/**
 * Kernels on the channel-blocked activation layout NCHWc (ONNX Runtime MLAS's {@code snchwc}): a sample of C
 * channels over P positions is stored as [ceil(C/B)][P][B], B = {@link #block()} channels side by side, so one
 * vector load reads one position of B channels. A depthwise tap is then one load and one FMA for B channels, and a
 * pointwise convolution broadcasts one input value against a B-wide vector of weights whatever the map's size.
 *
 * <p>Pad channels (C up to a multiple of B): their input weights are zero when packed, so they never reach a real
 * output; their own values are the epilogue applied to zero (bias 0), finite, and never read as data.
 *
 * <p>A scalar implementation (the reference the tests use, any B) and a Vector API one (B = the preferred species'
 * lanes), chosen with the micro-kernel by {@link Kernels#nchwc()}. No argument checks: the plan checked the
 * shapes.
 */
public interface Nchwc {

  /** Channels per block, B. */
  int block();

  /** Floats one sample of {@code channels} x {@code positions} takes in blocked layout (channels padded to B). */
  default int blockedSize(int channels, int positions) {
    return blocks(channels, block()) * block() * positions;
  }

  static int blocks(int channels, int block) {
    return (channels + block - 1) / block;
  }

  /** One sample from plain (C, P) to blocked, pad channels zero. */
  default void toBlocked(float[] src, int srcOff, int channels, int positions, float[] dst, int dstOff) {
    int b = block();
    for (int cb = 0; cb < blocks(channels, b); cb++) {
      for (int c = 0; c < b; c++) {
        int ch = cb * b + c;
        int d = dstOff + cb * positions * b + c;
        if (ch >= channels) {
          for (int p = 0; p < positions; p++) {
            dst[d + p * b] = 0f;
          }
          continue;
        }
        int s = srcOff + ch * positions;
        for (int p = 0; p < positions; p++) {
          dst[d + p * b] = src[s + p];
        }
      }
    }
  }

  /** One sample from blocked back to plain (C, P); pad channels dropped. */
  default void toPlain(float[] src, int srcOff, int channels, int positions, float[] dst, int dstOff) {
    int b = block();
    for (int ch = 0; ch < channels; ch++) {
      int s = srcOff + ch / b * positions * b + ch % b;
      int d = dstOff + ch * positions;
      for (int p = 0; p < positions; p++) {
        dst[d + p] = src[s + p * b];
      }
    }
  }

  /** out[i] = min(max(a[i] + b[i], lo), hi) for i < n: a residual Add on two blocked tensors of one shape. */
  default void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n, float lo, float hi) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = Math.min(Math.max(a[aOff + i] + b[bOff + i], lo), hi);
    }
  }

  /** out[i] = min(max(x[i], lo), hi) for i < n: a ReLU or clip on a blocked tensor. */
  default void clamp(float[] x, int xOff, float[] out, int outOff, int n, float lo, float hi) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = Math.min(Math.max(x[xOff + i], lo), hi);
    }
  }

  /**
   * Max pooling of one blocked sample: {@code g.blocks()} blocks of {@code g.inH() x g.inW()} (not padded) to
   * {@code g.outH() x g.outW()}, window origin at (o * stride - pad); taps outside the map are skipped (padding never
   * wins, a window with no tap inside gives -infinity) and NaN wins, as the plain max pool.
   */
  default void maxPool(float[] in, int inOff, Window g, float[] out, int outOff) {
    int b = block();
    for (int cb = 0; cb < g.blocks(); cb++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          int o = outOff + ((cb * g.outH() + oh) * g.outW() + ow) * b;
          java.util.Arrays.fill(out, o, o + b, Float.NEGATIVE_INFINITY);
          for (int kh = 0; kh < g.kH(); kh++) {
            int ih = oh * g.sH() - g.padH() + kh * g.dH();
            for (int kw = 0; ih >= 0 && ih < g.inH() && kw < g.kW(); kw++) {
              int iw = ow * g.sW() - g.padW() + kw * g.dW();
              if (iw >= 0 && iw < g.inW()) {
                int x = inOff + ((cb * g.inH() + ih) * g.inW() + iw) * b;
                for (int c = 0; c < b; c++) {
                  out[o + c] = Math.max(out[o + c], in[x + c]);
                }
              }
            }
          }
        }
      }
    }
  }

  /** Mean over the positions of each channel of one blocked sample, written plain: out[outOff + c], c < C. */
  void globalAverage(float[] in, int inOff, int channels, int positions, float[] out, int outOff);

  /**
   * Depthwise 2-D convolution of one blocked sample (one kernel per channel, zero padding), bias and clamp fused:
   * weights packed by {@link #packDepthwise}, bias padded to whole blocks ({@link #padBias}). {@code rows} is
   * scratch of at least {@link #depthwiseRowsSize} floats.
   */
  void depthwise(float[] in, int inOff, Window g, float[] weights, float[] bias, float lo, float hi, float[] out,
      int outOff, float[] rows);

  /** Floats of {@link #depthwise}'s scratch: five input rows of blocks of {@code block} channels, zero-margined. */
  static int depthwiseRowsSize(Window g, int block) {
    return 5 * depthwiseRowPitch(g, block);
  }

  /** One zero-margined input row: the left padding, the row, and as many zeros right as the last output reaches. */
  static int depthwiseRowPitch(Window g, int block) {
    int right = Math.max(0, (g.outW() - 1) * g.sW() + (g.kW() - 1) * g.dW() + 1 - g.inW() - g.padW());
    return (g.padW() + g.inW() + right) * block;
  }

  /**
   * Whether {@link #direct} beats the plain path (im2col + GEMM, Winograd) on layers other than 1x1 strided ones,
   * so that plans run it there (dev.sparkconv.nn.ConvPlan#blockedPays): not the vector kernel on 16 registers.
   */
  default boolean directCompetes() {
    return true;
  }

  /** Output positions per tile of the pointwise and direct kernels: chunks of positions are whole tiles. */
  default int tilePositions() {
    return 6;
  }

  /**
   * 1x1 stride-1 convolution of one blocked sample: {@code inBlocks} input blocks to {@code outBlocks} output
   * blocks over {@code positions} positions, weights packed by {@link #packPointwise}, bias and clamp fused.
   * {@code chunk} positions are done for every output block before the next chunk, so their input stays in cache.
   */
  void pointwise(float[] in, int inOff, int inBlocks, int positions, float[] weights, float[] bias, int outBlocks,
      float lo, float hi, int chunk, float[] out, int outOff);

  /**
   * Direct 2-D or 3-D convolution of one blocked sample (or one group of it) already zero-padded by {@link #pad}, so
   * that every tap is inside (or of a zero-padded plain sample when {@code g.inBlock()} is 1; the output is blocked):
   * {@code g.blocks()} input blocks of {@code g.inPositions()} (the padded map; g's padding is ignored) to
   * {@code outBlocks} output blocks of {@code g.outPositions()}. Weights from {@code wOff} packed
   * by {@link #packDirect}, bias from {@code biasOff} (whole blocks), clamp fused. {@code chunk} output positions
   * are done for every output block before the next chunk, so that their input rows stay in cache.
   */
  void direct(float[] in, int inOff, Window g, int outBlocks, float[] weights, int wOff, float[] bias, int biasOff,
      float lo, float hi, int chunk, float[] out, int outOff);

  /**
   * Winograd F(4x4, 3x3) or F(2x2, 5x5) (g.kH() 3 or 5, {@code tile} 4 or 2: the same 6x6 input tiles), or F(2x2,
   * 3x3) ({@code tile} 2, g.kH() 3: 4x4 input tiles) on blocked layout, first step: V = B^T d B of tiles [first,
   * first + count) of a batch of samples of {@code blocks} blocks, each a map of g.inD() x g.inH() x g.inW()
   * zero-padded so that every tile's input window is inside (g's padding is ignored; {@link #winogradTile} numbers
   * the tiles), B^T {@link WinogradMatrices#BT6} or {@link WinogradMatrices#BT4}. A 3-D tile transforms the g.kD()
   * input frames its output frame reads (g.sD() frames a step, g.dD() a tap). Position xi's values go to {@code v}
   * from {@code vOff + xi * vStride} as a blocked map of {@code count} positions ([kD blocks][count][B], frame tap
   * by frame tap): the input of {@link #pointwise}, whose 36 (or 16) products over the input channels (and frame
   * taps) are Winograd's GEMMs.
   */
  default void winogradInput(float[] in, int inOff, int blocks, Window g, int tile, int first, int count, float[] v,
      int vOff, int vStride) {
    int b = block();
    int alpha = tile + g.kH() - 1;
    float[][] bt = alpha == 4 ? WinogradMatrices.BT4 : WinogradMatrices.BT6;
    int plane = g.inH() * g.inW() * b;
    int blockFloats = g.inD() * plane;
    float[] d = new float[alpha * alpha];
    float[] t = new float[alpha * alpha];
    for (int j = 0; j < count; j++) {
      int corner = inOff + winogradTile(first + j, g, tile, g.sD() * plane / b, g.inW(), blocks * blockFloats, b);
      for (int tap = 0; tap < g.kD() * blocks; tap++) {
        for (int c = 0; c < b; c++) {
          int x0 = corner + tap / blocks * g.dD() * plane + tap % blocks * blockFloats + c;
          for (int r = 0; r < alpha; r++) {
            for (int col = 0; col < alpha; col++) {
              d[r * alpha + col] = in[x0 + (r * g.inW() + col) * b];
            }
          }
          WinogradMatrices.sandwich(bt, d, alpha, t);
          int o = vOff + (tap * count + j) * b + c;
          for (int xi = 0; xi < alpha * alpha; xi++) {
            v[o + xi * vStride] = t[xi];
          }
        }
      }
    }
  }

  /**
   * Offset of tile t's first position in a batch of blocked samples {@code sampleFloats} apart: the tiles of a
   * batch are numbered sample by sample, output frame by frame (g.outD() a sample, {@code frameStep} positions
   * apart), row by row of the frame's grid of {@code tile} x {@code tile} tiles (over g.outH() x g.outW()), in maps
   * {@code w} positions wide.
   */
  static int winogradTile(int t, Window g, int tile, int frameStep, int w, int sampleFloats, int b) {
    int tilesW = (g.outW() + tile - 1) / tile;
    int perFrame = (g.outH() + tile - 1) / tile * tilesW;
    int r = t % perFrame;
    return t / (g.outD() * perFrame) * sampleFloats
        + (t / perFrame % g.outD() * frameStep + tile * (r / tilesW) * w + tile * (r % tilesW)) * b;
  }

  /** Outputs a side of a blocked Winograd tile of 6x6 inputs, m of F(m x m, r x r): 4 for r = 3, 2 for 5. */
  static int winogradTileSize(int r) {
    return 7 - r;
  }

  /**
   * Winograd on blocked layout ({@link #winogradInput}), last step: Y = A^T M A + bias, clamped to [lo, hi], A^T
   * {@link WinogradMatrices#AT43}, {@link WinogradMatrices#AT25} or {@link WinogradMatrices#AT23}, for tiles
   * [first, first + count) of a batch ({@link #winogradTile}) into samples of {@code outBlocks} blocks of g.outD() x
   * g.outH() x g.outW() (tiles past the edges cropped). Position xi of the chunk's tile j, block ob, is at
   * {@code m[mOff + xi * mStride + (ob * count + j) * B]} (the output of {@link #pointwise}); the bias is padded
   * to whole blocks.
   */
  default void winogradOutput(float[] m, int mOff, int mStride, int outBlocks, Window g, int tile, int first,
      int count, float[] bias, float lo, float hi, float[] out, int outOff) {
    int b = block();
    int outH = g.outH();
    int outW = g.outW();
    int alpha = tile + g.kH() - 1;
    float[][] at = tile == 4 ? WinogradMatrices.AT43 : alpha == 6 ? WinogradMatrices.AT25 : WinogradMatrices.AT23;
    int blockFloats = g.outD() * outH * outW * b;
    int tilesW = (outW + tile - 1) / tile;
    float[] x = new float[alpha * alpha];
    float[] y = new float[tile * tile];
    for (int j = 0; j < count; j++) {
      int row0 = tile * ((first + j) % ((outH + tile - 1) / tile * tilesW) / tilesW);
      int col0 = tile * ((first + j) % tilesW);
      int corner = outOff + winogradTile(first + j, g, tile, outH * outW, outW, outBlocks * blockFloats, b);
      for (int ob = 0; ob < outBlocks; ob++) {
        for (int c = 0; c < b; c++) {
          int k = mOff + (ob * count + j) * b + c;
          for (int xi = 0; xi < alpha * alpha; xi++) {
            x[xi] = m[k + xi * mStride];
          }
          WinogradMatrices.sandwich(at, x, alpha, y);
          for (int i = 0; i < Math.min(tile, outH - row0); i++) {
            for (int q = 0; q < Math.min(tile, outW - col0); q++) {
              out[corner + ob * blockFloats + (i * outW + q) * b + c] =
                  Math.min(Math.max(y[i * tile + q] + bias[ob * b + c], lo), hi);
            }
          }
        }
      }
    }
  }

  /**
   * Offsets in a padded blocked map of {@code g.inW()} columns of each tap (kd, kh, kw) from its window's corner, in
   * the packed weights' order.
   */
  static int[] tapOffsets(Window g, int block) {
    int[] taps = new int[g.kD() * g.kH() * g.kW()];
    for (int kd = 0, t = 0; kd < g.kD(); kd++) {
      for (int kh = 0; kh < g.kH(); kh++) {
        for (int kw = 0; kw < g.kW(); kw++, t++) {
          taps[t] = ((kd * g.dD() * g.inH() + kh * g.dH()) * g.inW() + kw * g.dW()) * block;
        }
      }
    }
    return taps;
  }

  /**
   * One sample of {@code blocks} blocks of {@code b} channels (B; 1 for a plain sample) of depth x h x w (depth 1
   * for a 2-D map) into {@code dst} as (depth + front + back) x (h + top + bottom) x (w + left + right) per block,
   * zeros around, from {@code dstOff}: a convolution on it then needs no bounds.
   */
  static void pad(float[] src, int srcOff, int blocks, int b, int depth, int h, int w, int front, int back,
      int top, int bottom, int left, int right, float[] dst, int dstOff) {
    int row = (w + left + right) * b;
    int plane = (h + top + bottom) * row;
    int d = dstOff;
    for (int cb = 0; cb < blocks; cb++) {
      java.util.Arrays.fill(dst, d, d + front * plane, 0f);
      d += front * plane;
      for (int z = 0; z < depth; z++) {
        java.util.Arrays.fill(dst, d, d + top * row, 0f);
        d += top * row;
        for (int y = 0; y < h; y++, d += row) {
          java.util.Arrays.fill(dst, d, d + left * b, 0f);
          System.arraycopy(src, srcOff + ((cb * depth + z) * h + y) * w * b, dst, d + left * b, w * b);
          java.util.Arrays.fill(dst, d + (left + w) * b, d + row, 0f);
        }
        java.util.Arrays.fill(dst, d, d + bottom * row, 0f);
        d += bottom * row;
      }
      java.util.Arrays.fill(dst, d, d + back * plane, 0f);
      d += back * plane;
    }
  }

  /**
   * The geometry of a blocked depthwise or direct convolution: (input) channel blocks, maps, kernel, stride,
   * dilation, padding, and the channels side by side in an input block: B, or 1 for a direct convolution reading a
   * plain input (a first layer's few channels, each a block of its own, so none is padded to B). A direct
   * convolution may be 3-D: depth {@code inD} (padded) to {@code outD}, kernel {@code kD}, stride, dilation; the
   * other kernels are 2-D (depth 1).
   */
  record Window(int blocks, int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW, int dH, int dW,
      int padH, int padW, int inBlock, int inD, int outD, int kD, int sD, int dD) {

    /** A 2-D window: depth 1. */
    public Window(int blocks, int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW, int dH, int dW,
        int padH, int padW, int inBlock) {
      this(blocks, inH, inW, outH, outW, kH, kW, sH, sW, dH, dW, padH, padW, inBlock, 1, 1, 1, 1, 1);
    }

    /** Positions of one input block (the padded map for a direct convolution). */
    public int inPositions() {
      return inD * inH * inW;
    }

    public int outPositions() {
      return outD * outH * outW;
    }
  }

  /** (C, kH, kW) depthwise weights as [C/B][kH][kW][B], pad channels zero. */
  static float[] packDepthwise(float[] weight, int channels, int taps, int block) {
    float[] packed = new float[blocks(channels, block) * block * taps];
    for (int ch = 0; ch < channels; ch++) {
      for (int t = 0; t < taps; t++) {
        packed[(ch / block * taps + t) * block + ch % block] = weight[ch * taps + t];
      }
    }
    return packed;
  }

  /** (outC, inC) pointwise weights for {@link #pointwise}: {@link #packDirect} with one tap. */
  static float[] packPointwise(float[] weight, int outChannels, int inChannels, int block) {
    return packDirect(weight, 0, outChannels, inChannels, 1, block, block);
  }

  /**
   * (outC, inC, taps) weights from {@code wOff} for {@link #direct}: per pair of output blocks, per input block,
   * per tap, per input channel of the block, the 2B weights of the pair's output channels (B for a last, single
   * block), pad channels zero; so a kernel reads them in one increasing run. Input blocks of {@code inBlock}
   * channels: B, or 1 for a plain input ({@link Window#inBlock}).
   */
  static float[] packDirect(float[] weight, int wOff, int outChannels, int inChannels, int taps, int block,
      int inBlock) {
    int inPadded = blocks(inChannels, inBlock) * inBlock;
    int outPadded = blocks(outChannels, block) * block;
    float[] packed = new float[outPadded * inPadded * taps];
    for (int o = 0; o < outChannels; o++) {
      for (int i = 0; i < inChannels; i++) {
        for (int t = 0; t < taps; t++) {
          packed[packedIndex(o, (i / inBlock * taps + t) * inBlock + i % inBlock, outPadded, inPadded * taps, block)] =
              weight[wOff + (o * inChannels + i) * taps + t];
        }
      }
    }
    return packed;
  }

  /**
   * Where weight (o, column) goes in {@link #packDirect}'s layout, a column being (input block, tap, channel of the
   * block); {@code outPadded} and {@code columns}: the packed matrix's sizes.
   */
  static int packedIndex(int o, int column, int outPadded, int columns, int block) {
    int pairStart = o / (2 * block) * 2 * block;
    return pairStart * columns + column * Math.min(2 * block, outPadded - pairStart) + o - pairStart;
  }

  /** The bias (null for none) padded with zeros to whole blocks. */
  static float[] padBias(float[] bias, int channels, int block) {
    float[] padded = new float[blocks(channels, block) * block];
    if (bias != null) {
      System.arraycopy(bias, 0, padded, 0, channels);
    }
    return padded;
  }
}
