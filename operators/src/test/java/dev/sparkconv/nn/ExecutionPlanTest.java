package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sparkconv.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Plans are made once per input shape and set of requested nodes, cached, and shared safely between tasks. */
class ExecutionPlanTest {

  /** A layer that counts shape inferences: a network infers shapes only when it plans. */
  static final class ShapeCounter implements Layer {
    int inferences;

    public String name() {
      return "counter";
    }

    public String op() {
      return "identity";
    }

    public int[] outputShape(int[] in) {
      inferences++;
      return in.clone();
    }

    public void forward(Tensor in, Tensor out, ExecutionContext ctx) {
      System.arraycopy(in.data(), 0, out.data(), 0, out.size());
    }
  }

  private static Conv conv3x3(String name, int in, int out, int seed) {
    int[] one = {1, 1};
    return new Conv(name, in, out, new int[] {3, 3}, one, one, one, 1, Naive.random(seed, out * in * 9),
        Naive.random(seed + 1, out));
  }

  /** Seeded: every call builds the same network. */
  private static Network residual(Layer counter) {
    return Network.builder("residual", new int[] {3, 9, 9})
        .add(counter)
        .add(conv3x3("stem", 3, 4, 1))
        .add(conv3x3("c1", 4, 4, 3))
        .add(new Relu("r1"))
        .add(conv3x3("c2", 4, 4, 5))
        .add(new Add("add"), "c2", "stem")
        .add(new Relu("out"))
        .build();
  }

  private static Tensor batch(int n, int h) {
    return Tensor.wrap(Naive.random(7, n * 3 * h * h), n, 3, h, h);
  }

  @Test
  void outputNodesRequestedTwiceArePlannedOnce() {
    ShapeCounter counter = new ShapeCounter();
    Network net = residual(counter);
    ExecutionContext ctx = new ExecutionContext();
    int[] sample = {3, 9, 9};
    float[] first = net.forward(batch(2, 9), ctx, "r1", "out")[1].toArray();
    int afterFirst = counter.inferences;
    ExecutionPlan plan = net.plan(sample, ctx, "r1", "out");
    float[] second = net.forward(batch(2, 9), ctx, "r1", "out")[1].toArray();
    assertEquals(afterFirst, counter.inferences, "the second batch re-planned");
    assertSame(plan, net.plan(sample, ctx, "r1", "out"));
    assertArrayEquals(first, second);
    // Another batch size is the same plan: buffers are sized per run.
    net.forward(batch(5, 9), ctx, "r1", "out");
    assertSame(plan, net.plan(sample, ctx, "r1", "out"));
    assertEquals(afterFirst, counter.inferences);
  }

  @Test
  void designatedOutputsAreCachedToo() {
    ShapeCounter counter = new ShapeCounter();
    Network net = residual(counter);
    ExecutionContext ctx = new ExecutionContext();
    net.forward(batch(2, 9), ctx);
    int afterFirst = counter.inferences;
    net.forward(batch(3, 9), ctx);
    assertEquals(afterFirst, counter.inferences);
    assertSame(net.plan(new int[] {3, 9, 9}, ctx, "out"), net.plan(new int[] {3, 9, 9}, ctx, "out"));
    // A batch of one sample has a plan of its own (ExecutionPlan.oneSample), made once too.
    net.forward(batch(1, 9), ctx);
    int afterOne = counter.inferences;
    net.forward(batch(1, 9), ctx);
    assertEquals(afterOne, counter.inferences);
  }

  @Test
  void otherOutputSetsAndShapesGetTheirOwnPlans() {
    Network net = residual(new ShapeCounter());
    ExecutionContext ctx = new ExecutionContext();
    ExecutionPlan out = net.plan(new int[] {3, 9, 9}, ctx, "out");
    ExecutionPlan features = net.plan(new int[] {3, 9, 9}, ctx, "c1", "out");
    ExecutionPlan larger = net.plan(new int[] {3, 12, 12}, ctx, "out");
    assertNotSame(out, features);
    assertNotSame(out, larger);
    assertArrayEquals(new int[] {4, 12, 12}, larger.shapes[net.nodeCount() - 1]);
    // Asking for c1 keeps r1 from being fused into it; otherwise c1 computes r1 as it writes its output.
    int c1 = 2;
    int r1 = 3;
    assertEquals(c1, out.fusedFrom[r1]);
    assertEquals(-1, features.fusedFrom[r1]);
    assertNotNull(out.convPlans[c1]);
    assertNull(out.convPlans[r1]);
    assertEquals(Float.POSITIVE_INFINITY, features.convPlans[c1].hi);
    assertEquals(0f, out.convPlans[c1].lo);
  }

  /** Several tasks on one network (a broadcast one): the shared plans give each what it gets alone. */
  @Test
  void tasksSharingANetworkGetWhatEachGetsAlone() throws Exception {
    Network net = residual(new ShapeCounter());
    List<float[]> alone = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Tensor input = Tensor.wrap(Naive.random(20 + t, 2 * 3 * 81), 2, 3, 9, 9);
      alone.add(residual(new ShapeCounter()).forward(input, new ExecutionContext(), "r1", "out")[1].toArray());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int task = t;
        runs.add(pool.submit(() -> {
          ExecutionContext ctx = new ExecutionContext();
          Tensor input = Tensor.wrap(Naive.random(20 + task, 2 * 3 * 81), 2, 3, 9, 9);
          float[] last = null;
          for (int rep = 0; rep < 20; rep++) {
            last = net.forward(input, ctx, "r1", "out")[1].toArray();
          }
          return last;
        }));
      }
      for (int t = 0; t < 4; t++) {
        assertArrayEquals(alone.get(t), runs.get(t).get(), "task " + t);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
