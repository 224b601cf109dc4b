package dev.sparkconv.nn;

import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * How a {@link Network} runs one per-sample input shape to one set of requested nodes, made once and cached by the
 * network ({@link Network#plan}); the {@link Executor} only follows it.
 *
 * <ul>
 *   <li>Which nodes run: those the requested ones depend on.
 *   <li>Fusion: a ReLU or clip that alone reads a convolution (not itself requested) is done by the convolution as
 *       it writes its output; the activation's tensor is the convolution's.
 *   <li>Buffers from tensor lifetimes: walking the topological order, each node's output takes the lowest-numbered
 *       activation buffer whose tensor has no consumer left to run, so a node never writes into a buffer it reads,
 *       a chain needs two buffers and a residual block three. Buffer b is scratch slot
 *       {@link ScratchSlots#NETWORK_BUFFERS} + b of the task's {@link ExecutionContext}, sized per run to its
 *       largest tensor times the batch.
 *   <li>Per convolution its {@link ConvPlan}: algorithm, packed weights, scratch and epilogue.
 * </ul>
 *
 * Immutable, so one plan serves every task of a JVM (a broadcast network is shared by the tasks of an executor).
 */
final class ExecutionPlan {
  /** Plans a network keeps (input shapes times output sets); past it the cache starts over. */
  static final int CACHE_LIMIT = 16;

  final Network network;
  /** The requested node indices, {@link Network#FROM_INPUT} for the input itself. */
  final int[] targets;
  /** Per node: its output shape per sample, null where the node does not run. */
  final int[][] shapes;
  /** Per node: its activation buffer, -1 where it does not run. */
  final int[] slot;
  /** Per node: the convolution a fused activation node belongs to, else -1. */
  final int[] fusedFrom;
  /** Per node: the plan of a convolution node (its fused clamp included), else null. */
  final ConvPlan[] convPlans;
  /** Per buffer: floats per sample of the largest tensor it holds. */
  final long[] bufferFloats;

  private ExecutionPlan(Network network, int[] sample, int[] targets, Gemm gemm) {
    this.network = network;
    this.targets = targets.clone();
    Layout layout = layout(network, targets);
    this.slot = layout.slot();
    this.fusedFrom = layout.fusedFrom();
    this.shapes = network.inferShapes(sample, needed(network, targets));
    int nodes = network.nodeCount();
    this.convPlans = new ConvPlan[nodes];
    this.bufferFloats = new long[bufferCount(slot)];
    for (int v = 0; v < nodes; v++) {
      if (slot[v] < 0) {
        continue;
      }
      bufferFloats[slot[v]] = Math.max(bufferFloats[slot[v]], Shapes.size(shapes[v]));
      if (fusedFrom[v] < 0 && network.node(v).layer() instanceof Conv conv) {
        float[] clamp = layout.fusedInto()[v] >= 0 ? clampOf(network.node(layout.fusedInto()[v]))
            : new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        int[] in = network.inputShapes(v, shapes, sample)[0];
        convPlans[v] = conv.plan(in, clamp[0], clamp[1], gemm);
      }
    }
  }

  /** The plan for per-sample input {@code sample} and the requested nodes, convolutions planned for {@code gemm}. */
  static ExecutionPlan of(Network network, int[] sample, int[] targets, Gemm gemm) {
    return new ExecutionPlan(network, sample, targets, gemm);
  }

  int bufferCount() {
    return bufferFloats.length;
  }

  /** Which nodes run, their buffers and fusion: what the plan is before any shape is known. */
  record Layout(int[] slot, int[] fusedInto, int[] fusedFrom) {}

  /**
   * The buffer of every node the targets depend on (-1 for the rest): greedy interval assignment over the
   * topological order. A tensor lives from its node to its last consumer (to the end for a target); a buffer is
   * free for node v once its tensor's last consumer ran before v.
   */
  static Layout layout(Network network, int[] targets) {
    int nodes = network.nodeCount();
    int[] order = network.order();
    boolean[] needed = needed(network, targets);
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
    int[] fusedInto = fusion(network, targets);
    int[] fusedFrom = new int[nodes];
    Arrays.fill(fusedFrom, -1);
    for (int conv = 0; conv < nodes; conv++) {
      if (fusedInto[conv] >= 0) {
        fusedFrom[fusedInto[conv]] = conv;
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
      if (fusedFrom[v] >= 0) { // a fused activation's tensor is its convolution's: that buffer lives on
        slot[v] = slot[fusedFrom[v]];
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
    return new Layout(slot, fusedInto, fusedFrom);
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
   * Per Conv node, the ReLU or clip node that alone reads it (when the Conv is not itself requested), else -1.
   */
  private static int[] fusion(Network network, int[] targets) {
    int nodes = network.nodeCount();
    int[] consumers = new int[nodes];
    for (int v = 0; v < nodes; v++) {
      for (int u : network.inputsOf(v)) {
        if (u != Network.FROM_INPUT) {
          consumers[u]++;
        }
      }
    }
    for (int t : targets) {
      if (t != Network.FROM_INPUT) {
        consumers[t]++; // requested: its own values are needed
      }
    }
    int[] fused = new int[nodes];
    Arrays.fill(fused, -1);
    for (int v = 0; v < nodes; v++) {
      int[] in = network.inputsOf(v);
      int u = in.length == 1 ? in[0] : Network.FROM_INPUT;
      if (u != Network.FROM_INPUT && clampOf(network.node(v)) != null && network.node(u).layer() instanceof Conv
          && consumers[u] == 1) {
        fused[u] = v;
      }
    }
    return fused;
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
