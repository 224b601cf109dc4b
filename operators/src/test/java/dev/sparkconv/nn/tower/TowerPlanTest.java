package dev.sparkconv.nn.tower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.LocalResponseNorm;
import dev.sparkconv.nn.MaxPool;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.tower.TowerPlan.Role;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Plans over synthetic graphs: the towers' stages with simulated gathers against the whole network. */
class TowerPlanTest {
  private static long seed = 1;

  static float[] random(int count) {
    SplittableRandom r = new SplittableRandom(seed++);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  static Conv conv(String name, int rank, int in, int out, int k, int groups) {
    int[] kernel = new int[rank];
    int[] ones = new int[rank];
    int[] pad = new int[rank];
    Arrays.fill(kernel, k);
    Arrays.fill(ones, 1);
    Arrays.fill(pad, k / 2);
    return new Conv(name, in, out, kernel, ones, pad, ones, groups,
        random(out * in / groups * (int) Math.pow(k, rank)), random(out));
  }

  static BatchNorm bn(String name, int c) {
    float[] var = random(c);
    for (int i = 0; i < c; i++) {
      var[i] = Math.abs(var[i]) + 0.5f;
    }
    return new BatchNorm(name, random(c), random(c), random(c), var, 1e-5f);
  }

  /** ResNeXt's bottleneck: 1x1 reduce, 3x3 grouped (cardinality 32), 1x1 expand, residual add. */
  static Network resnextBlock() {
    return Network.builder("resnext_block", new int[] {256, 8, 8})
        .add(conv("reduce", 2, 256, 128, 1, 1)).add(bn("bn1", 128)).add(new Relu("relu1"))
        .add(conv("grouped", 2, 128, 128, 3, 32)).add(bn("bn2", 128)).add(new Relu("relu2"))
        .add(conv("expand", 2, 128, 256, 1, 1)).add(bn("bn3", 256))
        .add(new Add("add"), "bn3", Network.INPUT).add(new Relu("out"), "add")
        .build();
  }

  /** A 3-D network with a grouped convolution of 3 groups, an LRN and a classifier. */
  static Network grouped3d() {
    return Network.builder("grouped3d", new int[] {4, 4, 6, 6})
        .add(conv("c1", 3, 4, 12, 3, 1)).add(new Relu("r1"))
        .add(conv("c2", 3, 12, 12, 3, 3)).add(new Relu("r2"))
        .add(new MaxPool("pool", new int[] {2, 2, 2}, new int[] {2, 2, 2}, new int[] {0, 0, 0}, new int[] {1, 1, 1},
            false))
        .add(new LocalResponseNorm("lrn", 3, 1e-4f, 0.75f, 2f))
        .add(conv("c3", 3, 12, 10, 1, 1))
        .add(new Flatten("flat")).add(new Linear("fc", 10 * 2 * 3 * 3, 7, random(7 * 180), random(7)))
        .build();
  }

  static Tensor input(Network net, int n) {
    int[] shape = Shapes.batched(n, net.inputShape());
    return Tensor.wrap(random(Shapes.size(shape)), shape);
  }

  /** max |towers - whole| / max |whole|, after checking shapes. */
  static double relativeError(Network net, TowerPlan plan, Tensor batch) {
    Tensor whole = net.forward(batch, new ExecutionContext());
    float[] expected = Arrays.copyOf(whole.data(), Shapes.size(whole.shape()));
    Tensor towers = new TowerRunner(plan).forward(batch)[0];
    assertArrayEquals(whole.shape(), towers.shape());
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(expected[i] - towers.data()[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return diff / scale;
  }

  @ParameterizedTest(name = "resnext block c32 over {0} towers")
  @ValueSource(ints = {2, 4, 8})
  void resnextBlockOverTowersEqualsWholeNetwork(int towers) {
    Network net = resnextBlock();
    TowerPlan plan = TowerPlanner.plan(net, towers, 0);
    assertEquals(0, relativeError(net, plan, input(net, 3)), 1e-5);
    Role grouped = plan.steps().stream().filter(s -> s.name().equals("grouped")).findFirst().orElseThrow().role();
    assertEquals(Role.SPLIT, grouped);
    int groupedStage = plan.steps().stream().filter(s -> s.name().equals("grouped")).findFirst().orElseThrow().stage();
    int reduceStage = plan.steps().stream().filter(s -> s.name().equals("reduce")).findFirst().orElseThrow().stage();
    assertEquals(reduceStage, groupedStage, "the grouped conv runs on its tower's channels, no gather before it");
    assertEquals(2, plan.stages(), "one gather before 'expand', one for the output");
    long whole = 4 * net.parameterCount();
    for (int t = 0; t < towers; t++) { // nothing replicated: each tower holds 1/S of the weights
      assertEquals(whole / (double) towers, plan.weightBytes(t), whole * 0.01);
    }
  }

  @ParameterizedTest(name = "3-D grouped net over {0} towers")
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void grouped3dOverTowersEqualsWholeNetwork(int towers) {
    Network net = grouped3d();
    TowerPlan plan = TowerPlanner.plan(net, towers, 0);
    assertEquals(0, relativeError(net, plan, input(net, 2)), 1e-5);
  }

  @Test
  void unevenSharesWhenChannelsDoNotDivide() {
    Network net = grouped3d();
    TowerPlan plan = TowerPlanner.plan(net, 5, 0);
    int[] fc = plan.steps().stream().filter(s -> s.name().equals("fc")).findFirst().orElseThrow().bounds();
    assertArrayEquals(new int[] {0, 1, 2, 4, 5, 7}, fc, "7 outputs over 5 towers");
    // 3 groups over 5 towers: towers 0-1 share group 0, 2-3 group 1, 4 has group 2
    int[] c2 = plan.steps().stream().filter(s -> s.name().equals("c2")).findFirst().orElseThrow().bounds();
    assertArrayEquals(new int[] {0, 2, 4, 6, 8, 12}, c2);
  }

  @Test
  void smallLayersWithWholeInputsAreReplicated() {
    Network net = grouped3d();
    TowerPlan plan = TowerPlanner.plan(net, 2); // every layer is far below 256 KB
    assertTrue(plan.steps().stream().filter(s -> s.name().equals("c1")).allMatch(s -> s.role() == Role.REPLICATED));
    assertEquals(plan.replicatedBytes(), plan.weightBytes(0));
    assertEquals(0, relativeError(net, plan, input(net, 2)), 1e-6);
  }

  @Test
  void gathersPredictTheirBytes() {
    Network net = resnextBlock();
    TowerPlan plan = TowerPlanner.plan(net, 2, 0);
    // before 'expand': relu2 (128x8x8) and the input (256x8x8) the residual add reads; then the output
    assertEquals(4L * (128 + 256) * 64, plan.gather(0).bytesPerSample());
    assertEquals(4L * 256 * 64, plan.gather(1).bytesPerSample());
    assertTrue(plan.toText().contains("final gather out(256, 8, 8)"), plan.toText());
  }
}
