package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTest {
  private final Network lenet = LeNet5.build(0);

  @Test
  void lenetShapesParametersAndMacs() {
    assertArrayEquals(new int[] {1, 32, 32}, lenet.inputShape());
    assertArrayEquals(new int[] {10}, lenet.outputShape());
    assertEquals(List.of("c1", "relu1", "s2", "c3", "relu3", "s4", "flatten", "f5", "relu5", "f6", "relu6", "f7",
        "softmax"), lenet.layers().stream().map(Layer::name).toList());
    assertEquals(156 + 2416 + 48120 + 10164 + 850, lenet.parameterCount());
    assertEquals(6L * 28 * 28 * 25 + 16L * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10, lenet.macs());
  }

  @Test
  void shapeErrorsNameTheLayer() {
    ShapeException e = assertThrows(ShapeException.class, () -> lenet.outputShape(new int[] {3, 32, 32}));
    assertEquals("layer 'c1' (conv2d): expected input (1, H>=5, W>=5) but got (3, 32, 32)", e.getMessage());
    // 28x28 passes the convolutions but flattens to 256 features, which f5 refuses.
    e = assertThrows(ShapeException.class, () -> lenet.outputShape(new int[] {1, 28, 28}));
    assertEquals("layer 'f5' (linear): expected input (400) but got (256)", e.getMessage());
    assertThrows(ShapeException.class,
        () -> lenet.forward(Tensor.zeros(1, 1, 28, 28), new ExecutionContext()));
  }

  @Test
  void badModelsFailAtConstruction() {
    List<Layer> layers = List.of(new Flatten("flat"), new Linear("fc", 401, 2, new float[802], null));
    ShapeException e = assertThrows(ShapeException.class, () -> new Network("m", new int[] {1, 20, 20}, layers));
    assertTrue(e.getMessage().startsWith("layer 'fc' (linear)"), e.getMessage());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> new Network("m", new int[] {4}, List.of(new Relu("a"), new Relu("a"))));
    assertTrue(dup.getMessage().contains("'a'"), dup.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Network("m", new int[] {4}, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Network("m", new int[] {0, 4}, List.of(new Relu("a"))));
  }

  @Test
  void equalsTheLayersRunOneByOne() {
    Tensor batch = Tensor.wrap(Naive.random(21, 2 * 32 * 32), 2, 1, 32, 32);
    ExecutionContext ctx = new ExecutionContext();
    Tensor x = batch;
    for (Layer layer : lenet.layers()) {
      Tensor y = Tensor.zeros(Shapes.batched(2, layer.outputShape(Shapes.sample(x.shape()))));
      layer.forward(x, y, ctx);
      x = y;
    }
    Tensor out = lenet.forward(batch, new ExecutionContext());
    assertArrayEquals(new int[] {2, 10}, out.shape());
    Naive.assertClose(x.data(), out.toArray(), 1e-6, "network vs layer by layer");
    for (int n = 0; n < 2; n++) {
      double sum = 0;
      for (int i = 0; i < 10; i++) {
        sum += out.data()[n * 10 + i];
      }
      assertEquals(1, sum, 1e-5);
    }
  }

  /**
   * A ReLU or clip that alone reads a convolution runs inside it (Winograd, depthwise, 1x1 and im2col paths):
   * the values are those of the layers run one by one, the activation takes no time of its own, and a
   * convolution whose output is asked for, or read twice, keeps its pre-activation values.
   */
  @Test
  void fusesActivationsIntoConvolutionsWithoutChangingValues() {
    // The network runs c1 (8 channels, fewer than a block) direct from its plain input where the layer alone runs
    // Winograd: they round differently, and four layers carry it (3e-5 seen).
    double tolerance = 1e-4;
    int[] k3 = {3, 3};
    int[] one = {1, 1};
    Layer c1 = new Conv("c1", 8, 8, k3, one, one, one, 1, Naive.random(31, 8 * 8 * 9), Naive.random(32, 8));
    Layer c2 = new Conv("c2", 8, 8, k3, one, one, one, 8, Naive.random(33, 8 * 9), Naive.random(34, 8));
    Layer c3 = new Conv("c3", 8, 16, one, one, new int[] {0, 0}, one, 1, Naive.random(35, 16 * 8), null);
    Layer c4 = new Conv("c4", 16, 8, k3, new int[] {2, 2}, one, one, 1, Naive.random(36, 8 * 16 * 9), null);
    Network net = Network.builder("fused", new int[] {8, 20, 20})
        .add(c1, Network.INPUT).add(new Relu("r1"), "c1")
        .add(c2, "r1").add(Clip.relu6("k2"), "c2")
        .add(c3, "k2").add(new Relu("r3"), "c3")
        .add(c4, "r3").add(new Relu("r4"), "c4")
        .add(new Add("sum"), "c4", "r4") // c4 read twice: not fused
        .build();
    Tensor batch = Tensor.wrap(Naive.random(37, 2 * 8 * 400), 2, 8, 20, 20);
    java.util.Map<String, Tensor> oneByOne = new java.util.HashMap<>();
    oneByOne.put(Network.INPUT, batch);
    ExecutionContext single = new ExecutionContext();
    for (Node node : net.nodes()) {
      Tensor[] in = java.util.Arrays.stream(node.inputs()).map(oneByOne::get).toArray(Tensor[]::new);
      int[][] shapes = java.util.Arrays.stream(in).map(t -> Shapes.sample(t.shape())).toArray(int[][]::new);
      Tensor out = Tensor.zeros(Shapes.batched(2, node.outputShape(shapes)));
      node.forward(in, out, single);
      oneByOne.put(node.name(), out);
    }
    ExecutionContext ctx = new ExecutionContext();
    Naive.assertClose(oneByOne.get("sum").data(), net.forward(batch, ctx).toArray(), tolerance, "fused network");
    long[] nanos = ctx.nodeNanos();
    for (String fused : new String[] {"r1", "k2", "r3"}) {
      assertEquals(0, nanos[index(net, fused)], fused + " should have run inside its convolution");
    }
    Tensor[] asked = net.forward(batch, new ExecutionContext(), "c1", "r1", "k2");
    Naive.assertClose(oneByOne.get("c1").data(), asked[0].toArray(), tolerance, "c1 asked for: pre-activation");
    float min = Float.MAX_VALUE;
    for (float v : asked[0].toArray()) {
      min = Math.min(min, v);
    }
    assertTrue(min < 0, "c1's own output has negatives");
    Naive.assertClose(oneByOne.get("r1").data(), asked[1].toArray(), tolerance, "r1");
    Naive.assertClose(oneByOne.get("k2").data(), asked[2].toArray(), tolerance, "k2 fused into c2");
  }

  private static int index(Network net, String name) {
    List<Node> nodes = net.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void reusesItsBuffersWithoutChangingResults() {
    Tensor batch = Tensor.wrap(Naive.random(22, 3 * 32 * 32), 3, 1, 32, 32);
    ExecutionContext ctx = new ExecutionContext();
    float[] first = lenet.forward(batch, ctx).toArray();
    float[] second = lenet.forward(batch, ctx).toArray();
    assertArrayEquals(first, second);
    // A batch of 3 equals three batches of 1 run on the same (dirty) context.
    for (int n = 0; n < 3; n++) {
      float[] one = Arrays.copyOfRange(batch.data(), n * 1024, (n + 1) * 1024);
      Tensor out = lenet.forward(Tensor.wrap(one, 1, 1, 32, 32), ctx);
      Naive.assertClose(Arrays.copyOfRange(first, n * 10, n * 10 + 10), out.toArray(), 1e-6, "sample " + n);
    }
    // And the full batch again after the smaller ones.
    assertArrayEquals(first, lenet.forward(batch, ctx).toArray());
  }

  @Test
  void acceptsOtherInputSizesWhereEveryLayerDoes() {
    Network fcn = new Network("fcn", new int[] {2, 8, 8}, List.of(
        new Conv("c", 2, 3, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1,
            Naive.random(1, 54), Naive.random(2, 3)),
        new Relu("r"),
        new GlobalAvgPool("gap"),
        new Flatten("flat")));
    assertArrayEquals(new int[] {3}, fcn.outputShape(new int[] {2, 13, 5}));
    Tensor input = Tensor.wrap(Naive.random(3, 2 * 13 * 5), 1, 2, 13, 5);
    Tensor out = fcn.forward(input, new ExecutionContext());
    assertArrayEquals(new int[] {1, 3}, out.shape());
  }

  /** A layer written outside this package runs inside a network on views over larger scratch buffers. */
  @Test
  void runsForeignLayersOnViews() {
    Layer doubler = new Layer() {
      public String name() {
        return "double";
      }

      public String op() {
        return "scale";
      }

      public int[] outputShape(int[] in) {
        return in.clone();
      }

      public void forward(Tensor in, Tensor out, ExecutionContext ctx) {
        for (int i = 0; i < in.size(); i++) {
          out.data()[i] = 2 * in.data()[i];
        }
      }
    };
    Network net = new Network("m", new int[] {3}, List.of(new Relu("r"), doubler, new Relu("r2")));
    ExecutionContext ctx = new ExecutionContext();
    net.forward(Tensor.wrap(new float[] {9, 9, 9, 9, 9, 9, 9, 9, 9}, 3, 3), ctx); // leaves larger scratch behind
    Tensor out = net.forward(Tensor.wrap(new float[] {-1, 2, 3}, 1, 3), ctx);
    assertArrayEquals(new float[] {0, 4, 6}, out.toArray());
  }

  @Test
  void lenetIsDeterministicPerSeed() {
    Tensor batch = Tensor.wrap(Naive.random(23, 32 * 32), 1, 1, 32, 32);
    float[] a = LeNet5.build(7).forward(batch, new ExecutionContext()).toArray();
    float[] b = LeNet5.build(7).forward(batch, new ExecutionContext()).toArray();
    float[] c = LeNet5.build(8).forward(batch, new ExecutionContext()).toArray();
    assertArrayEquals(a, b);
    assertTrue(!Arrays.equals(a, c));
  }
}
