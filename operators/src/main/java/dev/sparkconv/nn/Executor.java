package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;

/**
 * Runs an {@link ExecutionPlan} on a batch: nodes in topological order, each into its planned buffer, convolutions
 * through their {@link ConvPlan}s, blocked-layout steps and layout conversions where the plan puts them (a tensor
 * in blocked layout keeps its logical shape; only its data is NCHWc). Decides nothing; once the context's buffers
 * are warm a run allocates only tensor views and a few small arrays.
 */
final class Executor {
  private Executor() {}

  /** The requested nodes' outputs (the input itself for {@link Network#INPUT}): views over {@code ctx}'s scratch. */
  static Tensor[] run(ExecutionPlan plan, Tensor batch, ExecutionContext ctx) {
    Network network = plan.network;
    int n = batch.dim(0);
    float[][] buffers = new float[plan.bufferCount()][];
    for (int b = 0; b < buffers.length; b++) {
      buffers[b] = ctx.scratch(ScratchSlots.NETWORK_BUFFERS + b, Math.toIntExact(n * plan.bufferFloats[b]));
    }
    Tensor[] values = new Tensor[network.nodeCount()];
    Tensor[] single = new Tensor[1];
    for (int v : network.order()) {
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
      int[] from = network.inputsOf(v);
      Tensor[] in = from.length == 1 ? single : new Tensor[from.length];
      for (int i = 0; i < from.length; i++) {
        in[i] = from[i] == Network.FROM_INPUT ? batch : values[from[i]];
        if (plan.convertInto[v] != null && plan.convertInto[v][i] >= 0) { // a region edge: the other layout
          in[i] = plan.convert(in[i], plan.readsBlocked[v], buffers[plan.convertInto[v][i]]);
        }
      }
      Tensor out = Tensor.view(buffers[plan.slot[v]], Shapes.batched(n, plan.shapes[v]));
      ConvPlan conv = plan.convPlans[v];
      if (conv != null) {
        conv.run(in[0].data(), out.data(), n, ctx);
      } else if (plan.blockedOps[v] != null) {
        plan.runBlocked(v, in, out, n);
      } else {
        network.node(v).forward(in, out, ctx);
      }
      ctx.addNodeTime(v, System.nanoTime() - start); // per-layer time shares for run summaries
      values[v] = out;
    }
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
}
