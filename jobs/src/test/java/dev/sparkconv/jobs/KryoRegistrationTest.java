package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.Concat;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.Init;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Mul;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Split;
import dev.sparkconv.nn.Sub;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** The broadcast network survives Kryo with registration required, and runs identically after. */
class KryoRegistrationTest {

  @Test
  void networkRoundTripsWithRegistrationRequired() {
    Network lenet = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json"));
    SerializerInstance kryo = new KryoSerializer(new SparkConf()
        .set("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .set("spark.kryo.registrationRequired", "true")).newInstance();
    var tag = ClassTag$.MODULE$.<Network>apply(Network.class);
    Network copy = kryo.deserialize(kryo.serialize(lenet, tag), tag);

    float[] input = new float[2 * 32 * 32];
    for (int i = 0; i < input.length; i++) {
      input[i] = (i % 17) / 17f;
    }
    float[] expected = lenet.forward(Tensor.wrap(input.clone(), 2, 1, 32, 32), new ExecutionContext()).toArray();
    float[] actual = copy.forward(Tensor.wrap(input.clone(), 2, 1, 32, 32), new ExecutionContext()).toArray();
    assertArrayEquals(expected, actual);
    assertEquals(lenet.parameterCount(), copy.parameterCount());
  }

  /** Every graph class (node, joins, split) crosses Kryo; the copy plans and runs like the original. */
  @Test
  void graphNetworkRoundTripsWithRegistrationRequired() {
    int[] k3 = {3, 3};
    int[] one = {1, 1};
    Network graph = Network.builder("graph", new int[] {4, 6, 6})
        .add(new Split("lo", 0, new int[] {2, 2}, 0), Network.INPUT)
        .add(new Split("hi", 0, new int[] {2, 2}, 1), Network.INPUT)
        .add(new Conv("conv", 2, 2, k3, one, one, one, 1, Init.uniform(1, 36, 0.3f), Init.uniform(2, 2, 0.3f)), "hi")
        .add(new Add("sum"), "conv", "lo")
        .add(new GlobalAvgPool("squeeze"), "sum")
        .add(new Mul("scale"), "sum", "squeeze")
        .add(new Sub("diff"), "scale", "lo")
        .add(new Concat("cat", 0), "diff", "hi")
        .outputs("cat", "sum")
        .build();
    SerializerInstance kryo = new KryoSerializer(new SparkConf()
        .set("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .set("spark.kryo.registrationRequired", "true")).newInstance();
    var tag = ClassTag$.MODULE$.<Network>apply(Network.class);
    Network copy = kryo.deserialize(kryo.serialize(graph, tag), tag);

    float[] input = new float[2 * 4 * 36];
    for (int i = 0; i < input.length; i++) {
      input[i] = (i % 13) / 13f - 0.5f;
    }
    Tensor batch = Tensor.wrap(input, 2, 4, 6, 6);
    assertArrayEquals(graph.forward(batch, new ExecutionContext()).toArray(),
        copy.forward(batch, new ExecutionContext()).toArray());
    Tensor[] a = graph.forward(batch, new ExecutionContext(), "squeeze", "diff");
    Tensor[] b = copy.forward(batch, new ExecutionContext(), "squeeze", "diff");
    assertArrayEquals(a[0].toArray(), b[0].toArray());
    assertArrayEquals(a[1].toArray(), b[1].toArray());
    assertArrayEquals(graph.outputs(), copy.outputs());
    assertEquals(graph.bufferCount(), copy.bufferCount());
    assertEquals(graph.summary().toTable(), copy.summary().toTable());

    Set<Class<?>> registered = Stream.concat(Stream.of(SparkconvKryoRegistrator.LAYERS),
        Stream.of(SparkconvKryoRegistrator.JOINS)).collect(Collectors.toSet());
    for (var node : graph.nodes()) {
      Object op = node.layer() != null ? node.layer() : node.join();
      assertEquals(true, registered.contains(op.getClass()), op.getClass() + " is not registered");
    }
  }

  /**
   * A chain through every single-input operator (seeded weights): each layer, deserialized, computes
   * exactly what the original does on the input the original chain gives it.
   */
  @Test
  void everySingleInputOperatorRoundTripsLayerByLayer() {
    Network net = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"),
        "jobs/src/test/resources/models/single_input_ops.json"));
    SerializerInstance kryo = new KryoSerializer(new SparkConf()
        .set("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .set("spark.kryo.registrationRequired", "true")).newInstance();
    var tag = ClassTag$.MODULE$.<Network>apply(Network.class);
    Network copy = kryo.deserialize(kryo.serialize(net, tag), tag);
    Set<Class<?>> registered = Stream.of(SparkconvKryoRegistrator.LAYERS).collect(Collectors.toSet());
    int[] shape = net.inputShape();
    float[] data = new float[2 * Shapes.size(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = (i % 23) / 7f - 1.5f;
    }
    Tensor in = Tensor.wrap(data, Shapes.batched(2, shape));
    ExecutionContext ctx = new ExecutionContext();
    for (int i = 0; i < net.layers().size(); i++) {
      Layer original = net.layers().get(i);
      Layer restored = copy.layers().get(i);
      assertTrue(registered.contains(original.getClass()), original.getClass() + " is not registered");
      assertEquals(original.getClass(), restored.getClass());
      int[] outShape = Shapes.batched(2, original.outputShape(Shapes.sample(in.shape())));
      Tensor expected = Tensor.zeros(outShape);
      Tensor actual = Tensor.zeros(outShape);
      original.forward(in, expected, ctx);
      restored.forward(in, actual, ctx);
      assertArrayEquals(expected.toArray(), actual.toArray(), original.toString());
      in = expected;
    }
    assertEquals(net.parameterCount(), copy.parameterCount());
  }

  /** Every model of the zoo (conf/models/*.json) consists of registered classes only. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"lenet5", "alexnet_two_tower", "vgg11", "resnet18",
      "mobilenet_v2", "shufflenet_v1_g3", "c3d", "fcn", "deformable_block"})
  void everyLayerClassOfTheZooModelsIsRegistered(String model) {
    Network net = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models", model + ".json"));
    Set<Class<?>> registered = Stream.concat(Stream.of(SparkconvKryoRegistrator.LAYERS),
        Stream.of(SparkconvKryoRegistrator.JOINS)).collect(Collectors.toSet());
    for (var node : net.nodes()) {
      Object op = node.layer() != null ? node.layer() : node.join();
      assertEquals(true, registered.contains(op.getClass()), model + ": " + op.getClass() + " is not registered");
    }
  }

  /** The small zoo graphs (depthwise, shuffle, residual adds, concat, deformable) survive Kryo and run the same. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"mobilenet_v2", "shufflenet_v1_g3", "deformable_block"})
  void smallZooModelsRoundTripAndRunTheSame(String model) {
    Network net = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models", model + ".json"));
    SerializerInstance kryo = new KryoSerializer(new SparkConf()
        .set("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .set("spark.kryo.registrationRequired", "true")).newInstance();
    var tag = ClassTag$.MODULE$.<Network>apply(Network.class);
    Network copy = kryo.deserialize(kryo.serialize(net, tag), tag);
    assertEquals(net.parameterCount(), copy.parameterCount());
    // A small input: the zoo's convolutional parts take any size that survives their strides.
    int[] shape = net.inputShape().clone();
    shape[1] = Math.min(shape[1], 32);
    shape[2] = Math.min(shape[2], 32);
    float[] data = new float[Shapes.size(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = (i % 29) / 9f - 1.5f;
    }
    Tensor in = Tensor.wrap(data, Shapes.batched(1, shape));
    assertArrayEquals(net.forward(in, new ExecutionContext()).toArray(),
        copy.forward(in, new ExecutionContext()).toArray(), model);
  }
}
