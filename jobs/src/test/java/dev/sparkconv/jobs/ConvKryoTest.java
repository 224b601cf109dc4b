package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkconv.nn.ChannelShuffle;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.FlattenedConv2d;
import dev.sparkconv.nn.Init;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.PaddingMode;
import dev.sparkconv.nn.SeparableConv2d;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** Networks of every convolution-family layer survive Kryo with registration required and run identically. */
class ConvKryoTest {
  private static final SerializerInstance KRYO = new KryoSerializer(new SparkConf()
      .set("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
      .set("spark.kryo.registrationRequired", "true")).newInstance();

  @Test
  void convolutionFamilyRoundTrips() {
    roundTrip(new Network("net2d", new int[] {4, 9, 9}, List.of(
        new Conv("c", 4, 6, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 1, 2, 1}, new int[] {1, 1}, 2,
            PaddingMode.REFLECT, true, w(1, 6 * 2 * 9), w(2, 6)),
        new ChannelShuffle("shuffle", 3),
        new SeparableConv2d("sep", 6, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2,
            PaddingMode.CIRCULAR, w(3, 4 * 3 * 3), w(4, 4 * 3), w(5, 4)),
        new FlattenedConv2d("flat", 4, 4, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
            PaddingMode.REPLICATE, w(6, 16), w(7, 12), w(8, 12), null))));
    roundTrip(new Network("net1d", new int[] {2, 12}, List.of(
        new Conv("c", 2, 4, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, 2, w(9, 12), null))));
    roundTrip(new Network("net3d", new int[] {2, 4, 5, 5}, List.of(
        new Conv("c", 2, 3, new int[] {2, 3, 3}, new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 1,
            PaddingMode.ZEROS, false, w(10, 3 * 2 * 18), w(11, 3)))));
  }

  private static void roundTrip(Network net) {
    var tag = ClassTag$.MODULE$.<Network>apply(Network.class);
    Network copy = KRYO.deserialize(KRYO.serialize(net, tag), tag);
    int[] shape = Shapes.batched(2, net.inputShape());
    float[] input = w(12, Shapes.size(shape));
    float[] expected = net.forward(Tensor.wrap(input.clone(), shape), new ExecutionContext()).toArray();
    float[] actual = copy.forward(Tensor.wrap(input.clone(), shape), new ExecutionContext()).toArray();
    assertArrayEquals(expected, actual, net.name());
    assertEquals(net.parameterCount(), copy.parameterCount());
    Set<Class<?>> registered = Stream.of(SparkconvKryoRegistrator.LAYERS).collect(Collectors.toSet());
    for (Layer layer : net.layers()) {
      assertEquals(true, registered.contains(layer.getClass()), layer.getClass() + " is not in LAYERS");
    }
  }

  private static float[] w(long seed, int count) {
    return Init.uniform(seed, count, 0.5f);
  }
}
