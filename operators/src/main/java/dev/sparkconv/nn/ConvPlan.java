package dev.sparkconv.nn;

import dev.sparkconv.kernel.Axpy;
import dev.sparkconv.kernel.Epilogue;
import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.kernel.Kernels;
import dev.sparkconv.kernel.Nchwc;
import dev.sparkconv.tensor.Shapes;

/**
 * How one {@link Conv} runs on one per-sample input shape, decided once (ONNX Runtime's {@code MlasConvPrepare}):
 * the algorithm, the im2col slab, the scratch sizes, the weights packed for the GEMM and the fused epilogue
 * (bias, and the clamp of a ReLU or clip that only reads this layer). {@link #run} only executes it.
 *
 * <p>Immutable: a network's plan, with one of these per convolution, is shared by every task of a JVM; each task
 * brings its own scratch in its {@link ExecutionContext}. The batch is the one thing left to the call: Winograd
 * needs enough output tiles, so small batches of small maps take the GEMM path ({@link #algorithm(int)}).
 *
 * <p>The tuning constants of convolution live here (the GEMM's in {@link dev.sparkconv.kernel.BlockSizes}).
 */
final class ConvPlan {
  /**
   * {@code -Dsparkconv.winograd=false} turns Winograd off (every layer it would run then runs im2col + GEMM);
   * {@code 2x2} keeps it to F(2x2, 3x3), whose float error is the direct sum's. The 6x6 tiles of F(4x4, 3x3) and
   * F(2x2, 5x5) scale by up to 8 in the transforms: about 5e-5 off on a sum of 144 products of values in [-1, 1]
   * (numpy's float32 the same). {@code plain} keeps it off the blocked layout ({@link #blockedWinogradApplies}), so
   * that those layers run as before it (for measuring one against the other).
   */
  private static final String WINOGRAD = System.getProperty("sparkconv.winograd", "");
  static final boolean WINOGRAD_ENABLED = !"false".equalsIgnoreCase(WINOGRAD);
  private static final boolean WINOGRAD_6X6_TILES = !"2x2".equalsIgnoreCase(WINOGRAD);
  private static final boolean WINOGRAD_BLOCKED = WINOGRAD_ENABLED && WINOGRAD_6X6_TILES
      && !"plain".equalsIgnoreCase(WINOGRAD);
  /**
   * {@code -Dsparkconv.blocked=false} keeps every activation in plain layout (no NCHWc region is planned, see
   * {@link ExecutionPlan}). Depthwise and pointwise layers run blocked on every width; with 8-float blocks (AVX2)
   * the direct kernel runs only 1x1 strided layers ({@link #blockedPays}, {@link Nchwc#directCompetes}). Zen 3, ratios
   * to ONNX Runtime at batch 1 and 8, blocked / plain: MobileNetV2 0.62, 0.72 / 0.54, 0.51; ShuffleNetV2 0.73-0.86,
   * 0.56-0.61 / 0.61, 0.57-0.68.
   */
  private static final String BLOCKED = System.getProperty("sparkconv.blocked", "");

  /** Whether the plan may block activations for {@code nchwc} (see {@link #BLOCKED}); never for null. */
  static boolean blocks(Nchwc nchwc) {
    return nchwc != null && !"false".equalsIgnoreCase(BLOCKED);
  }

  /**
   * {@code -Dsparkconv.direct=false} keeps the blocked direct convolution out of the plan ({@link #blockedPays});
   * {@code all} runs it on Winograd's shapes too, blocked Winograd's included (for measuring one against the other).
   */
  static final boolean DIRECT_ENABLED = !"false".equalsIgnoreCase(System.getProperty("sparkconv.direct"));
  static final boolean DIRECT_ALL = "all".equalsIgnoreCase(System.getProperty("sparkconv.direct"));
  /**
   * Blocked pointwise: input floats per chunk of positions that every output block is computed for before the next
   * chunk (64 KB, so the chunk's input stays in L2 beside one pair's weights); at least one 6-position tile.
   */
  static final int BLOCKED_POINTWISE_CHUNK_FLOATS = 16 * 1024;
  /**
   * Below this many 2x2 tiles in the batch Winograd's 16 GEMMs are too narrow to pay for the transforms
   * (measured: 512 channels at 7x7, 16 tiles, 86 effective GFLOPS against 74 with im2col; 64 at 8x8 even).
   */
  static final int WINOGRAD_MIN_TILES = 16;
  /**
   * Fewer input channels per group than this keep a grouped convolution off Winograd: each group's GEMMs have K =
   * these channels (ResNeXt's 4 would give GEMMs of K = 4). AlexNet's two-group 3x3 layers (192 a group) on
   * Winograd, against im2col: the model 1.12x / 1.14x at batch 1 / 8, Zen 3, same JVM.
   */
  static final int WINOGRAD_MIN_GROUP_CHANNELS = 16;
  /** A batch of one sample with fewer 2x2 tiles than this runs direct, not Winograd ({@link #blockedPays}). */
  static final int WINOGRAD_NARROW_TILES = 32;
  /**
   * A Winograd shape with at most this many input channels runs the direct kernel, blocked ({@link #blockedPays}):
   * its 16 GEMMs have K = 64. ResNet-18 in one JVM, both plans, Zen 5: 1.06-1.08x at batch 1 and 8 against these
   * layers on Winograd (128 too: 1.02 more, within the noise); VGG-11 1.02-1.03x.
   */
  static final int DIRECT_MAX_WINOGRAD_CHANNELS = 64;
  /**
   * Tiles per chunk Winograd transforms and multiplies together (whole output frames, or blocks of a frame's tile
   * rows): enough for the GEMMs (N = 64 is four panels), few enough that the transformed input and the products
   * (16 or 36 x channels x tiles each) stay near L2 for the output transform. Zen 3, same JVM: ResNet-18's 64
   * channels at 56x56 in one chunk at batch 8 (6272 tiles, 25 MB) 89 effective GFLOPS, a sample (784) 117; 64
   * against 256 tiles: ResNet-18 1.03x / 1.04x at batch 1 / 8, VGG-11 1.04x, r3d_18 1.15x; single layers 1.00-1.27x
   * (F(4x4) 64 channels at 56x56 1.12x, F(2x2) 128 at 28x28 batch 8 1.27x). 32 lost (0.88-0.96x).
   */
  static final int WINOGRAD_CHUNK_TILES = 64;
  /**
   * 256 KB of im2col columns per slab (a quarter of a 1 MB L2, the rest for the packed panels), but never
   * narrower than 512 columns: each slab's GEMM packs B and walks all of A again.
   */
  static final int IM2COL_SLAB_FLOATS = 64 * 1024;
  static final int IM2COL_SLAB_MIN_COLUMNS = 512;
  /**
   * A convolution alone in the blocked layout (plain in, plain out: both conversions its own) still pays up to these
   * sizes ({@link #blockedPaysAlone}): 3x3 depthwise output rows this wide, pointwise maps of this many positions.
   */
  static final int BLOCKED_ALONE_MAX_DEPTHWISE_ROW = 14;
  static final int BLOCKED_ALONE_MAX_POINTWISE_POSITIONS = 49;
  /**
   * The same for a direct convolution that Winograd would not run: at least this many multiply-adds per float
   * converted (input and output), so that the faster kernel pays for both conversions.
   */
  static final int BLOCKED_ALONE_MIN_DIRECT_MACS_PER_FLOAT = 64;
  /** At most this many multiply-adds per input float: a direct convolution reads a plain input as it is. */
  static final int READ_PLAIN_MAX_MACS_PER_FLOAT = 1024;
  /**
   * Blocked direct convolution: padded input floats per chunk of output positions that every output block is
   * computed for before the next chunk (the chunk's input rows in L2 beside one pair's weights).
   */
  static final int BLOCKED_DIRECT_CHUNK_FLOATS = 128 * 1024;
  /** Blocked Winograd: floats of one chunk's transformed input and products together (in L2), whole 6-tiles. */
  static final int BLOCKED_WINOGRAD_CHUNK_FLOATS = 128 * 1024;
  /**
   * Blocked Winograd: at least this many tiles a chunk, as every chunk reads all 36 of U's matrices (9.4 MB at 256
   * channels). Zen 5, 256 channels at 14x14 (16 tiles), ms: 6 or 12 tiles a chunk 0.77-0.82, 18 0.445.
   */
  static final int BLOCKED_WINOGRAD_MIN_CHUNK_TILES = 18;
  /** Depthwise output rows at least this wide (one AVX-512 vector) are computed row by row, into the output. */
  static final int DEPTHWISE_ROW_MIN = 16;
  /** Locally connected and tiled convolution: columns per GEMM their sample batching aims at (a few NR widths). */
  static final int UNSHARED_TARGET_COLUMNS = 256;

  enum Algorithm {
    /** Winograd F(4x4, 3x3), F(2x2, 3x3) or F(2x2, 5x5) ({@link Winograd}): stride 1 undilated in H and W. */
    WINOGRAD,
    /** groups == inC > 1, any channel multiplier: the direct kernels of {@link ConvKernels#depthwise}. */
    DEPTHWISE,
    /** 1x1 stride-1 unpadded: one GEMM per group straight on the input. */
    POINTWISE,
    /** im2col per sample and group, in slabs of output rows that stay in cache, then a GEMM per slab. */
    IM2COL
  }

  final Conv conv;
  /** Normalised to (T, H, W): the input, the input after a non-zero padding mode was applied, the output. */
  final int[] dims;
  final int[] srcDims;
  final int[] outDims;
  /** The zero padding the kernels apply: the layer's, or none once a padding mode padded the sample. */
  final int[] pad;
  /** A padding mode other than zeros pads each sample into scratch first. */
  final boolean padded;
  /** The algorithm below {@link #winogradFromBatch} samples. */
  private final Algorithm algorithm;
  /** Batches of at least this many samples run Winograd; {@link Integer#MAX_VALUE} when it does not apply. */
  final int winogradFromBatch;
  /** Winograd's output tile, m of F(m x m, r x r): 2 or 4 (always 2 for 5x5). */
  final int winogradTile;
  /** Output rows (over T and H) per im2col slab, and the floats of its column matrix. */
  final int slabRows;
  private final int columnsSize;
  /** Floats of the depthwise kernels' two scratch buffers. */
  private final int phasesSize;
  private final int rowsSize;
  /** Weights packed for the GEMM per group, and transformed per Winograd position; null where unused. */
  private final Gemm.PackedA[] packed;
  final Gemm.PackedA[] winogradWeights;
  /** Per group: its bias slice and the clamp, applied by the micro-kernel as it writes C. */
  private final Epilogue[] epilogues;
  final float lo;
  final float hi;
  final Axpy axpy;
  /** Blocked: the input is plain (a first layer of fewer channels than a block), only the output blocked. */
  final boolean plainInput;
  /** The blocked (NCHWc) kernels when this plan reads and writes that layout, else null. */
  final Nchwc nchwc;
  /**
   * Blocked: the depthwise or direct geometry (direct: per group, on the padded map), the packed weights and padded
   * bias, the pointwise or direct chunk.
   */
  final Nchwc.Window window;
  /** Blocked: the zero padding (front, back, top, bottom, left, right) applied to each sample first, or null. */
  private final int[] blockedPadding;
  private final Conv.BlockedWeights blocked;
  private final int chunk;

  /**
   * Blocked F(4x4, 3x3) ({@link Winograd#runBlocked}): U packed per position for the pointwise kernel and the bias,
   * and the tiles per chunk; null and 0 where the plan runs another kernel.
   */
  final Conv.WinogradWeights blockedWinograd;
  final int blockedWinogradChunk;
  /** Blocked Winograd: samples padded and transformed together (several where one has fewer tiles than a chunk). */
  final int blockedWinogradSamples;

  private ConvPlan(Conv conv, int[] sample, float lo, float hi, Gemm gemm, Nchwc nchwc, boolean plainInput,
      int tile, boolean oneSample) {
    this.conv = conv;
    this.plainInput = plainInput;
    this.lo = lo;
    this.hi = hi;
    this.dims = conv.normalised(sample);
    this.outDims = conv.normalised(conv.outputShape(sample));
    this.padded = conv.paddingMode != PaddingMode.ZEROS && !allZero(conv.padBegin, conv.padEnd);
    this.srcDims = dims.clone();
    for (int a = 0; padded && a < 3; a++) {
      srcDims[a] += conv.padBegin[a] + conv.padEnd[a];
    }
    this.pad = padded ? new int[3] : conv.padBegin;
    int[] k = conv.kernel;
    boolean depthwise = conv.groups == conv.inChannels && conv.groups > 1;
    boolean pointwise = !depthwise && allOne(k) && allOne(conv.stride) && allZero(conv.padBegin, conv.padEnd);
    this.algorithm = depthwise ? Algorithm.DEPTHWISE : pointwise ? Algorithm.POINTWISE : Algorithm.IM2COL;
    this.winogradTile = k[1] == 5 ? 2 : tile > 0 ? tile : winogradTile(outDims);
    int tiles = outDims[0] * Winograd.tiles(outDims[1], winogradTile) * Winograd.tiles(outDims[2], winogradTile);
    boolean winograd = winogradShape(conv) && !padded;
    this.winogradFromBatch = winograd ? (WINOGRAD_MIN_TILES + tiles - 1) / tiles : Integer.MAX_VALUE;
    int rows = conv.inChannels / conv.groups * k[0] * k[1] * k[2];
    this.slabRows = Math.max(IM2COL_SLAB_MIN_COLUMNS / outDims[2] + 1, IM2COL_SLAB_FLOATS / (rows * outDims[2]));
    this.columnsSize = algorithm == Algorithm.IM2COL
        ? rows * Math.min(outDims[0] * outDims[1], slabRows) * outDims[2] : 0;
    int[] s = conv.stride;
    int[] d = conv.dilation;
    this.phasesSize = depthwise ? Math.max(ConvKernels.depthwisePhasesSize(srcDims, outDims, k, s, d),
        ConvKernels.depthwisePlaneSize(outDims, k, s, d)) : 0;
    this.rowsSize = depthwise
        ? Math.max(2 * outDims[2], outDims[1] * ConvKernels.depthwisePhasePitch(outDims, k, s, d)) : 0;
    // A blocked plan runs its own Winograd (blockedWinograd, below): the GEMM one's U would be made for nothing
    // (ResNet-18's held 89 MB).
    this.winogradWeights = winograd && nchwc == null ? conv.winogradWeights(gemm, winogradTile) : null;
    boolean gemmPath = algorithm != Algorithm.DEPTHWISE && winogradFromBatch > 1 && nchwc == null;
    this.packed = gemmPath ? conv.packedWeights(gemm) : null;
    int outPerGroup = conv.outChannels / conv.groups;
    this.epilogues = new Epilogue[conv.groups];
    for (int g = 0; g < conv.groups; g++) {
      epilogues[g] = Epilogue.of(conv.bias, g * outPerGroup, lo, hi);
    }
    this.axpy = depthwise && nchwc == null ? Kernels.axpy() : null;
    this.nchwc = nchwc;
    if (nchwc != null && !(plainInput ? fromPlainApplies(conv) : blockedApplies(conv, sample,
        nchwc.block()))) {
      throw new IllegalArgumentException(conv.name() + ": no blocked kernel for this convolution");
    }
    int b = nchwc == null ? 1 : nchwc.block();
    int inBlock = plainInput ? 1 : b;
    int m = nchwc == null || plainInput ? 0 : blockedWinogradTile(conv, outDims, b, oneSample);
    boolean winogradBlocked = m > 0; // m x m output tiles of (m + 2 or 4)^2 inputs
    this.blocked = nchwc == null || winogradBlocked ? null : conv.blockedWeights(b, inBlock, depthwise);
    this.blockedWinograd = winogradBlocked ? conv.blockedWinogradWeights(b, m) : null;
    boolean direct = nchwc != null && !depthwise && (plainInput || !isPointwise(conv));
    // A direct input is zero-padded first, so that every output is an interior one (a depthwise kernel pads its
    // input rows one at a time, in its own scratch); a Winograd one so that every input tile is inside.
    int back = Math.max(0, (outDims[0] - 1) * s[0] + (k[0] - 1) * d[0] + 1 - dims[0] - pad[0]);
    int bottom = winogradBlocked ? m * Winograd.tiles(outDims[1], m) + k[1] - 1 - dims[1] - pad[1]
        : Math.max(0, (outDims[1] - 1) * s[1] + (k[1] - 1) * d[1] + 1 - dims[1] - pad[1]);
    int right = winogradBlocked ? m * Winograd.tiles(outDims[2], m) + k[2] - 1 - dims[2] - pad[2]
        : Math.max(0, (outDims[2] - 1) * s[2] + (k[2] - 1) * d[2] + 1 - dims[2] - pad[2]);
    boolean padFirst = (direct || winogradBlocked) && pad[0] + back + pad[1] + bottom + pad[2] + right > 0;
    this.blockedPadding = padFirst ? new int[] {pad[0], back, pad[1], bottom, pad[2], right} : null;
    int[] pads = padFirst ? blockedPadding : new int[6];
    int blocks = direct ? Nchwc.blocks(conv.inChannels / conv.groups, inBlock) : Nchwc.blocks(conv.inChannels, b);
    int padH = padFirst || direct ? 0 : pad[1];
    int padW = padFirst || direct ? 0 : pad[2];
    this.window = direct || depthwise && nchwc != null ? new Nchwc.Window(blocks, dims[1] + pads[2] + pads[3],
        dims[2] + pads[4] + pads[5], outDims[1], outDims[2], k[1], k[2], s[1], s[2], d[1], d[2], padH, padW,
        inBlock, dims[0] + pads[0] + pads[1], outDims[0], k[0], s[0], d[0]) : null;
    this.chunk = direct
        ? roundDown(BLOCKED_DIRECT_CHUNK_FLOATS / (blocks * inBlock * window.inW() * s[1]) * outDims[2], nchwc)
        : roundDown(BLOCKED_POINTWISE_CHUNK_FLOATS / (Nchwc.blocks(conv.inChannels, b) * b), nchwc);
    int positions = winogradBlocked ? Winograd.positions(m, k[1]) : 1;
    int chunkTiles = Math.max(BLOCKED_WINOGRAD_MIN_CHUNK_TILES, roundDown(BLOCKED_WINOGRAD_CHUNK_FLOATS
        / (positions * (k[0] * Nchwc.blocks(conv.inChannels, b) + Nchwc.blocks(conv.outChannels, b)) * b), nchwc));
    int sampleTiles = winogradBlocked ? winogradTiles(outDims, m) : 1;
    // Samples of fewer tiles than a chunk go through together, padded side by side: their chunks whole samples.
    this.blockedWinogradSamples = winogradBlocked ? Math.max(1, (chunkTiles + sampleTiles - 1) / sampleTiles) : 0;
    this.blockedWinogradChunk = !winogradBlocked ? 0
        : blockedWinogradSamples > 1 ? blockedWinogradSamples * sampleTiles : chunkTiles;
  }

  /**
   * Where the blocked plan runs F(4x4, 3x3) ({@link #blockedWinogradApplies}) on whole input blocks: it beats the
   * direct kernel and the plain Winograd, whose transforms run channel by channel, even alone (its input converted
   * and its output back). Zen 5, one sample, one layer, best time, ms, blocked Winograd / direct / plain Winograd:
   * 64 channels at 56x56 0.45 / 1.17 / 1.28, 128 at 28x28 0.36-0.39 / - / 0.82 (batch 8 3.1-3.4 / - / 7.1), 256 at
   * 14x14 0.445 / - / 0.77 (batch 8 3.8 / - / 9.1), 512 at 7x7, batch 8, 4.7-5.1 / - / 8.3; 384 in two groups at
   * 13x13 0.63 / 1.14 / - (batch 8 5.5 / 9.2 / -). 3-D 64->128 (3, 3, 3) at 8x28x28 in {@code scripts/bench conv}:
   * 452 GFLOPS against 151 direct.
   */
  static boolean blockedWinogradPays(Conv conv, int[] sample, int block, boolean oneSample) {
    return blockedWinogradTile(conv, conv.normalised(conv.outputShape(sample)), block, oneSample) > 0;
  }

  /**
   * The output tile side m of the blocked Winograd F(m x m, r x r) ({@link Winograd#runBlocked}) that runs
   * {@code conv}, or 0 where none does: a 3x3 or 5x5 convolution in H and W, stride 1 and undilated there, zero
   * padding; 2-D, ungrouped with at least {@code block} input channels or grouped with whole blocks of input and
   * output channels a group, or 3-D (any kernel, stride and dilation along T), ungrouped, with whole blocks of input
   * channels. F(4x4, 3x3) or F(2x2, 5x5) (6x6 input tiles) where a sample has at least {@link #WINOGRAD_MIN_TILES}
   * output tiles (over its frames), or in a plan for batches of several samples (whose tiles then share the chunks);
   * else F(2x2, 3x3) (4x4 input tiles) where a sample has that many 2x2 tiles: maps of 7 to 12 a side at batch 1.
   * Zen 5, one sample, against the direct kernel: 64 and 256 channels at 10x10 284 and 370 effective GFLOPS against
   * 160 and 173, at 12x12 291 and 391 against 174 and 234; 512 channels at 7x7 alone 250-261 against 143-174
   * (its 16 GEMMs, 512 x 512 over 16 tiles, 0.77-0.84 ms); in {@code scripts/bench conv} 1.15-1.26 of ONNX Runtime
   * against 0.74-0.96; in ResNet-18 (its U, 16.8 MB a layer against 9.4, then comes from memory) 1.62-1.71 ms a
   * layer against 1.86-2.19; r3d_18's 512 channels at 2x7x7 6.6-7.0 ms against 7.2-7.4.
   */
  static int blockedWinogradTile(Conv conv, int[] outDims, int block, boolean oneSample) {
    boolean wholeBlocks = conv.rank == 3 ? conv.groups == 1 && conv.inChannels % block == 0
        : conv.groups == 1 ? conv.inChannels >= block
        : conv.inChannels / conv.groups % block == 0 && conv.outChannels / conv.groups % block == 0;
    boolean applies = WINOGRAD_BLOCKED && !DIRECT_ALL && conv.rank >= 2 && wholeBlocks
        && conv.kernel[1] == conv.kernel[2] && (conv.kernel[1] == 3 || conv.kernel[1] == 5)
        && conv.stride[1] == 1 && conv.stride[2] == 1
        && conv.dilation[1] == 1 && conv.dilation[2] == 1
        && (conv.paddingMode == PaddingMode.ZEROS || allZero(conv.padBegin, conv.padEnd));
    int m = Nchwc.winogradTileSize(conv.kernel[1]);
    if (!applies) {
      return 0;
    } else if (!oneSample || winogradTiles(outDims, m) >= WINOGRAD_MIN_TILES) {
      return m;
    }
    return conv.kernel[1] == 3 && winogradTiles(outDims, 2) >= WINOGRAD_MIN_TILES ? 2 : 0;
  }

  /** {@code positions} rounded down to whole tiles of {@code nchwc}'s kernels, at least one tile. */
  private static int roundDown(int positions, Nchwc nchwc) {
    int tile = nchwc == null ? 1 : nchwc.tilePositions();
    return Math.max(tile, positions / tile * tile);
  }

  /** The plan of {@code conv} on per-sample input {@code sample}, its output clamped to [lo, hi]. */
  static ConvPlan of(Conv conv, int[] sample, float lo, float hi, Gemm gemm) {
    return new ConvPlan(conv, sample, lo, hi, gemm, null, false, 0, false);
  }

  /** The same with Winograd's output tile m forced to 2 or 4 (for a whole JVM: -Dsparkconv.winograd=2x2). */
  static ConvPlan withWinogradTile(Conv conv, int[] sample, float lo, float hi, Gemm gemm, int m) {
    return new ConvPlan(conv, sample, lo, hi, gemm, null, false, m, false);
  }

  /**
   * The same in blocked layout: input and output in {@code nchwc}'s NCHWc, as the network's plan lays them out.
   * Only where {@link #blockedApplies}. {@code oneSample}: for batches of one sample ({@link #blockedWinogradPays}).
   */
  static ConvPlan blocked(Conv conv, int[] sample, float lo, float hi, Gemm gemm, Nchwc nchwc, boolean oneSample) {
    return new ConvPlan(conv, sample, lo, hi, gemm, nchwc, false, 0, oneSample);
  }

  /**
   * A direct convolution from a plain input to a blocked output ({@link #fromPlainPays}): a first layer, whose few
   * input channels would be padded to B in blocked layout.
   */
  static ConvPlan blockedFromPlain(Conv conv, int[] sample, float lo, float hi, Gemm gemm, Nchwc nchwc) {
    return new ConvPlan(conv, sample, lo, hi, gemm, nchwc, true, 0, false);
  }

  /** 2-D or 3-D, zero padding, groups 1: the direct kernel can read the input plain (a block of one channel). */
  static boolean fromPlainApplies(Conv conv) {
    return conv.rank >= 2 && (conv.paddingMode == PaddingMode.ZEROS || allZero(conv.padBegin, conv.padEnd))
        && conv.groups == 1;
  }

  /**
   * Where the network's plan runs {@code conv} from its plain input to a blocked output, even when that output is
   * then converted back: first layers of 3 channels, where im2col + GEMM has K = 27 to 363. Measured on Zen 5 (B =
   * 16) in ModelBench's profile, GFLOPS, plain against from plain: ResNet-18's 7x7 stride 2 92 vs 146, MobileNetV2's
   * 3x3 stride 2 28-31 vs 61-69, ShuffleNetV2's 34 vs 43-47; AlexNet's 11x11 stride 4 60-94 vs 97.
   */
  static boolean fromPlainPays(Conv conv, int block) {
    return DIRECT_ENABLED && fromPlainApplies(conv) && conv.inChannels < block;
  }

  /**
   * Where a direct convolution whose input tensor is plain reads it so rather than converted to blocked: it pays
   * blocked alone ({@link #blockedPaysAlone}), and its input's conversion is a share worth saving (at most
   * {@link #READ_PLAIN_MAX_MACS_PER_FLOAT} multiply-adds per input float). A broadcast reads one float either way.
   * Zen 5, one layer alone, best of a loop, GFLOPS read plain / converted: 1x1 stride 2 256->512 at 14x14 158-168 /
   * 134-144 (128 multiply-adds per input float), 3x3 stride 2 128->256 at 28x28 170-173 / 154-161 (576), 3x3 64 at
   * 56x56 168-182 / 164-177 (576); but 3x3 512 at 7x7 151-156 / 159-163 (4608). In {@code scripts/bench conv}, three
   * alternating pairs of runs, ratio to ONNX Runtime: the 1x1 stride 2 layer 0.90-0.94 / 0.88-0.89, 64 at 56x56
   * 0.75-0.85 / 0.84-0.85.
   */
  static boolean readsPlainPays(Conv conv, int[] sample, Nchwc nchwc, boolean oneSample) {
    return fromPlainApplies(conv) && !isPointwise(conv) && !blockedWinogradPays(conv, sample, nchwc.block(),
        oneSample) && blockedPaysAlone(conv, sample, nchwc, oneSample)
        && conv.macs(sample) <= (long) READ_PLAIN_MAX_MACS_PER_FLOAT * Shapes.size(sample);
  }

  /**
   * Whether {@code conv} has a blocked kernel with block {@code block} on per-sample input {@code sample}: 2-D
   * (or 3-D, not depthwise), zero padding, and depthwise (groups == inC == outC, any kernel), or groups 1
   * (pointwise for 1x1 stride 1, else direct, any kernel, stride and dilation), or grouped with whole blocks of
   * input and output channels per group (direct, each group on its own blocks).
   */
  static boolean blockedApplies(Conv conv, int[] sample, int block) {
    if (conv.rank < 2 || conv.rank == 3 && isDepthwise(conv)
        || conv.paddingMode != PaddingMode.ZEROS && !allZero(conv.padBegin, conv.padEnd)) {
      return false;
    }
    return isDepthwise(conv) || conv.groups == 1
        || conv.inChannels / conv.groups % block == 0 && conv.outChannels / conv.groups % block == 0;
  }

  static boolean isDepthwise(Conv conv) {
    return conv.groups == conv.inChannels && conv.outChannels == conv.groups && conv.groups > 1;
  }

  /** 1x1 stride 1 unpadded, groups 1: the blocked pointwise kernel. */
  static boolean isPointwise(Conv conv) {
    return conv.groups == 1 && allOne(conv.kernel) && allOne(conv.stride) && allZero(conv.padBegin, conv.padEnd);
  }

  /**
   * Where the network's plan runs {@code conv} blocked: a blocked kernel that measured faster than the plain path.
   * Measured on Zen 5 (AVX-512, B = 16), one sample, warm, blocked against plain, GFLOPS:
   * <ul>
   *   <li>3x3 depthwise (other depthwise kernels go through the per-position border path, not measured):
   *       MobileNetV2's 32x112x112 s1 28 vs 25-32, 96x112x112 s2 22 vs 9.5, 144x56x56 37 vs 29, 144x56x56 s2 20 vs
   *       7, 192x28x28 39 vs 24, 576x14x14 30 vs 12.5, 960x7x7 23 vs 7.6. Always.
   *   <li>Pointwise: 16->96 at 112x112 126 vs 105, 144->24 at 56x56 137 vs 109, 64->384 at 28x28 176 vs 172,
   *       960->160 at 7x7 176 vs 121, 320->1280 at 7x7 170 vs 137. Always.
   *   <li>Direct (every other convolution), against im2col + GEMM: ResNet-18's 3x3 stride 2 64->128 at 56x56 156-160
   *       vs 107-114, 128->256 at 28x28 152-158 vs 117-133, 256->512 at 14x14 149-156 vs 102-112; 1x1 stride 2
   *       134-156 vs 107-122; AlexNet's 5x5 64->192 at 27x27 160-165 vs 130-143, two groups 96->256 165-170 vs
   *       108-113, 3x3 two groups at 13x13 160-163 vs 67-118. But 3 input channels (ResNet's 7x7 stride-2 stem
   *       23-28 vs 86-99, AlexNet's 11x11 29-30 vs 78-86): the pad channels are work, so at least B input channels
   *       per group (fewer read their plain input, {@link #fromPlainPays}).
   *   <li>Direct against Winograd (3x3 stride 1), batch 1 and 8: 64 channels at 56x56 158-164 and 139 vs 140-153
   *       and 134, VGG's 3->64 at 224x224 27-28 vs 17-18; but 64->128 at 112x112 150-154 vs 157-162, 128 at 28x28
   *       157 vs 211, 256 at 14x14 150 vs 214-249, 256-512 channels 124-155 vs 203-300, 192-384 at 13x13 117-159
   *       vs 146-215; 512 at 7x7 141 vs 107-122 at batch 1 but 139 vs 203 at 8 (with the 12-accumulator tile).
   *       With the 6 x 64 tile ({@link dev.sparkconv.kernel.Nchwc#direct}), batch 1, direct against Winograd: 64
   *       at 56x56 169 vs 138, 128 at 28x28 178 vs 193, 256 at 14x14 150 vs 204, 512 at 7x7 139 vs 109 (16
   *       tiles: Winograd's GEMMs 16 columns wide). So Winograd's shapes stay Winograd's above
   *       {@link #DIRECT_MAX_WINOGRAD_CHANNELS} input channels, but for a batch of one sample on its narrowest
   *       ({@link #WINOGRAD_NARROW_TILES}). Those figures are the plain Winograd's: the blocked one comes first,
   *       F(2x2, 3x3) on 7x7 maps at batch 1 too ({@link #blockedWinogradTile}).
   * </ul>
   * 64->128 at 112x112 ran the same with output-row chunks ({@link #BLOCKED_DIRECT_CHUNK_FLOATS}) and without.
   * <p>With 8-float blocks (AVX2: five-position pair tiles, {@link Nchwc#directCompetes} false) the direct kernel
   * lost to the plain path but on 1x1 strided layers. Zen 3, one layer alone, same JVM, GFLOPS blocked / plain: 3x3
   * 64c56 33 / 56 (Winograd), 512c7 41 / 90, AlexNet's 5x5 two groups 31 / 55, 3x3x3 conv3d 35 / 42; 1x1 stride 2
   * 64->128 at 56x56 51 / 29, 256->512 at 14x14 38 / 30. So there only those (and first layers,
   * {@link #fromPlainPays}: ResNet-18's stem 33 / 22).
   */
  static boolean blockedPays(Conv conv, int[] sample, Nchwc nchwc, boolean oneSample) {
    int block = nchwc.block();
    if (!blockedApplies(conv, sample, block)) {
      return false;
    }
    if (isDepthwise(conv)) {
      return conv.kernel[1] == 3 && conv.kernel[2] == 3;
    }
    if (isPointwise(conv) || blockedWinogradPays(conv, sample, block, oneSample)) {
      return true;
    }
    boolean competes = nchwc.directCompetes() || allOne(conv.kernel) && allZero(conv.padBegin, conv.padEnd);
    return DIRECT_ENABLED && (DIRECT_ALL || competes && !winogradWins(conv, sample, oneSample))
        && conv.inChannels / conv.groups >= block;
  }

  /**
   * A Winograd shape where Winograd beats the direct kernel: more than {@link #DIRECT_MAX_WINOGRAD_CHANNELS} input
   * channels, and for a batch of one sample not narrow ({@link #WINOGRAD_NARROW_TILES}).
   */
  private static boolean winogradWins(Conv conv, int[] sample, boolean oneSample) {
    return winogradShape(conv) && conv.groups == 1 && conv.kernel[1] == 3
        && conv.inChannels > DIRECT_MAX_WINOGRAD_CHANNELS
        && !(oneSample && narrowForWinograd(conv, sample));
  }

  /**
   * F(4x4, 3x3) where a sample has {@link #WINOGRAD_MIN_TILES} 4x4 output tiles (over all its frames; 14x14 maps
   * and up), else F(2x2, 3x3). Zen 3, one layer alone, same JVM, F(4x4) over F(2x2) speed: 64 channels at 56x56
   * 1.19, 112x112 1.22, 224x224 1.33; 128 at 28x28 1.24; 256 at 14x14 1.21 (1.22 at batch 8); 512 at 7x7 at
   * batch 8 1.53, but at batch 1 (4 tiles) im2col runs instead, 0.65. Its weights are 36 matrices, not 16.
   */
  private static int winogradTile(int[] outDims) {
    return WINOGRAD_6X6_TILES && winogradTiles(outDims, 4) >= WINOGRAD_MIN_TILES ? 4 : 2;
  }

  /** m x m output tiles of a sample, over all its frames. */
  private static int winogradTiles(int[] outDims, int m) {
    return outDims[0] * Winograd.tiles(outDims[1], m) * Winograd.tiles(outDims[2], m);
  }

  /** Fewer 2x2 output tiles per sample (over all its frames) than {@link #WINOGRAD_NARROW_TILES}. */
  private static boolean narrowForWinograd(Conv conv, int[] sample) {
    int[] out = conv.normalised(conv.outputShape(sample));
    return out[0] * Winograd.tiles(out[1], 2) * Winograd.tiles(out[2], 2) < WINOGRAD_NARROW_TILES;
  }

  /**
   * A convolution the plain plan runs with Winograd (from some batch on): 3x3 or 5x5 in H and W with stride 1 and
   * no dilation there; 2-D, or 3-D with any kernel, stride and dilation along T; ungrouped, or at least
   * {@link #WINOGRAD_MIN_GROUP_CHANNELS} input channels per group (each group its own GEMMs).
   */
  private static boolean winogradShape(Conv conv) {
    boolean grouping = conv.groups == 1 || conv.inChannels / conv.groups >= WINOGRAD_MIN_GROUP_CHANNELS;
    boolean taps = conv.kernel[1] == conv.kernel[2]
        && (conv.kernel[1] == 3 || conv.kernel[1] == 5 && WINOGRAD_6X6_TILES);
    return WINOGRAD_ENABLED && conv.rank >= 2 && grouping && taps && conv.stride[1] == 1 && conv.stride[2] == 1
        && conv.dilation[1] == 1 && conv.dilation[2] == 1;
  }

  /**
   * Whether {@code conv}, blocked where {@link #blockedPays}, is faster blocked even alone, its input converted to
   * blocked and its output back to plain. Measured on Zen 5 (B = 16), one sample, warm, plain time over blocked time
   * with both conversions: 3x3 depthwise 960x7x7 2.3, 464x7x7 2.4, 576x14x14 s2 2.9, 576x14x14 1.4, 232x14x14 1.5,
   * 192x28x28 s2 1.6 (output rows up to 14 wide); 144x56x56 s2 1.03, 192x28x28 0.72, 116x28x28 0.66, 144x56x56
   * 0.49, 32x112x112 0.44 (rows 28 and wider). Pointwise at 7x7 960->160 1.21, 320->1280 1.10, 464->464 1.13;
   * 232->232 at 14x14 0.85, 28x28 0.66-1.00, larger maps 0.53-0.68. Direct, off Winograd's shapes (those stay
   * plain alone: 64 channels at 56x56 1.00): 3x3 stride 2 1.10-1.30, 5x5 at 27x27 1.13 (two groups 1.54), 3x3 two
   * groups at 13x13 1.35-1.57 (hundreds of multiply-adds per converted float); 1x1 stride 2 at 14x14 1.06 (86),
   * 28x28 0.89 (43), 56x56 0.70 (21). Where the direct kernel does not compete ({@link Nchwc#directCompetes}:
   * AVX2) a direct layer alone stays plain: Zen 3, same JVM, plain over blocked alone, 1x1 stride 2 256->512 at
   * 14x14 1.27, 512->1024 at 7x7 1.45.
   */
  static boolean blockedPaysAlone(Conv conv, int[] sample, Nchwc nchwc, boolean oneSample) {
    if (!blockedPays(conv, sample, nchwc, oneSample)) {
      return false;
    }
    if (blockedWinogradPays(conv, sample, nchwc.block(), oneSample)) {
      return true;
    }
    if (!isPointwise(conv) && !isDepthwise(conv)) {
      long converted = Shapes.size(sample) + Shapes.size(conv.outputShape(sample));
      return nchwc.directCompetes() && !winogradWins(conv, sample, oneSample)
          && conv.macs(sample) >= BLOCKED_ALONE_MIN_DIRECT_MACS_PER_FLOAT * converted;
    }
    return conv.groups == 1 ? Shapes.size(sample) / sample[0] <= BLOCKED_ALONE_MAX_POINTWISE_POSITIONS
        : conv.outputShape(sample)[2] <= BLOCKED_ALONE_MAX_DEPTHWISE_ROW;
  }

  /** The algorithm a batch of {@code batch} samples runs. */
  Algorithm algorithm(int batch) {
    return batch >= winogradFromBatch ? Algorithm.WINOGRAD : algorithm;
  }

  /**
   * The batch (N, sample) from the start of {@code in} to the start of {@code out}; shapes were checked when the
   * plan was made (a network's plan) or by the caller. {@code ctx}'s GEMM must have the layout the plan packed for.
   */
  void run(float[] in, float[] out, int batch, ExecutionContext ctx) {
    if (nchwc != null) {
      runBlocked(in, out, batch, ctx);
      return;
    }
    Algorithm how = algorithm(batch);
    if (how == Algorithm.WINOGRAD) {
      Winograd.run(this, in, out, batch, ctx);
      return;
    }
    int inChannels = conv.inChannels;
    int inSize = inChannels * dims[0] * dims[1] * dims[2];
    int outSize = conv.outChannels * outDims[0] * outDims[1] * outDims[2];
    float[] paddedInput = padded ? ctx.scratch(ScratchSlots.CONV_PADDED, inChannels * Shapes.size(srcDims)) : null;
    float[] cols = how == Algorithm.IM2COL ? ctx.scratch(ScratchSlots.CONV_COLUMNS, columnsSize) : null;
    float[] phases = how == Algorithm.DEPTHWISE ? ctx.scratch(ScratchSlots.DEPTHWISE_PHASES, phasesSize) : null;
    float[] rows = how == Algorithm.DEPTHWISE ? ctx.scratch(ScratchSlots.DEPTHWISE_ROWS, rowsSize) : null;
    for (int n = 0; n < batch; n++) {
      float[] src = in;
      int srcOff = n * inSize;
      if (padded) {
        conv.paddingMode.pad(in, srcOff, inChannels, dims, conv.padBegin, conv.padEnd, paddedInput);
        src = paddedInput;
        srcOff = 0;
      }
      if (how == Algorithm.DEPTHWISE) {
        ConvKernels.depthwise(this, src, srcOff, out, n * outSize, phases, rows);
      } else {
        gemmSample(src, srcOff, how == Algorithm.POINTWISE, cols, out, n * outSize, ctx.gemm());
      }
    }
  }

  /** The batch in blocked layout, sample by sample. */
  private void runBlocked(float[] in, float[] out, int batch, ExecutionContext ctx) {
    int b = nchwc.block();
    int inPositions = dims[0] * dims[1] * dims[2];
    int inSize = plainInput ? conv.inChannels * inPositions : nchwc.blockedSize(conv.inChannels, inPositions);
    int positions = outDims[0] * outDims[1] * outDims[2];
    int outSize = nchwc.blockedSize(conv.outChannels, positions);
    int[] p = blockedPadding;
    int inBlocks = plainInput ? conv.inChannels : Nchwc.blocks(conv.inChannels, b);
    int inBlock = plainInput ? 1 : b;
    int paddedSize = inBlocks * inBlock * (window == null ? 0 : window.inPositions());
    int together = blockedWinograd != null ? blockedWinogradSamples : 1; // samples padded and run together
    float[] padded = p == null ? null : ctx.scratch(ScratchSlots.CONV_PADDED, together * paddedSize);
    for (int n = 0; n < batch; n += together) {
      float[] src = in;
      int srcOff = n * inSize;
      int samples = Math.min(together, batch - n);
      for (int i = 0; p != null && i < samples; i++) {
        Nchwc.pad(in, srcOff + i * inSize, inBlocks, inBlock, dims[0], dims[1], dims[2], p[0], p[1], p[2], p[3],
            p[4], p[5], padded, i * paddedSize);
      }
      if (p != null) {
        src = padded;
        srcOff = 0;
      }
      if (blockedWinograd != null) {
        Winograd.runBlocked(this, src, srcOff, samples, out, n * outSize, ctx);
      } else if (window == null) {
        nchwc.pointwise(src, srcOff, inBlocks, positions, blocked.weights(), blocked.bias(),
            Nchwc.blocks(conv.outChannels, b), lo, hi, chunk, out, n * outSize);
      } else if (algorithm == Algorithm.DEPTHWISE) {
        nchwc.depthwise(src, srcOff, window, blocked.weights(), blocked.bias(), lo, hi, out, n * outSize,
            ctx.scratch(ScratchSlots.BLOCKED_DEPTHWISE_ROWS, Nchwc.depthwiseRowsSize(window, b)));
      } else {
        int outBlocks = Nchwc.blocks(conv.outChannels / conv.groups, b);
        int groupWeights = blocked.weights().length / conv.groups;
        for (int g = 0; g < conv.groups; g++) {
          nchwc.direct(src, srcOff + g * window.blocks() * inBlock * window.inPositions(), window, outBlocks,
              blocked.weights(), g * groupWeights, blocked.bias(), g * outBlocks * b, lo, hi, chunk, out,
              n * outSize + g * outBlocks * positions * b);
        }
      }
    }
  }

  /** One sample through im2col (or straight from the input when pointwise) and one GEMM per group. */
  private void gemmSample(float[] src, int srcOff, boolean pointwise, float[] cols, float[] out, int outOff,
      Gemm gemm) {
    int outPlane = outDims[0] * outDims[1] * outDims[2];
    int groups = conv.groups;
    int inPerGroup = conv.inChannels / groups;
    int outPerGroup = conv.outChannels / groups;
    for (int g = 0; g < groups; g++) {
      int groupIn = srcOff + g * inPerGroup * srcDims[0] * srcDims[1] * srcDims[2];
      int groupOut = outOff + g * outPerGroup * outPlane;
      if (pointwise) {
        gemm.sgemm(packed[g], false, outPlane, 1f, src, groupIn, outPlane, 0f, epilogues[g], out, groupOut,
            outPlane);
        continue;
      }
      int outRows = outDims[0] * outDims[1];
      for (int r = 0; r < outRows; r += slabRows) {
        int rEnd = Math.min(outRows, r + slabRows);
        int n = (rEnd - r) * outDims[2];
        ConvKernels.im2col(src, groupIn, inPerGroup, srcDims, outDims, conv.kernel, conv.stride, conv.dilation, pad,
            r, rEnd, cols);
        gemm.sgemm(packed[g], false, n, 1f, cols, 0, n, 0f, epilogues[g], out, groupOut + r * outDims[2],
            outPlane);
      }
    }
  }

  static boolean allOne(int[] v) {
    return v[0] == 1 && v[1] == 1 && v[2] == 1;
  }

  static boolean allZero(int[] a, int[] b) {
    return a[0] == 0 && a[1] == 0 && a[2] == 0 && b[0] == 0 && b[1] == 0 && b[2] == 0;
  }

  @Override
  public String toString() {
    if (nchwc != null) {
      int m = blockedWinograd == null ? 0 : blockedWinograd.tile();
      Object path = plainInput ? "DIRECT from plain" : blockedWinograd != null ? Algorithm.WINOGRAD + " " + m + "x" + m
          : window != null && algorithm != Algorithm.DEPTHWISE ? "DIRECT" : algorithm;
      return conv.name() + ": " + path + ", blocked";
    }
    String winograd = Algorithm.WINOGRAD + " " + winogradTile + "x" + winogradTile;
    return conv.name() + ": " + (winogradFromBatch <= 1 ? winograd : algorithm
        + (winogradFromBatch == Integer.MAX_VALUE ? "" : ", " + winograd + " from batch " + winogradFromBatch));
  }
}
