package dev.sparkconv.nn;

import dev.sparkconv.kernel.BlockSizes;
import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.kernel.Kernels;
import dev.sparkconv.kernel.Nchwc;
import dev.sparkconv.kernel.ScalarNchwc;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;

/**
 * How a {@link Network} runs one per-sample input shape to one set of requested nodes, made once and cached by the
 * network ({@link Network#plan}); the {@link Executor} only follows it.
 *
 * <ul>
 *   <li>Which nodes run: those the requested ones depend on.
 *   <li>Fusion: a ReLU or clip that alone reads a convolution (not itself requested) is done by the convolution as
 *       it writes its output; the activation's tensor is the convolution's. So is a residual Add of two tensors of
 *       one shape that alone reads a convolution, where its other input is ready before the convolution runs and in
 *       the same layout (ONNX Runtime's Conv with Sum): the convolution adds it in place, then the clamp of a ReLU or
 *       clip that alone reads the Add, in one pass over its output while it is still in the cache.
 *   <li>Views: a reshape, flatten or dropout ({@link Layer#isView}) of a plain tensor is that tensor under its own
 *       shape, in the same buffer, which then lives until the view's last consumer: nothing is copied.
 *   <li>Buffers from tensor lifetimes: walking the topological order, each node's output takes the lowest-numbered
 *       activation buffer whose tensor has no consumer left to run, so a node never writes into a buffer it reads,
 *       a chain needs two buffers and a residual block three. Buffer b is scratch slot
 *       {@link ScratchSlots#NETWORK_BUFFERS} + b of the task's {@link ExecutionContext}, sized per run to its
 *       largest tensor times the batch.
 *   <li>Per convolution its {@link ConvPlan}: algorithm, packed weights, scratch and epilogue.
 *   <li>Layout (when given {@link Nchwc} kernels): which tensors are channel-blocked. A convolution with a blocked
 *       kernel that pays ({@link ConvPlan#blockedPays}) reads and writes NCHWc, a first layer of fewer channels than a
 *       block (an image's 3) reads its plain input and writes NCHWc ({@link ConvPlan#fromPlainPays}), and so does a
 *       direct convolution whose input is plain where that saves a conversion worth saving
 *       ({@link ConvPlan#readsPlainPays}); a two-input Add
 *       of equal shapes whose inputs are both blocked, a ReLU or clip and a 2-D max pool of a blocked input, stay
 *       blocked; a global average pool, and a channel concat of blocked inputs (each converted straight into its
 *       channels of the output), read blocked and write plain. A blocked convolution whose input is plain and whose
 *       tensor nobody reads blocked goes back to plain (it would add two conversions) unless it pays even so
 *       ({@link ConvPlan#blockedPaysAlone}: small maps). Where a node reads a tensor in the other layout, the plan
 *       converts it first into a conversion buffer (after the activation buffers, one per input position); a blocked
 *       target is converted to plain into its own buffer at the end. Blocked tensors take {@link Nchwc#blockedSize}
 *       floats: their buffers are sized for the padded channels.
 *   <li>Chunks of a batch ({@link #chunking(int, long)}): where a batch's tensors outgrow the cache, the network runs
 *       a few samples at a time, so that each node reads its inputs from the cache its producer left them in, up to
 *       the layers that read their weights once per batch (small maps, fully connected), which run on the whole
 *       batch.
 * </ul>
 *
 * Immutable, so one plan serves every task of a JVM (a broadcast network is shared by the tasks of an executor).
 */
final class ExecutionPlan {
  /** The blocked kernels' elementwise add (layout-free), for tensors of either layout; scalar without vectors. */
  private static final Nchwc ELEMENTWISE = Kernels.nchwc() != null ? Kernels.nchwc() : new ScalarNchwc(1);

  /** Plans a network keeps (input shapes times output sets); past it the cache starts over. */
  static final int CACHE_LIMIT = 16;

  final Network network;
  /**
   * Planned for batches of one sample: there Winograd's narrowest layers (7x7 maps, 16 tiles) lose to the direct
   * kernel ({@link ConvPlan#blockedPays}), and only there.
   */
  final boolean oneSample;
  /** The requested node indices, {@link Network#FROM_INPUT} for the input itself. */
  final int[] targets;
  /** Per node: its output shape per sample, null where the node does not run. */
  final int[][] shapes;
  /** Per node: its activation buffer, -1 where it does not run. */
  final int[] slot;
  /** Per node: the convolution a fused Add or activation node belongs to, else -1. */
  final int[] fusedFrom;
  /** Per node: for a convolution with a fused residual Add, the Add's other input, else -1. */
  final int[] residualOf;
  /** Per node: for such a convolution, {lo, hi} it clamps to after adding the residual, else null. */
  final float[][] residualClamp;
  /** Per node: the node whose tensor a view node ({@link Layer#isView}) shows under its shape, else -1. */
  final int[] viewOf;
  /** Per node: the plan of a convolution node (its fused clamp included, unless after a residual), else null. */
  final ConvPlan[] convPlans;
  /** Per buffer: floats per sample of the largest tensor it holds. */
  final long[] bufferFloats;
  /** The blocked kernels, null when every tensor is plain. */
  final Nchwc nchwc;
  /** Per node: its output is in blocked layout. */
  final boolean[] blocked;
  /** Per node: it reads its inputs in blocked layout. */
  final boolean[] readsBlocked;
  /** Per node: a convolution reading its plain input and writing blocked ({@link ConvPlan#blockedFromPlain}). */
  final boolean[] fromPlain;
  /** Per node other than a convolution that runs on blocked inputs: what it does; else null. */
  final BlockedOp[] blockedOps;
  /** Per node: for each input, the buffer it is converted into first (to the node's layout), or -1; null: none. */
  final int[][] convertInto;
  /** Per target: the buffer its blocked tensor is converted into (plain) at the end, or -1. */
  final int[] targetInto;
  /** Per node: floats per sample of its tensor ({@link Nchwc#blockedSize} when blocked), 0 where it does not run. */
  final long[] sampleFloats;
  /** Per node that computes (not fused, not a view): floats per sample it reads and writes, else 0. */
  private final long[] workingFloats;

  /** A node run on blocked tensors by {@link #runBlocked}. */
  enum BlockedOp { ADD, CLAMP, CONCAT, GLOBAL_AVERAGE, MAX_POOL }

  private ExecutionPlan(Network network, int[] sample, int[] targets, boolean oneSample, Gemm gemm, Nchwc nchwc) {
    this.network = network;
    this.oneSample = oneSample;
    this.targets = targets.clone();
    boolean[] needed = needed(network, targets);
    this.shapes = network.inferShapes(sample, needed);
    int nodes = network.nodeCount();
    this.nchwc = nchwc;
    this.blocked = new boolean[nodes];
    this.readsBlocked = new boolean[nodes];
    this.fromPlain = new boolean[nodes];
    this.blockedOps = new BlockedOp[nodes];
    if (nchwc != null) { // layouts as if no Add were fused: fusing one whose inputs agree changes none
      chooseLayouts(sample, needed, fusion(network, targets, shapes, null));
    }
    int[][] chains = fusion(network, targets, shapes, blocked);
    for (int[] chain : chains) {
      for (int f : chain) { // in its convolution's layout, as it was
        readsBlocked[f] = blocked[f];
        blockedOps[f] = null;
      }
    }
    this.fusedFrom = inverse(chains);
    this.residualOf = new int[nodes];
    this.residualClamp = new float[nodes][];
    for (int v = 0; v < nodes; v++) {
      residualOf[v] = residual(network, chains, v);
    }
    this.viewOf = views(network, needed, blocked);
    this.slot = slots(network, targets, needed, fusedFrom, viewOf);
    this.convPlans = new ConvPlan[nodes];
    int activationBuffers = bufferCount(slot);
    int conversions = 0;
    this.convertInto = new int[nodes][];
    for (int v = 0; v < nodes; v++) {
      if (slot[v] < 0 || fusedFrom[v] >= 0 || viewOf[v] >= 0) {
        continue;
      }
      int[] from = network.inputsOf(v);
      for (int i = 0; i < from.length; i++) {
        if (readsBlocked[v] != (from[i] != Network.FROM_INPUT && blocked[from[i]])) {
          if (convertInto[v] == null) {
            convertInto[v] = new int[from.length];
            Arrays.fill(convertInto[v], -1);
          }
          convertInto[v][i] = activationBuffers + i;
          conversions = Math.max(conversions, i + 1);
        }
      }
    }
    this.targetInto = new int[targets.length];
    int buffers = activationBuffers + conversions;
    for (int t = 0; t < targets.length; t++) {
      targetInto[t] = targets[t] != Network.FROM_INPUT && blocked[targets[t]] ? buffers++ : -1;
    }
    this.bufferFloats = new long[buffers];
    this.sampleFloats = new long[nodes];
    this.workingFloats = new long[nodes];
    for (int v = 0; v < nodes; v++) {
      if (slot[v] < 0) {
        continue;
      }
      sampleFloats[v] = floats(shapes[v], blocked[v]);
      if (viewOf[v] >= 0) {
        continue;
      }
      bufferFloats[slot[v]] = Math.max(bufferFloats[slot[v]], sampleFloats[v]);
      int[][] in = network.inputShapes(v, shapes, sample);
      for (int i = 0; i < in.length; i++) {
        long read = floats(in[i], readsBlocked[v]);
        if (convertInto[v] != null && convertInto[v][i] >= 0) {
          bufferFloats[convertInto[v][i]] = Math.max(bufferFloats[convertInto[v][i]], read);
        }
        workingFloats[v] += fusedFrom[v] < 0 ? read : 0;
      }
      workingFloats[v] += fusedFrom[v] < 0 ? sampleFloats[v] * (residualOf[v] >= 0 ? 2 : 1) : 0;
      if (fusedFrom[v] < 0 && network.node(v).layer() instanceof Conv conv) {
        float[] none = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] fused = chains[v].length > 0 ? clampOf(network.node(chains[v][chains[v].length - 1])) : null;
        float[] clamp = fused != null ? fused : none;
        if (residualOf[v] >= 0) { // the convolution unclamped; the clamp after the residual
          residualClamp[v] = clamp;
          clamp = none;
        }
        convPlans[v] = fromPlain[v] ? ConvPlan.blockedFromPlain(conv, in[0], clamp[0], clamp[1], gemm, nchwc)
            : blocked[v] ? ConvPlan.blocked(conv, in[0], clamp[0], clamp[1], gemm, nchwc, oneSample)
            : conv.plan(in[0], clamp[0], clamp[1], gemm);
      }
    }
    for (int t = 0; t < targets.length; t++) {
      if (targetInto[t] >= 0) {
        bufferFloats[targetInto[t]] = Shapes.size(shapes[targets[t]]);
      }
    }
  }

  /** The plan for per-sample input {@code sample} and the requested nodes, convolutions planned for {@code gemm}. */
  static ExecutionPlan of(Network network, int[] sample, int[] targets, boolean oneSample, Gemm gemm) {
    Nchwc nchwc = Kernels.nchwc();
    return of(network, sample, targets, oneSample, gemm, ConvPlan.blocks(nchwc) ? nchwc : null);
  }

  /** The same with the blocked layout planned for {@code nchwc}, or never when it is null. */
  static ExecutionPlan of(Network network, int[] sample, int[] targets, Gemm gemm, Nchwc nchwc) {
    return of(network, sample, targets, false, gemm, nchwc);
  }

  static ExecutionPlan of(Network network, int[] sample, int[] targets, boolean oneSample, Gemm gemm, Nchwc nchwc) {
    return new ExecutionPlan(network, sample, targets, oneSample, gemm,
        nchwc == null || nchwc.block() < 2 ? null : nchwc);
  }

  /** Floats per sample of a tensor of per-sample shape {@code shape} in plain or blocked layout. */
  private long floats(int[] shape, boolean inBlocked) {
    int size = Shapes.size(shape);
    return inBlocked ? nchwc.blockedSize(shape[0], size / shape[0]) : size;
  }

  /** Fills {@link #blocked}, {@link #readsBlocked} and {@link #blockedOps}; see the class comment. */
  private void chooseLayouts(int[] sample, boolean[] needed, int[][] chains) {
    int nodes = network.nodeCount();
    int[] fusedFrom = inverse(chains);
    for (int v : network.order()) {
      if (!needed[v]) {
        continue;
      }
      if (fusedFrom[v] >= 0) {
        blocked[v] = blocked[fusedFrom[v]];
        continue;
      }
      int[] from = network.inputsOf(v);
      boolean allBlocked = true;
      for (int u : from) {
        allBlocked &= u != Network.FROM_INPUT && blocked[u];
      }
      Node node = network.node(v);
      int[][] in = network.inputShapes(v, shapes, sample);
      boolean plainInput = from.length == 1 && (from[0] == Network.FROM_INPUT || !blocked[from[0]]);
      if (node.layer() instanceof Conv conv && plainInput && ConvPlan.readsPlainPays(conv, in[0], nchwc, oneSample)) {
        fromPlain[v] = blocked[v] = true;
      } else if (node.layer() instanceof Conv conv && ConvPlan.blockedPays(conv, in[0], nchwc, oneSample)) {
        readsBlocked[v] = blocked[v] = true;
      } else if (node.layer() instanceof Conv conv && ConvPlan.fromPlainPays(conv, nchwc.block())) {
        fromPlain[v] = blocked[v] = true;
      } else if (allBlocked && node.join() instanceof Add && in.length == 2 && Arrays.equals(in[0], in[1])) {
        blockedOps[v] = BlockedOp.ADD;
        readsBlocked[v] = blocked[v] = true;
      } else if (allBlocked && clampOf(node) != null) {
        blockedOps[v] = BlockedOp.CLAMP;
        readsBlocked[v] = blocked[v] = true;
      } else if (allBlocked && node.layer() instanceof MaxPool pool && pool.k3[0] == 1 && in[0].length == 3) {
        blockedOps[v] = BlockedOp.MAX_POOL;
        readsBlocked[v] = blocked[v] = true;
      } else if (allBlocked && node.join() instanceof Concat concat
          && BaseJoin.resolveAxis(concat.axis(), in[0].length) == 0) {
        blockedOps[v] = BlockedOp.CONCAT; // each input converted straight into its channels of the plain output
        readsBlocked[v] = true;
      } else if (allBlocked && node.layer() instanceof GlobalAvgPool) {
        blockedOps[v] = BlockedOp.GLOBAL_AVERAGE;
        readsBlocked[v] = true;
      }
    }
    // A blocked convolution reading plain whose tensor nobody reads blocked adds two conversions: it stays blocked
    // only where that still pays (small maps, ConvPlan.blockedPaysAlone).
    boolean[] readBlocked = new boolean[nodes];
    for (int v = 0; v < nodes; v++) {
      for (int u : network.inputsOf(v)) {
        if (needed[v] && u != Network.FROM_INPUT && readsBlocked[v]) {
          readBlocked[u] = true;
        }
      }
    }
    for (int v = 0; v < nodes; v++) {
      int u = network.inputsOf(v)[0];
      int tensor = chains[v].length > 0 ? chains[v][chains[v].length - 1] : v;
      if (fusedFrom[v] < 0 && network.node(v).layer() instanceof Conv && blocked[v] && !fromPlain[v]
          && (u == Network.FROM_INPUT || !blocked[u]) && !readBlocked[tensor]
          && !ConvPlan.blockedPaysAlone((Conv) network.node(v).layer(), network.inputShapes(v, shapes, sample)[0],
          nchwc, oneSample)) {
        readsBlocked[v] = blocked[v] = false;
        for (int f : chains[v]) {
          readsBlocked[f] = blocked[f] = false;
        }
      }
    }
  }

  /** {@code value} (a batch of {@code n}) converted to the other layout into {@code buffer}, as a view. */
  Tensor convert(Tensor value, boolean toBlocked, float[] buffer) {
    int n = value.dim(0);
    int channels = value.dim(1);
    int positions = value.size() / n / channels;
    int plain = channels * positions;
    int padded = nchwc.blockedSize(channels, positions);
    for (int s = 0; s < n; s++) {
      if (toBlocked) {
        nchwc.toBlocked(value.data(), s * plain, channels, positions, buffer, s * padded);
      } else {
        nchwc.toPlain(value.data(), s * padded, channels, positions, buffer, s * plain);
      }
    }
    return Tensor.view(buffer, value.shape());
  }

  /** Node {@code v}'s {@link BlockedOp} on a batch of {@code n}: blocked inputs, output as {@link #blocked} says. */
  void runBlocked(int v, Tensor[] in, Tensor out, int n) {
    int[] shape = in[0].shape();
    int channels = shape[1];
    int positions = in[0].size() / n / channels;
    int padded = nchwc.blockedSize(channels, positions);
    switch (blockedOps[v]) {
      case ADD -> nchwc.add(in[0].data(), 0, in[1].data(), 0, out.data(), 0, n * padded, Float.NEGATIVE_INFINITY,
          Float.POSITIVE_INFINITY);
      case CLAMP -> {
        float[] clamp = clampOf(network.node(v));
        nchwc.clamp(in[0].data(), 0, out.data(), 0, n * padded, clamp[0], clamp[1]);
      }
      case CONCAT -> {
        int total = out.dim(1);
        for (int s = 0; s < n; s++) {
          for (int i = 0, c = 0; i < in.length; c += in[i].dim(1), i++) {
            int inChannels = in[i].dim(1);
            nchwc.toPlain(in[i].data(), s * nchwc.blockedSize(inChannels, positions), inChannels, positions,
                out.data(), (s * total + c) * positions);
          }
        }
      }
      case GLOBAL_AVERAGE -> {
        for (int s = 0; s < n; s++) {
          nchwc.globalAverage(in[0].data(), s * padded, channels, positions, out.data(), s * channels);
        }
      }
      case MAX_POOL -> {
        MaxPool pool = (MaxPool) network.node(v).layer();
        int[] o = out.shape();
        Nchwc.Window g = new Nchwc.Window(Nchwc.blocks(channels, nchwc.block()), shape[2], shape[3], o[2], o[3],
            pool.k3[1], pool.k3[2], pool.s3[1], pool.s3[2], pool.d3[1], pool.d3[2], pool.p3[1], pool.p3[2],
            nchwc.block());
        int outPadded = nchwc.blockedSize(channels, o[2] * o[3]);
        for (int s = 0; s < n; s++) {
          nchwc.maxPool(in[0].data(), s * padded, g, out.data(), s * outPadded);
        }
      }
    }
  }

  /** A fused residual Add: node v's output {@code out} (a batch of {@code n}) plus {@code residual}, clamped. */
  void addResidual(int v, Tensor residual, Tensor out, int n) {
    float[] clamp = residualClamp[v];
    ELEMENTWISE.add(out.data(), 0, residual.data(), 0, out.data(), 0, Math.toIntExact(n * sampleFloats[v]), clamp[0],
        clamp[1]);
  }

  int bufferCount() {
    return bufferFloats.length;
  }

  /** The first {@code nodes} in {@link Network#order} run {@code samples} at a time: {@link #chunking(int, long)}. */
  record Chunking(int nodes, int samples, int[] exits) {}

  /**
   * How a batch of {@code n} runs in chunks, or null when whole: where some node's inputs and output for the batch
   * pass {@code budgetBytes} ({@link BlockSizes#BATCH_CHUNK_BYTES}), as many samples as keep the largest node's
   * within it, through the network until a node whose algorithm needs more samples than a chunk (Winograd on small
   * maps batches its tiles) or whose weights outweigh a chunk's tensors (Winograd and fully connected layers read
   * theirs once per call): the tensors left for later nodes ({@code exits}) are then small, and the executor
   * gathers them into whole-batch buffers.
   */
  Chunking chunking(int n, long budgetBytes) {
    long budget = budgetBytes / Float.BYTES;
    long largest = Arrays.stream(workingFloats).max().orElse(0);
    int samples = (int) Math.max(1, budget / Math.max(1, largest));
    int[] order = network.order();
    int nodes = 0;
    long reached = 0;
    for (; nodes < order.length && chunkable(order[nodes], samples, n); nodes++) {
      reached = Math.max(reached, workingFloats[order[nodes]]);
    }
    return samples < n && n * reached > budget ? new Chunking(nodes, samples, chunkExits(nodes)) : null;
  }

  private boolean chunkable(int v, int samples, int n) {
    Layer layer = network.node(v).layer();
    ConvPlan conv = convPlans[v];
    return slot[v] < 0 || (conv == null || conv.algorithm(samples) == conv.algorithm(n))
        && (layer == null || layer.parameterCount() <= samples * workingFloats[v]);
  }

  /** The first {@code chunked} nodes' tensors read later: by a later node (input, view or fusion) or as a target. */
  private int[] chunkExits(int chunked) {
    int[] order = network.order();
    boolean[] early = new boolean[network.nodeCount()];
    for (int i = 0; i < chunked; i++) {
      early[order[i]] = true;
    }
    boolean[] exit = new boolean[early.length];
    for (int i = chunked; i < order.length; i++) {
      int v = order[i];
      if (slot[v] >= 0) {
        markEarly(network.inputsOf(v), early, exit);
        markEarly(new int[] {viewOf[v], fusedFrom[v]}, early, exit);
      }
    }
    markEarly(targets, early, exit);
    return java.util.stream.IntStream.range(0, exit.length).filter(u -> exit[u]).toArray();
  }

  private static void markEarly(int[] nodes, boolean[] early, boolean[] exit) {
    for (int u : nodes) {
      if (u >= 0 && early[u]) {
        exit[u] = true;
      }
    }
  }

  /** The activation buffers of the plan for {@code targets}, every tensor plain (the layout adds conversion buffers). */
  static int activationBuffers(Network network, int[] targets) {
    boolean[] needed = needed(network, targets);
    int[][] shapes = network.inferShapes(network.inputShape(), needed);
    int[] fusedFrom = inverse(fusion(network, targets, shapes, new boolean[network.nodeCount()]));
    int[] viewOf = views(network, needed, new boolean[network.nodeCount()]);
    return bufferCount(slots(network, targets, needed, fusedFrom, viewOf));
  }

  /** Per fused node, its convolution, else -1: the inverse of {@link #fusion}. */
  private static int[] inverse(int[][] chains) {
    int[] fusedFrom = new int[chains.length];
    Arrays.fill(fusedFrom, -1);
    for (int conv = 0; conv < chains.length; conv++) {
      for (int f : chains[conv]) {
        fusedFrom[f] = conv;
      }
    }
    return fusedFrom;
  }

  /** The other input of the residual Add fused into node v (first in its chain), else -1. */
  private static int residual(Network network, int[][] chains, int v) {
    if (chains[v].length == 0 || !(network.node(chains[v][0]).join() instanceof Add)) {
      return -1;
    }
    int[] in = network.inputsOf(chains[v][0]);
    return in[0] == v ? in[1] : in[0];
  }

  /** Per needed view node ({@link Layer#isView}) of another node's plain tensor: that node, else -1. */
  private static int[] views(Network network, boolean[] needed, boolean[] blocked) {
    int[] viewOf = new int[network.nodeCount()];
    Arrays.fill(viewOf, -1);
    for (int v = 0; v < viewOf.length; v++) {
      Layer layer = network.node(v).layer();
      int[] in = network.inputsOf(v);
      if (needed[v] && layer != null && layer.isView() && in.length == 1 && in[0] != Network.FROM_INPUT
          && !blocked[in[0]]) {
        viewOf[v] = in[0];
      }
    }
    return viewOf;
  }

  /**
   * The buffer of every node the targets depend on (-1 for the rest): greedy interval assignment over the
   * topological order. A tensor lives from its node to its last consumer (to the end for a target); a buffer is
   * free for node v once its tensor's last consumer ran before v. A fused activation and a view take the buffer of
   * the tensor they are, which then lives as long as they do.
   */
  private static int[] slots(Network network, int[] targets, boolean[] needed, int[] fusedFrom, int[] viewOf) {
    int nodes = network.nodeCount();
    int[] order = network.order();
    int[] position = new int[nodes];
    for (int p = 0; p < order.length; p++) {
      position[order[p]] = p;
    }
    int[] lastUse = new int[nodes];
    for (int v = 0; v < nodes; v++) {
      lastUse[v] = position[v]; // no consumer: free right after it is written
    }
    for (int v = 0; v < nodes; v++) {
      if (needed[v]) {
        for (int u : network.inputsOf(v)) {
          if (u != Network.FROM_INPUT) {
            lastUse[u] = Math.max(lastUse[u], position[v]);
          }
        }
      }
    }
    for (int t : targets) {
      if (t != Network.FROM_INPUT) {
        lastUse[t] = Integer.MAX_VALUE;
      }
    }
    int[] slot = new int[nodes];
    Arrays.fill(slot, -1);
    int[] busyUntil = new int[nodes]; // per buffer: the last use of the tensor it holds
    int count = 0;
    for (int p = 0; p < order.length; p++) {
      int v = order[p];
      if (!needed[v]) {
        continue;
      }
      int same = fusedFrom[v] >= 0 ? fusedFrom[v] : viewOf[v];
      if (same >= 0) { // the same tensor as an earlier node's: that buffer lives on
        slot[v] = slot[same];
        busyUntil[slot[v]] = Math.max(busyUntil[slot[v]], lastUse[v]);
        continue;
      }
      int b = 0;
      while (b < count && busyUntil[b] >= p) {
        b++;
      }
      if (b == count) {
        count++;
      }
      slot[v] = b;
      busyUntil[b] = lastUse[v];
    }
    return slot;
  }

  /** The nodes the targets depend on, targets included. */
  static boolean[] needed(Network network, int[] targets) {
    boolean[] needed = new boolean[network.nodeCount()];
    int[] todo = new int[network.nodeCount()];
    int top = 0;
    for (int t : targets) {
      if (t != Network.FROM_INPUT && !needed[t]) {
        needed[t] = true;
        todo[top++] = t;
      }
    }
    while (top > 0) {
      for (int u : network.inputsOf(todo[--top])) {
        if (u != Network.FROM_INPUT && !needed[u]) {
          needed[u] = true;
          todo[top++] = u;
        }
      }
    }
    return needed;
  }

  /**
   * Per Conv node, the nodes it computes besides itself, in order (see the class comment): a residual Add that alone
   * reads it, whose other input is in the same layout ({@code blocked}; no Add when null), then a ReLU or clip that
   * alone reads the last; none where the Conv is itself requested. A fused node is requested at the end of its chain
   * only.
   */
  private static int[][] fusion(Network network, int[] targets, int[][] shapes, boolean[] blocked) {
    int nodes = network.nodeCount();
    int[] consumers = new int[nodes];
    int[] consumer = new int[nodes];
    for (int v = 0; v < nodes; v++) {
      for (int u : network.inputsOf(v)) {
        if (u != Network.FROM_INPUT) {
          consumers[u]++;
          consumer[u] = v;
        }
      }
    }
    for (int t : targets) {
      if (t != Network.FROM_INPUT) {
        consumers[t]++; // requested: its own values are needed
      }
    }
    int[] position = new int[nodes];
    int[] order = network.order();
    for (int p = 0; p < order.length; p++) {
      position[order[p]] = p;
    }
    int[][] chains = new int[nodes][];
    for (int u = 0; u < nodes; u++) {
      chains[u] = new int[0];
      if (!(network.node(u).layer() instanceof Conv) || consumers[u] != 1) {
        continue;
      }
      int end = u;
      int v = consumer[u];
      int[] in = network.inputsOf(v);
      if (blocked != null && network.node(v).join() instanceof Add && in.length == 2 && in[0] != in[1]
          && in[0] != Network.FROM_INPUT && in[1] != Network.FROM_INPUT) {
        int r = in[0] == u ? in[1] : in[0];
        if (position[r] < position[u] && blocked[r] == blocked[u] && shapes[r] != null
            && Arrays.equals(shapes[r], shapes[u])
            && Arrays.equals(shapes[v], shapes[u])) {
          chains[u] = new int[] {v};
          end = v;
        }
      }
      int w = consumer[end];
      if (consumers[end] == 1 && clampOf(network.node(w)) != null && network.inputsOf(w).length == 1) {
        chains[u] = Arrays.copyOf(chains[u], chains[u].length + 1);
        chains[u][chains[u].length - 1] = w;
      }
    }
    return chains;
  }

  /** {lo, hi} for an activation that is min(max(x, lo), hi) (ReLU, clip, ReLU6), else null. */
  private static float[] clampOf(Node node) {
    if (node.layer() instanceof Relu) {
      return new float[] {0f, Float.POSITIVE_INFINITY};
    }
    if (node.layer() instanceof Clip clip) {
      return new float[] {clip.min(), clip.max()};
    }
    return null;
  }

  static int bufferCount(int[] slot) {
    return Arrays.stream(slot).max().orElse(-1) + 1;
  }
}
