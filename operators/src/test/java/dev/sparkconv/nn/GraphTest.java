package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DAG executor: graphs against a naive run that allocates every tensor, the buffer plan, validation. */
class GraphTest {
  private static int seed = 100;

  static Conv conv(String name, int in, int out, int k, int s, int p) {
    return new Conv(name, in, out, new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {1, 1}, 1,
        Naive.random(seed++, out * in * k * k), Naive.random(seed++, out));
  }

  /** A layer from outside the package that checks the no-aliasing contract on every call. */
  static final class Guarded implements Layer {
    private final Layer inner;
    int calls;

    Guarded(Layer inner) {
      this.inner = inner;
    }

    public String name() {
      return inner.name();
    }

    public String op() {
      return inner.op();
    }

    public int[] outputShape(int[] in) {
      return inner.outputShape(in);
    }

    public void forward(Tensor in, Tensor out, ExecutionContext ctx) {
      assertNotSame(in.data(), out.data(), name() + " writes into the buffer it reads");
      calls++;
      inner.forward(in, out, ctx);
    }

    public long parameterCount() {
      return inner.parameterCount();
    }

    public long macs(int[] in) {
      return inner.macs(in);
    }
  }

  /** A sigmoid for the squeeze-and-excitation gate, written as a foreign layer. */
  static final Layer SIGMOID = new Layer() {
    public String name() {
      return "gate";
    }

    public String op() {
      return "sigmoid";
    }

    public int[] outputShape(int[] in) {
      return in.clone();
    }

    public void forward(Tensor in, Tensor out, ExecutionContext ctx) {
      for (int i = 0; i < in.size(); i++) {
        out.data()[i] = (float) (1 / (1 + Math.exp(-in.data()[i])));
      }
    }
  };

  /** Every node in declaration order (a topological order in these tests) on freshly allocated tensors. */
  static Map<String, Tensor> naive(Network net, Tensor batch) {
    Map<String, Tensor> values = new HashMap<>();
    values.put(Network.INPUT, batch);
    ExecutionContext ctx = new ExecutionContext();
    for (Node node : net.nodes()) {
      String[] names = node.inputs();
      Tensor[] in = new Tensor[names.length];
      int[][] shapes = new int[names.length][];
      for (int i = 0; i < names.length; i++) {
        in[i] = Tensor.wrap(values.get(names[i]).toArray(), values.get(names[i]).shape());
        shapes[i] = Shapes.sample(in[i].shape());
      }
      Tensor out = Tensor.zeros(Shapes.batched(batch.dim(0), node.outputShape(shapes)));
      node.forward(in, out, ctx);
      values.put(node.name(), out);
    }
    return values;
  }

  /** The network may run a convolution blocked (direct) where the layer alone runs Winograd: they round apart. */
  private static final double TOLERANCE = 1e-5;

  static void assertMatchesNaive(Network net, int batch) {
    Tensor input = Tensor.wrap(Naive.random(7, batch * Shapes.size(net.inputShape())),
        Shapes.batched(batch, net.inputShape()));
    Map<String, Tensor> expected = naive(net, input);
    ExecutionContext ctx = new ExecutionContext();
    String last = net.outputs()[0];
    for (int run = 0; run < 2; run++) { // the second run on a dirty, warm context
      Tensor out = net.forward(input, ctx);
      assertArrayEquals(expected.get(last).shape(), out.shape());
      Naive.assertClose(expected.get(last).toArray(), out.toArray(), TOLERANCE, net.name() + " run " + run);
    }
    // Every node at once, as feature extraction asks: all stay valid until the end of the run.
    String[] all = net.nodes().stream().map(Node::name).toArray(String[]::new);
    Tensor[] outs = net.forward(input, ctx, all);
    for (int i = 0; i < all.length; i++) {
      Naive.assertClose(expected.get(all[i]).toArray(), outs[i].toArray(), TOLERANCE,
          net.name() + " node " + all[i]);
    }
  }

  /** stem -> [conv-relu-conv + identity] -> relu: the block's input lives across the block. */
  static Network residual() {
    return Network.builder("residual", new int[] {3, 9, 9})
        .add(new Guarded(conv("stem", 3, 4, 3, 1, 1)))
        .add(new Guarded(conv("c1", 4, 4, 3, 1, 1)))
        .add(new Guarded(new Relu("r1")))
        .add(new Guarded(conv("c2", 4, 4, 3, 1, 1)))
        .add(new Add("add"), "c2", "stem")
        .add(new Guarded(new Relu("out")))
        .build();
  }

  @Test
  void residualBlockUsesThreeBuffers() {
    Network net = residual();
    assertEquals(3, net.bufferCount());
    assertMatchesNaive(net, 2);
    // Without a stem the block reads the caller's input, which is no buffer of the network.
    Network bare = Network.builder("bare", new int[] {4, 6, 6})
        .add(conv("c1", 4, 4, 3, 1, 1)).add(new Relu("r1")).add(conv("c2", 4, 4, 3, 1, 1))
        .add(new Add("add"), "c2", Network.INPUT).add(new Relu("out")).build();
    assertEquals(2, bare.bufferCount());
    assertMatchesNaive(bare, 3);
  }

  @Test
  void longChainUsesTwoBuffers() {
    Network.Builder b = Network.builder("chain", new int[] {2, 5, 5});
    for (int i = 0; i < 30; i++) {
      b.add(new Guarded(i % 2 == 0 ? conv("c" + i, 2, 2, 3, 1, 1) : new Relu("r" + i)));
    }
    Network net = b.build();
    assertEquals(2, net.bufferCount());
    assertMatchesNaive(net, 2);
    List<Layer> layers = List.of(new Relu("a"), new Relu("b"), new Relu("c"));
    assertEquals(2, new Network("list", new int[] {4}, layers).bufferCount());
    assertEquals(1, new Network("one", new int[] {4}, List.of(new Relu("a"))).bufferCount());
  }

  /**
   * A reshape, dropout or flatten is its input's tensor under another shape, in the same buffer, which stays
   * unwritten while the view is still read (here by the Add after another convolution).
   */
  @Test
  void viewsShareTheBufferOfTheTensorTheyShow() {
    Network net = Network.builder("views", new int[] {4, 6, 6})
        .add(new Guarded(conv("c1", 4, 4, 3, 1, 1)))
        .add(new Reshape("r", new int[] {2, 2, 36}))
        .add(new Dropout("d", 0.5f))
        .add(new Reshape("back", new int[] {4, 6, 6}))
        .add(new Guarded(conv("c2", 4, 4, 3, 1, 1)))
        .add(new Guarded(conv("c3", 4, 4, 1, 1, 0)))
        .add(new Add("add"), "c3", "back")
        .add(new Flatten("flat"))
        .build();
    assertMatchesNaive(net, 2);
    Tensor input = Tensor.wrap(Naive.random(4, 2 * 144), 2, 4, 6, 6);
    ExecutionContext ctx = new ExecutionContext();
    Tensor[] out = net.forward(input, ctx, "c1", "d", "back", "add", "flat");
    assertSame(out[0].data(), out[1].data());
    assertSame(out[0].data(), out[2].data());
    assertSame(out[3].data(), out[4].data());
    assertArrayEquals(new int[] {2, 2, 2, 36}, out[1].shape());
    assertArrayEquals(new int[] {2, 144}, out[4].shape());
    assertArrayEquals(out[0].toArray(), out[2].toArray());
    // A view of the input itself is a copy: the caller's array is no buffer of the network.
    Network ofInput = Network.builder("ofInput", new int[] {4, 6, 6}).add(new Flatten("flat")).build();
    assertNotSame(input.data(), ofInput.forward(input, ctx).data());
    assertArrayEquals(input.toArray(), ofInput.forward(input, ctx).toArray());
  }

  @Test
  void diamondAddsTwoBranchesOfOneTensor() {
    Network net = Network.builder("diamond", new int[] {2, 6, 6})
        .add(new Guarded(conv("top", 2, 3, 1, 1, 0)))
        .add(new Guarded(conv("left", 3, 3, 3, 1, 1)), "top")
        .add(new Guarded(conv("right", 3, 3, 1, 1, 0)), "top")
        .add(new Sub("bottom"), "left", "right")
        .build();
    assertEquals(3, net.bufferCount());
    assertMatchesNaive(net, 2);
  }

  /** Four branches (1x1; 1x1-3x3; 1x1-5x5; pool-1x1) concatenated along the channels. */
  @Test
  void inceptionBlockConcatenatesItsBranches() {
    Network net = Network.builder("inception", new int[] {6, 8, 8})
        .add(new Guarded(conv("stem", 6, 6, 1, 1, 0)))
        .add(new Guarded(conv("b1", 6, 2, 1, 1, 0)), "stem")
        .add(new Guarded(conv("b2a", 6, 3, 1, 1, 0)), "stem")
        .add(new Guarded(conv("b2b", 3, 4, 3, 1, 1)))
        .add(new Guarded(conv("b3a", 6, 2, 1, 1, 0)), "stem")
        .add(new Guarded(conv("b3b", 2, 3, 5, 1, 2)))
        .add(new Guarded(new MaxPool2d("b4a", new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, false)), "stem")
        .add(new Guarded(conv("b4b", 6, 2, 1, 1, 0)))
        .add(new Concat("cat", 0), "b1", "b2b", "b3b", "b4b")
        .add(new Guarded(new Relu("out")))
        .build();
    assertArrayEquals(new int[] {11, 8, 8}, net.outputShape());
    assertTrue(net.bufferCount() <= 6, "buffers: " + net.bufferCount());
    assertMatchesNaive(net, 2);
  }

  @Test
  void squeezeAndExcitationScalesEachChannel() {
    Network net = Network.builder("se", new int[] {3, 7, 5})
        .add(conv("features", 3, 8, 3, 1, 1))
        .add(new GlobalAvgPool("squeeze"))
        .add(conv("reduce", 8, 2, 1, 1, 0))
        .add(new Relu("r"))
        .add(conv("expand", 2, 8, 1, 1, 0))
        .add(SIGMOID)
        .add(new Mul("scale"), "features", "gate")
        .build();
    assertArrayEquals(new int[] {8, 7, 5}, net.outputShape());
    assertMatchesNaive(net, 3);
    // The gate on the left broadcasts the same way.
    Network flipped = Network.builder("se2", new int[] {3, 7, 5})
        .add(conv("features", 3, 8, 3, 1, 1)).add(new GlobalAvgPool("squeeze"))
        .add(new Mul("scale"), "squeeze", "features").build();
    assertMatchesNaive(flipped, 2);
  }

  @Test
  void splitPartsFeedLaterJoins() {
    Network net = Network.builder("split", new int[] {5, 4, 4})
        .add(new Split("lo", 0, new int[] {2, 3}, 0), Network.INPUT)
        .add(new Split("hi", 0, new int[] {2, 3}, 1), Network.INPUT)
        .add(conv("mix", 3, 2, 3, 1, 1), "hi")
        .add(new Add("sum"), "lo", "mix")
        .add(new Concat("cat", -1), "sum", "lo")
        .build();
    assertArrayEquals(new int[] {2, 4, 8}, net.outputShape());
    assertMatchesNaive(net, 2);
  }

  @Test
  void nodesMayBeDeclaredInAnyOrder() {
    Node[] nodes = {
        Node.of(new Add("add"), "b", "a"),
        Node.of(new Relu("b"), "a"),
        Node.of(conv("a", 2, 2, 3, 1, 1), Network.INPUT),
    };
    Network net = new Network("unordered", new int[] {2, 5, 5}, nodes, "add");
    Tensor input = Tensor.wrap(Naive.random(3, 50), 1, 2, 5, 5);
    Tensor a = Tensor.zeros(1, 2, 5, 5);
    nodes[2].layer().forward(input, a, new ExecutionContext());
    float[] expected = a.toArray();
    for (int i = 0; i < expected.length; i++) {
      expected[i] += Math.max(0, expected[i]);
    }
    Naive.assertClose(expected, net.forward(input, new ExecutionContext()).toArray(), 1e-6, "add(relu(a), a)");
    assertEquals(List.of("add", "b", "a"), net.nodes().stream().map(Node::name).toList());
  }

  @Test
  void namedOutputsRunOnlyWhatTheyNeed() {
    Guarded head = new Guarded(new Linear("head", 4 * 6 * 6, 3, Naive.random(9, 3 * 144), null));
    Guarded c = new Guarded(conv("c", 2, 4, 3, 1, 1));
    Network net = Network.builder("features", new int[] {2, 6, 6})
        .add(c).add(new Relu("r")).add(new Flatten("flat")).add(head).build();
    ExecutionContext ctx = new ExecutionContext();
    Tensor input = Tensor.wrap(Naive.random(4, 2 * 72), 2, 2, 6, 6);
    Tensor[] out = net.forward(input, ctx, "r", Network.INPUT, "c");
    assertEquals(0, head.calls);
    assertEquals(1, c.calls);
    assertArrayEquals(new int[] {2, 4, 6, 6}, out[0].shape());
    assertSame(input, out[1]);
    for (int i = 0; i < out[0].size(); i++) {
      assertEquals(Math.max(0, out[2].data()[i]), out[0].data()[i]);
    }
    // Another input size that the head refuses still yields the features.
    Tensor big = Tensor.wrap(Naive.random(5, 2 * 90), 1, 2, 9, 10);
    assertThrows(ShapeException.class, () -> net.forward(big, ctx));
    assertArrayEquals(new int[] {1, 4, 9, 10}, net.forward(big, ctx, "r")[0].shape());
    assertArrayEquals(new int[] {4, 9, 10}, net.outputShapes(new int[] {2, 9, 10}, "r")[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(input, ctx, "nope"));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }

  @Test
  void designatedOutputsDefaultToTheLastNode() {
    Network net = Network.builder("two", new int[] {3})
        .add(new Relu("a")).add(new Softmax("b")).add(new Relu("c"), "a").outputs("b", "a").build();
    assertArrayEquals(new String[] {"b", "a"}, net.outputs());
    Tensor input = Tensor.wrap(new float[] {-1, 0, 1}, 1, 3);
    Tensor[] both = net.forward(input, new ExecutionContext(), "b", "a");
    assertArrayEquals(new float[] {0, 0, 1}, both[1].toArray());
    assertEquals(1, both[0].toArray()[0] + both[0].toArray()[1] + both[0].toArray()[2], 1e-6);
    assertArrayEquals(both[0].toArray(), net.forward(input, new ExecutionContext()).toArray());
    assertArrayEquals(new String[] {"c"}, Network.builder("x", new int[] {3}).add(new Relu("a"))
        .add(new Relu("c")).build().outputs());
  }

  @Test
  void warmRunsReuseTheScratchBuffers() {
    Network net = residual();
    ExecutionContext ctx = new ExecutionContext();
    Tensor input = Tensor.wrap(Naive.random(8, 3 * 3 * 81), 3, 3, 9, 9);
    float[] first = net.forward(input, ctx).toArray();
    IdentityHashMap<float[], Boolean> buffers = new IdentityHashMap<>();
    for (int b = 0; b < net.bufferCount(); b++) {
      buffers.put(ctx.scratch(ScratchSlots.NETWORK_BUFFERS + b, 0), true);
    }
    assertEquals(3, buffers.size());
    // A smaller batch, then the full one again: same buffers, same results.
    net.forward(Tensor.wrap(java.util.Arrays.copyOf(input.data(), 243), 1, 3, 9, 9), ctx);
    assertArrayEquals(first, net.forward(input, ctx).toArray());
    for (int b = 0; b < net.bufferCount(); b++) {
      assertTrue(buffers.containsKey(ctx.scratch(ScratchSlots.NETWORK_BUFFERS + b, 0)), "buffer " + b + " replaced");
    }
  }

  @Test
  void constructionErrorsNameTheNode() {
    int[] shape = {2, 4, 4};
    assertMessage(() -> Network.builder("m", shape).add(new Relu("a")).add(new Add("sum"), "a", "ghost").build(),
        "'sum'", "'ghost'");
    assertMessage(() -> new Network("m", shape, new Node[] {
        Node.of(new Relu("a"), "c"), Node.of(new Relu("b"), "a"), Node.of(new Relu("c"), "b"),
        Node.of(new Relu("d"), Network.INPUT)}), "'a' -> 'b' -> 'c' -> 'a'", "cycle");
    assertMessage(() -> new Network("m", shape, new Node[] {Node.of(new Relu("a"), "a")}), "'a' -> 'a'", "cycle");
    assertMessage(() -> Network.builder("m", shape).add(new Relu("a")).add(new Relu("a")).build(), "'a'", "twice");
    assertMessage(() -> Network.builder("m", shape).add(new Relu(Network.INPUT)).build(), "'input'");
    assertMessage(() -> Network.builder("m", shape).add(new Relu("a")).outputs("zzz").build(), "'zzz'");
    assertMessage(() -> Network.builder("m", shape).add(new Relu("a")).add(conv("c", 2, 3, 1, 1, 0))
        .add(new Add("sum"), "a", "c").build(), "layer 'sum' (add)", "(2, 4, 4), (3, 4, 4)");
    assertMessage(() -> Network.builder("m", shape).add(new Relu("a")).add(new Sub("d"), "a", "a", "a").build(),
        "layer 'd' (sub)", "exactly 2");
    assertMessage(() -> Network.builder("m", shape).add(new Concat("cat", 3), "input", "input").build(),
        "layer 'cat' (concat)", "axis 3");
    assertMessage(() -> Network.builder("m", shape).add(new Split("s", 0, new int[] {1, 2}, 0)).build(),
        "layer 's' (split)", "size 3");
    assertThrows(IllegalArgumentException.class, () -> new Network("m", shape, new Node[0]));
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable build, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  @Test
  void broadcastingFollowsNumPy() {
    // (2, 3, 1, 5) op (2, 3, 4, 1) -> (2, 3, 4, 5), batch 2.
    float[] a = Naive.random(1, 2 * 3 * 5);
    float[] b = Naive.random(2, 2 * 3 * 4);
    for (Join join : new Join[] {new Add("add"), new Sub("sub"), new Mul("mul")}) {
      Tensor out = Tensor.zeros(2, 3, 4, 5);
      join.forward(new Tensor[] {Tensor.wrap(a, 2, 3, 1, 5), Tensor.wrap(b, 2, 3, 4, 1)}, out,
          new ExecutionContext());
      for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 3; c++) {
          for (int h = 0; h < 4; h++) {
            for (int w = 0; w < 5; w++) {
              float x = a[(n * 3 + c) * 5 + w];
              float y = b[(n * 3 + c) * 4 + h];
              float e = join.op().equals("add") ? x + y : join.op().equals("sub") ? x - y : x * y;
              assertEquals(e, out.data()[((n * 3 + c) * 4 + h) * 5 + w], join.op() + " at " + n + c + h + w);
            }
          }
        }
      }
    }
    // Three inputs fold left; a (1) feature broadcasts over every feature.
    Tensor out = Tensor.zeros(1, 3);
    new Add("add3").forward(new Tensor[] {Tensor.wrap(new float[] {1, 2, 3}, 1, 3),
        Tensor.wrap(new float[] {10}, 1, 1), Tensor.wrap(new float[] {100, 200, 300}, 1, 3)}, out,
        new ExecutionContext());
    assertArrayEquals(new float[] {111, 212, 313}, out.toArray());
    assertThrows(ShapeException.class, () -> new Mul("m").outputShape(new int[][] {{3, 4}, {3}}));
    assertThrows(ShapeException.class, () -> new Mul("m").outputShape(new int[][] {{3, 4}, {2, 4}}));
  }

  @Test
  void concatAndSplitAreInverse() {
    float[] data = Naive.random(6, 2 * 3 * 4 * 5);
    Tensor x = Tensor.wrap(data, 2, 3, 4, 5);
    for (int axis : new int[] {0, 1, 2, -1}) {
      int a = axis < 0 ? 3 + axis : axis;
      int[] sizes = a == 0 ? new int[] {1, 2} : a == 1 ? new int[] {1, 1, 2} : new int[] {3, 2};
      Tensor[] parts = new Tensor[sizes.length];
      int[][] shapes = new int[sizes.length][];
      for (int p = 0; p < sizes.length; p++) {
        Split split = new Split("s" + p, axis, sizes, p);
        shapes[p] = split.outputShape(new int[] {3, 4, 5});
        parts[p] = Tensor.zeros(Shapes.batched(2, shapes[p]));
        split.forward(x, parts[p], new ExecutionContext());
      }
      Concat cat = new Concat("cat", axis);
      Tensor back = Tensor.zeros(Shapes.batched(2, cat.outputShape(shapes)));
      cat.forward(parts, back, new ExecutionContext());
      assertArrayEquals(data, back.toArray(), "axis " + axis);
    }
    // Channel split by hand: sample 1, part 1 (channels 1..2) starts at element 60 + 20.
    Tensor part = Tensor.zeros(2, 2, 4, 5);
    new Split("s", 0, new int[] {1, 2}, 1).forward(x, part, new ExecutionContext());
    assertEquals(data[60 + 20], part.data()[40]);
    assertThrows(IllegalArgumentException.class, () -> new Split("s", 0, new int[] {1, 0}, 0));
    assertThrows(IllegalArgumentException.class, () -> new Split("s", 0, new int[] {1, 2}, 2));
  }

  @Test
  void joinsRefuseAnOutputThatAliasesAnInput() {
    Tensor x = Tensor.zeros(1, 4);
    assertThrows(IllegalArgumentException.class,
        () -> new Add("a").forward(new Tensor[] {x, Tensor.zeros(1, 4)}, x, new ExecutionContext()));
  }

  /** Broadcast with the network over Kryo's FieldSerializer: plain final fields only. */
  @Test
  void graphClassesHoldOnlyFinalPlainFields() {
    List<Class<?>> allowed = List.of(int.class, String.class, int[].class, String[].class, Layer.class,
        Join.class);
    for (Class<?> type : List.of(Node.class, Add.class, Sub.class, Mul.class, Concat.class, Split.class)) {
      for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers())) {
            continue;
          }
          assertTrue(Modifier.isFinal(f.getModifiers()), type.getSimpleName() + "." + f.getName() + " is not final");
          assertTrue(allowed.contains(f.getType()), type.getSimpleName() + "." + f.getName() + " has type "
              + f.getType().getSimpleName());
        }
      }
    }
  }
}
