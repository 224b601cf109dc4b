package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
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

  @Test
  void everyLayerClassOfTheZooModelIsRegistered() {
    Network lenet = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json"));
    Set<Class<?>> registered = Stream.of(SparkconvKryoRegistrator.LAYERS).collect(Collectors.toSet());
    for (Layer layer : lenet.layers()) {
      assertEquals(true, registered.contains(layer.getClass()), layer.getClass() + " is not registered");
    }
  }
}
