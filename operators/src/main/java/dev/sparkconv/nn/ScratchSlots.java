package dev.sparkconv.nn;

/**
 * Who owns which {@link ExecutionContext#scratch} slot, in one place, so that an operator never
 * overwrites a buffer its caller still reads. Slots are per task; any number of layers reuse them
 * one after another.
 */
final class ScratchSlots {
  private ScratchSlots() {}

  /**
   * Network: activation buffer b of the network's buffer plan is slot NETWORK_BUFFERS + b, for b from
   * 0 to the plan's buffer count (2 for a chain, a few for most graphs; the count is unbounded, so
   * the range is open-ended). Operators use slots below NETWORK_BUFFERS only.
   */
  static final int NETWORK_BUFFERS = 64;
  /** Conv: the im2col matrix of one sample and group. */
  static final int CONV_COLUMNS = 3;
  /**
   * Conv: one sample padded by a non-zero padding mode (reflect, replicate, circular), or zero-padded in blocked
   * layout for the blocked direct kernel.
   */
  static final int CONV_PADDED = 4;
  /** Separable and flattened convolution blocks: the activations between their stages. */
  static final int BLOCK_FIRST = 5;
  static final int BLOCK_SECOND = 6;
  /** ConvTranspose: the W^T X column matrix of one sample and group, before col2im. */
  static final int CONV_TRANSPOSE_COLUMNS = 8;
  /** ConvTranspose: one output channel split into its stride phases; one group's input at the phases' row pitch. */
  static final int CONV_TRANSPOSE_PHASES = 23;
  static final int CONV_TRANSPOSE_INPUT = 27;
  /** DeformConv2d: the offset conv's output (offsets, then mask) of one sample. */
  static final int DEFORM_OFFSETS = 9;
  /** DeformConv2d: the regular, then the bilinearly sampled column matrix of one sample. */
  static final int DEFORM_COLUMNS = 10;
  /** LocallyConnected2d, TiledConv2d: the columns of the positions that share one weight tile. */
  static final int UNSHARED_COLUMNS = 11;
  /** LocallyConnected2d, TiledConv2d: the GEMM result for those positions, before it is scattered. */
  static final int UNSHARED_RESULT = 12;
  /** Conv, depthwise: one input channel split into zero-padded stride phases, then one output plane at its row pitch. */
  static final int DEPTHWISE_PHASES = 13;
  static final int DEPTHWISE_ROWS = 14;
  /** MaxPool: the max over one output row's window rows, between -infinity padding. */
  static final int POOL_ROW_MAX = 15;
  /** MaxPool: the max over each window's columns at stride 1, before every stride-th is kept. */
  static final int POOL_WINDOW_MAX = 19;
  /** Conv, Winograd: the transformed input tiles (16 or 36 x inC x tiles), the GEMM products (16 or 36 x outC x
   * tiles), and one zero-padded input channel. */
  static final int WINOGRAD_INPUT = 16;
  static final int WINOGRAD_PRODUCTS = 17;
  static final int WINOGRAD_PLANE = 18;
  /** Conv, Winograd on 6x6 tiles: B^T applied down one strip of six plane rows, and one tile's A^T M. */
  static final int WINOGRAD_ROWS = 25;
  /** Triangle: the channel mean of every position of one sample; PatchNorm2d: one patch. */
  static final int CHANNEL_MEAN = 20;
  static final int PATCH = 21;
  /** Linear, a few rows: the transposed product W X^T (out features x rows) before it is transposed into place. */
  static final int LINEAR_TRANSPOSED = 22;
  /** Conv, blocked depthwise: a few zero-margined input rows ({@link dev.sparkconv.kernel.Nchwc#depthwise}). */
  static final int BLOCKED_DEPTHWISE_ROWS = 24;
  /**
   * Executor: the input samples of one chunk of the batch ({@link ExecutionPlan#chunking(int, long)}); the tensors
   * the chunks leave for later nodes are gathered in slots after the network's buffers.
   */
  static final int CHUNK_INPUT = 26;
}
