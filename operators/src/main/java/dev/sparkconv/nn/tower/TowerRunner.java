package dev.sparkconv.nn.tower;

import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;

/**
 * A plan run in one JVM: each stage's towers run one after the other and the gathers are array copies.
 * What Spark does across executors, for tests and for checking a plan against the whole network.
 */
public final class TowerRunner {
  private final TowerPlan plan;
  /** nets[s][t]: tower t's sub-network for stage s, null where it takes no part. */
  private final Network[][] nets;
  private final ExecutionContext ctx = new ExecutionContext();

  public TowerRunner(TowerPlan plan) {
    this.plan = plan;
    this.nets = new Network[plan.stages()][plan.towers()];
    for (int s = 0; s < plan.stages(); s++) {
      for (int t = 0; t < plan.towers(); t++) {
        nets[s][t] = plan.runs(s, t) ? plan.network(s, t) : null;
      }
    }
  }

  /** The targets' outputs for a batch (N, input...), in the plan's target order; fresh arrays. */
  public Tensor[] forward(Tensor batch) {
    int n = batch.dim(0);
    float[] pack = Arrays.copyOf(batch.data(), Shapes.size(batch.shape()));
    for (int s = 0; s < plan.stages(); s++) {
      Tensor in = Tensor.view(pack, new int[] {n, plan.pack(s).packSize()});
      float[][] pieces = new float[plan.towers()][];
      for (int t = 0; t < plan.towers(); t++) {
        if (nets[s][t] != null) {
          Tensor piece = nets[s][t].forward(in, ctx);
          pieces[t] = Arrays.copyOf(piece.data(), Shapes.size(piece.shape())); // a view over ctx's scratch
        }
      }
      pack = assemble(plan.gather(s), pieces, n);
    }
    Gather last = plan.gather(plan.stages() - 1);
    String[] targets = plan.targets();
    Tensor[] out = new Tensor[targets.length];
    for (int k = 0; k < targets.length; k++) {
      int i = Arrays.asList(last.tensors()).indexOf(targets[k]);
      out[k] = unpack(last, i, pack, n);
    }
    return out;
  }

  /** The packs of n samples from the towers' pieces (N, pieceSize(t)). */
  static float[] assemble(Gather gather, float[][] pieces, int n) {
    float[] pack = new float[n * gather.packSize()];
    int[] offsets = new int[pieces.length];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < pieces.length; t++) {
        offsets[t] = i * gather.pieceSize(t);
      }
      gather.assemble(pieces, offsets, pack, i * gather.packSize());
    }
    return pack;
  }

  /** Tensor i of a gather's packs, (N, shape). */
  static Tensor unpack(Gather gather, int i, float[] pack, int n) {
    int[] shape = gather.shape(i);
    int size = Shapes.size(shape);
    float[] data = new float[n * size];
    for (int s = 0; s < n; s++) {
      System.arraycopy(pack, s * gather.packSize() + gather.offset(i), data, s * size, size);
    }
    return Tensor.view(data, Shapes.batched(n, shape));
  }
}
