package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.reflect.ClassTag$;

/**
 * Networks of the transposed, deformable, locally connected and tiled layers survive Kryo with
 * registration required (nested arrays, null biases and output sizes included) and run identically.
 */
class ExtraConvKryoTest {
  @TempDir
  Path tmp;

  private static final List<String> SPECS = List.of(
      // 2-D: deformable v2 and v1, tiled, locally connected, transposed with an explicit output size.
      "\"input_shape\":[4,8,8],\"layers\":["
          + "{\"name\":\"dcn2\",\"op\":\"deform_conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1,"
          + "\"offset_groups\":2,\"modulated\":true,\"groups\":2},"
          + "{\"name\":\"dcn1\",\"op\":\"deform_conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1,\"bias\":false},"
          + "{\"name\":\"tiled\",\"op\":\"tiled_conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1,\"tile\":2},"
          + "{\"name\":\"local\",\"op\":\"locally_connected2d\",\"out_channels\":2,\"kernel\":3,\"bias\":false},"
          + "{\"name\":\"up\",\"op\":\"conv_transpose2d\",\"out_channels\":3,\"kernel\":3,\"stride\":2,"
          + "\"padding\":1,\"output_size\":[12,12]}]",
      "\"input_shape\":[2,6],\"layers\":[{\"name\":\"up1\",\"op\":\"conv_transpose1d\",\"out_channels\":4,"
          + "\"kernel\":3,\"stride\":2,\"output_padding\":1,\"bias\":false}]",
      "\"input_shape\":[2,2,3,3],\"layers\":[{\"name\":\"up3\",\"op\":\"conv_transpose3d\",\"out_channels\":4,"
          + "\"kernel\":2,\"stride\":2,\"groups\":2}]");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void roundTripsWithRegistrationRequired(int which) throws Exception {
    Path file = tmp.resolve("m.json");
    Files.writeString(file, "{\"name\":\"m\",\"weights\":{\"init\":\"seeded\",\"seed\":3}," + SPECS.get(which) + "}");
    Network net = ModelLoader.load(file);
    Set<Class<?>> registered = Set.of(SparkconvKryoRegistrator.LAYERS);
    for (Layer layer : net.layers()) {
      assertTrue(registered.contains(layer.getClass()), layer.getClass() + " is not registered");
    }
    SerializerInstance kryo = new KryoSerializer(new SparkConf()
        .set("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .set("spark.kryo.registrationRequired", "true")).newInstance();
    var tag = ClassTag$.MODULE$.<Network>apply(Network.class);
    Network copy = kryo.deserialize(kryo.serialize(net, tag), tag);

    int[] shape = Shapes.batched(2, net.inputShape());
    float[] input = new float[Shapes.size(shape)];
    for (int i = 0; i < input.length; i++) {
      input[i] = ((i * 7) % 23) / 11f - 1;
    }
    float[] expected = net.forward(Tensor.wrap(input.clone(), shape), new ExecutionContext()).toArray();
    float[] actual = copy.forward(Tensor.wrap(input.clone(), shape), new ExecutionContext()).toArray();
    assertArrayEquals(expected, actual);
    assertEquals(net.parameterCount(), copy.parameterCount());
    assertEquals(net.layers().toString(), copy.layers().toString());
  }
}
