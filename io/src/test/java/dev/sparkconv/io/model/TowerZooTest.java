package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.tower.TowerPlan;
import dev.sparkconv.nn.tower.TowerPlan.Role;
import dev.sparkconv.nn.tower.TowerPlan.Step;
import dev.sparkconv.nn.tower.TowerPlanner;
import dev.sparkconv.nn.tower.TowerRunner;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Zoo models and an ONNX import split over towers: every tower's stages run in this JVM with simulated
 * gathers, and the result equals the whole network's forward within 1e-5 of its largest output (bit for bit
 * where the arithmetic order is the same; the test output prints the largest difference).
 */
class TowerZooTest {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));

  private static Step step(TowerPlan plan, String name) {
    return plan.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static void assertTowersEqualWhole(Network net, TowerPlan plan, int batch) {
    int[] shape = Shapes.batched(batch, net.inputShape());
    float[] data = new float[Shapes.size(shape)];
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) r.nextDouble();
    }
    Tensor in = Tensor.wrap(data, shape);
    Tensor whole = net.forward(in, new ExecutionContext());
    float[] expected = Arrays.copyOf(whole.data(), Shapes.size(whole.shape()));
    Tensor towers = new TowerRunner(plan).forward(in)[0];
    assertArrayEquals(whole.shape(), towers.shape());
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(expected[i] - towers.data()[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    System.out.printf("%s over %d towers: max |towers - whole| = %.3g (largest output %.3g)%n", net.name(),
        plan.towers(), diff, scale);
    assertTrue(diff <= 1e-5 * scale, net.name() + ": max difference " + diff + " exceeds 1e-5 of " + scale);
  }

  @Test
  void twoTowerAlexNetSplitsLikeTheOriginal() {
    Network net = ModelLoader.load(ROOT.resolve("conf/models/alexnet_two_tower.json"));
    TowerPlan plan = TowerPlanner.plan(net, 2);
    System.out.println(plan.toText());
    for (String grouped : new String[] {"conv2", "conv4", "conv5"}) {
      assertEquals(Role.SPLIT, step(plan, grouped).role(), grouped);
    }
    assertEquals(step(plan, "conv3").stage(), step(plan, "conv4").stage(), "conv4 reads its own tower's half");
    assertArrayEquals(new int[] {0, 192, 384}, step(plan, "conv3").bounds(), "conv3: half the outputs each");
    assertEquals(Role.REPLICATED, step(plan, "conv1").role(), "conv1's 140 KB are below the threshold");
    long half = 4 * net.parameterCount() / 2;
    for (int t = 0; t < 2; t++) {
      assertEquals(half, plan.weightBytes(t), half * 0.01);
    }
    assertTowersEqualWhole(net, plan, 2);
  }

  @Test
  void resnet18SplitsEveryLayerByOutputChannel() {
    Network net = ModelLoader.load(ROOT.resolve("conf/models/resnet18.json"));
    TowerPlan plan = TowerPlanner.plan(net, 2, 0);
    assertTrue(plan.steps().stream().filter(s -> s.op().startsWith("conv") || s.op().equals("linear"))
        .allMatch(s -> s.role() == Role.SPLIT));
    assertTowersEqualWhole(net, plan, 1);
  }

  @Test
  void shuffleNetG3OverThreeTowersKeepsItsGroupedConvolutionsLocal() {
    Network net = ModelLoader.load(ROOT.resolve("conf/models/shufflenet_v1_g3.json"));
    TowerPlan plan = TowerPlanner.plan(net, 3, 0);
    Step gconv = step(plan, "stage2.1.gconv2"); // with its batch norm folded in
    Step dw = step(plan, "stage2.1.dwconv"); // the depthwise conv, folded likewise
    assertEquals(Role.SPLIT, gconv.role());
    assertEquals(dw.stage(), gconv.stage(), "the 1x1 group conv after the depthwise one needs no exchange");
    assertTowersEqualWhole(net, plan, 1);
  }

  @Test
  void onnxResnetOverTwoTowers() {
    Network net = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"),
        "io/src/test/resources/onnx/tiny_resnet_opset17/model.onnx"));
    assertTowersEqualWhole(net, TowerPlanner.plan(net, 2, 0), 2);
  }
}
