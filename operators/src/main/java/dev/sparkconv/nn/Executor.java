package dev.sparkconv.nn;

import dev.sparkconv.kernel.BlockSizes;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;

/**
 * Runs an {@link ExecutionPlan} on a batch: nodes in topological order, each into its planned buffer, convolutions
 * through their {@link ConvPlan}s, blocked-layout steps and layout conversions where the plan puts them (a tensor
 * in blocked layout keeps its logical shape; only its data is NCHWc), a large batch's first nodes a chunk of samples
 * at a time where the plan says so ({@link ExecutionPlan#chunking}). Decides nothing; once the context's buffers are
 * warm a run allocates only tensor views and a few small arrays.
 */
final class Executor {
  private Executor() {}

  /** The requested nodes' outputs (the input itself for {@link Network#INPUT}): views over {@code ctx}'s scratch. */
  static Tensor[] run(ExecutionPlan plan, Tensor batch, ExecutionContext ctx) {
    return run(plan, batch, ctx, BlockSizes.BATCH_CHUNK_BYTES);
  }

  /** The same with batches run in chunks past {@code chunkBytes} ({@link ExecutionPlan#chunking(int, long)}). */
  static Tensor[] run(ExecutionPlan plan, Tensor batch, ExecutionContext ctx, long chunkBytes) {
    int n = batch.dim(0);
    float[][] buffers = new float[plan.bufferCount()][];
    for (int b = 0; b < buffers.length; b++) {
      buffers[b] = ctx.scratch(ScratchSlots.NETWORK_BUFFERS + b, Math.toIntExact(n * plan.bufferFloats[b]));
    }
    Tensor[] values = new Tensor[plan.network.nodeCount()];
    ExecutionPlan.Chunking chunking = plan.chunking(n, chunkBytes);
    if (chunking != null) {
      runChunked(plan, chunking, batch, values, buffers, ctx);
    }
    runNodes(plan, chunking == null ? 0 : chunking.nodes(), plan.network.order().length, batch, values, buffers,
        ctx);
    Tensor[] result = new Tensor[plan.targets.length];
    for (int i = 0; i < result.length; i++) {
      int t = plan.targets[i];
      result[i] = t == Network.FROM_INPUT ? batch : values[t];
      if (plan.targetInto[i] >= 0) {
        long start = System.nanoTime();
        result[i] = plan.convert(result[i], false, buffers[plan.targetInto[i]]);
        ctx.addNodeTime(t, System.nanoTime() - start);
      }
    }
    return result;
  }

  /**
   * The chunked nodes, a chunk of samples at a time through all of them, each chunk's tensors read later (its exits)
   * copied into whole-batch scratch after the activation buffers.
   */
  private static void runChunked(ExecutionPlan plan, ExecutionPlan.Chunking chunking, Tensor batch, Tensor[] values,
      float[][] buffers, ExecutionContext ctx) {
    int n = batch.dim(0);
    int chunk = chunking.samples();
    int sampleSize = batch.size() / n;
    float[] input = ctx.scratch(ScratchSlots.CHUNK_INPUT, chunk * sampleSize);
    int[] exits = chunking.exits();
    float[][] gathered = new float[exits.length][];
    for (int e = 0; e < exits.length; e++) {
      gathered[e] = ctx.scratch(ScratchSlots.NETWORK_BUFFERS + buffers.length + e,
          Math.toIntExact(n * plan.sampleFloats[exits[e]]));
    }
    for (int first = 0; first < n; first += chunk) {
      int m = Math.min(chunk, n - first);
      System.arraycopy(batch.data(), first * sampleSize, input, 0, m * sampleSize);
      runNodes(plan, 0, chunking.nodes(), Tensor.view(input, Shapes.batched(m, Shapes.sample(batch.shape()))), values,
          buffers, ctx);
      for (int e = 0; e < exits.length; e++) {
        int floats = Math.toIntExact(plan.sampleFloats[exits[e]]);
        System.arraycopy(values[exits[e]].data(), 0, gathered[e], first * floats, m * floats);
      }
    }
    for (int e = 0; e < exits.length; e++) {
      values[exits[e]] = Tensor.view(gathered[e], Shapes.batched(n, plan.shapes[exits[e]]));
    }
  }

  /** Nodes {@code order[from, to)} on {@code batch}, each into its planned buffer and {@code values}. */
  private static void runNodes(ExecutionPlan plan, int from, int to, Tensor batch, Tensor[] values,
      float[][] buffers, ExecutionContext ctx) {
    Network network = plan.network;
    int[] order = network.order();
    int n = batch.dim(0);
    Tensor[] single = new Tensor[1];
    for (int k = from; k < to; k++) {
      int v = order[k];
      if (plan.slot[v] < 0) {
        continue;
      }
      if (plan.fusedFrom[v] >= 0) { // computed by its convolution, in the same buffer
        values[v] = values[plan.fusedFrom[v]];
        continue;
      }
      if (plan.viewOf[v] >= 0) { // the same data under this node's shape
        values[v] = Tensor.view(values[plan.viewOf[v]].data(), Shapes.batched(n, plan.shapes[v]));
        continue;
      }
      long start = System.nanoTime(); // a node's time includes converting its inputs to its layout
      int[] inputs = network.inputsOf(v);
      Tensor[] in = inputs.length == 1 ? single : new Tensor[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        in[i] = inputs[i] == Network.FROM_INPUT ? batch : values[inputs[i]];
        if (plan.convertInto[v] != null && plan.convertInto[v][i] >= 0) { // a region edge: the other layout
          in[i] = plan.convert(in[i], plan.readsBlocked[v], buffers[plan.convertInto[v][i]]);
        }
      }
      Tensor out = Tensor.view(buffers[plan.slot[v]], Shapes.batched(n, plan.shapes[v]));
      ConvPlan conv = plan.convPlans[v];
      if (conv != null) {
        conv.run(in[0].data(), out.data(), n, ctx);
        if (plan.residualOf[v] >= 0) {
          plan.addResidual(v, values[plan.residualOf[v]], out, n);
        }
      } else if (plan.blockedOps[v] != null) {
        plan.runBlocked(v, in, out, n);
      } else {
        network.node(v).forward(in, out, ctx);
      }
      ctx.addNodeTime(v, System.nanoTime() - start); // per-layer time shares for run summaries
      values[v] = out;
    }
  }
}
