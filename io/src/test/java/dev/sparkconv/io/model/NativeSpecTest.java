package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.nn.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NativeSpecTest {
  private static final Path LENET = Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json");
  private static final String TRAINED = "{\"file\": \"lenet5.safetensors\"}";

  @TempDir
  Path tmp;

  @Test
  void bundledLenetLoadsWithTheClassicShapeAndSize() {
    Network lenet = ModelLoader.load(LENET);
    assertEquals("lenet5", lenet.name());
    assertArrayEquals(new int[] {1, 32, 32}, lenet.inputShape());
    assertArrayEquals(new int[] {10}, lenet.outputShape());
    // LeNet-5: 156 + 2416 + 48120 + 10164 + 850 parameters.
    assertEquals(61706, lenet.parameterCount());
    // 6*28*28*25 + 16*10*10*150 + 400*120 + 120*84 + 84*10 multiply-accumulates.
    assertEquals(117600 + 240000 + 48000 + 10080 + 840, lenet.macs());
  }

  @Test
  void seededWeightsAreDeterministicAndSeedDependent() throws Exception {
    Path seeded = tmp.resolve("seeded.json");
    Files.writeString(seeded, Files.readString(LENET).replace(TRAINED, "{\"init\": \"seeded\", \"seed\": 42}"));
    Network a = ModelLoader.load(seeded);
    Network b = ModelLoader.load(seeded);
    Path other = tmp.resolve("other.json");
    Files.writeString(other, Files.readString(seeded).replace("\"seed\": 42", "\"seed\": 43"));
    Network c = ModelLoader.load(other);
    float[] wa = ((dev.sparkconv.nn.Conv) a.layers().get(0)).weight();
    assertArrayEquals(wa, ((dev.sparkconv.nn.Conv) b.layers().get(0)).weight());
    assertNotEquals(wa[0], ((dev.sparkconv.nn.Conv) c.layers().get(0)).weight()[0]);
    float bound = (float) (1 / Math.sqrt(25));
    for (float w : wa) {
      assertTrue(Math.abs(w) <= bound, "weight " + w + " beyond the 1/sqrt(fan_in) bound");
    }
  }

  @Test
  void aWeightFileNamedBySpecIsReadFromTheSpecFolderAndFingerprinted() throws Exception {
    Path spec = tmp.resolve("copy.json");
    Files.copy(LENET, spec);
    Path weights = tmp.resolve("lenet5.safetensors");
    String missing = assertThrows(ModelFormatException.class, () -> ModelLoader.load(spec)).getMessage();
    assertTrue(missing.contains(weights.toString()) && missing.contains("does not exist"), missing);

    Files.copy(LENET.resolveSibling("lenet5.safetensors"), weights);
    assertArrayEquals(((dev.sparkconv.nn.Conv) ModelLoader.load(LENET).layers().get(0)).weight(),
        ((dev.sparkconv.nn.Conv) ModelLoader.load(spec).layers().get(0)).weight());
    String before = ModelLoader.fingerprint(spec, null);
    var tensors = dev.sparkconv.io.Safetensors.read(weights);
    tensors.put("f7.bias", dev.sparkconv.tensor.Tensor.zeros(10));
    dev.sparkconv.io.Safetensors.write(weights, tensors);
    assertNotEquals(before, ModelLoader.fingerprint(spec, null), "the weight file's bytes are part of the fingerprint");

    Files.writeString(spec, Files.readString(LENET).replace(TRAINED, "{\"file\": 3}"));
    String bad = assertThrows(ModelFormatException.class, () -> ModelLoader.load(spec)).getMessage();
    assertTrue(bad.contains("'weights'") && bad.contains("\"file\""), bad);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown op      | {\"name\":\"x\",\"op\":\"conv9d\"}                                  | conv9d",
      "unknown field   | {\"name\":\"x\",\"op\":\"relu\",\"alpha\":1}                          | alpha",
      "bad groups      | {\"name\":\"x\",\"op\":\"conv2d\",\"out_channels\":4,\"kernel\":3,\"groups\":2} | groups",
      "kernel too big  | {\"name\":\"x\",\"op\":\"conv2d\",\"out_channels\":4,\"kernel\":9}    | x",
      "linear on image | {\"name\":\"x\",\"op\":\"linear\",\"out_features\":4}                 | flatten",
      "missing field   | {\"name\":\"x\",\"op\":\"conv2d\",\"kernel\":3}                       | out_channels",
  })
  void badLayersAreRejectedNamingTheLayerAndField(String label, String layer, String mentioned) throws Exception {
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{\"name\":\"m\",\"input_shape\":[1,8,8],\"weights\":{\"init\":\"seeded\",\"seed\":1},"
        + "\"layers\":[" + layer + "]}");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(model));
    assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains(mentioned), e.getMessage());
    assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
  }

  private static final String RESIDUAL = "{\"name\":\"res\",\"input_shape\":[2,6,6],"
      + "\"weights\":{\"init\":\"seeded\",\"seed\":3},\"layers\":["
      + "{\"name\":\"stem\",\"op\":\"conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1},"
      + "{\"name\":\"c1\",\"op\":\"conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1},"
      + "{\"name\":\"r1\",\"op\":\"relu\"},"
      + "{\"name\":\"c2\",\"op\":\"conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1},"
      + "{\"name\":\"sum\",\"op\":\"add\",\"inputs\":[\"c2\",\"stem\"]},"
      + "{\"name\":\"out\",\"op\":\"relu\"}]";

  @Test
  void graphSpecsNameTheirInputsAndOutputs() throws Exception {
    Path model = tmp.resolve("res.json");
    Files.writeString(model, RESIDUAL + "}");
    Network net = ModelLoader.load(model);
    assertEquals(6, net.nodes().size());
    assertEquals(5, net.layers().size());
    assertArrayEquals(new String[] {"c2", "stem"}, net.nodes().get(4).inputs());
    assertArrayEquals(new String[] {"stem"}, net.nodes().get(1).inputs());
    assertArrayEquals(new String[] {"out"}, net.outputs());
    assertEquals(3, net.bufferCount());
    assertEquals(76 + 148 + 148, net.parameterCount()); // 2*4*9 + 4, then 4*4*9 + 4 twice

    Files.writeString(model, RESIDUAL + ",\"outputs\":[\"sum\",\"c1\"]}");
    Network two = ModelLoader.load(model);
    assertArrayEquals(new String[] {"sum", "c1"}, two.outputs());
    assertArrayEquals(new int[] {4, 6, 6}, two.outputShape());
    float[] input = new float[2 * 36];
    for (int i = 0; i < input.length; i++) {
      input[i] = (i % 7) / 7f - 0.5f;
    }
    var ctx = new dev.sparkconv.nn.ExecutionContext();
    var batch = dev.sparkconv.tensor.Tensor.wrap(input, 1, 2, 6, 6);
    float[] sum = two.forward(batch, ctx).toArray();
    float[] relu = net.forward(batch, ctx).toArray();
    for (int i = 0; i < sum.length; i++) {
      assertEquals(Math.max(0, sum[i]), relu[i], 1e-6);
    }
  }

  @Test
  void graphSummaryIsPlainJson() throws Exception {
    Path model = tmp.resolve("res.json");
    Files.writeString(model, RESIDUAL + "}");
    String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ModelLoader.load(model)
        .summary());
    assertTrue(json.contains("\"name\":\"sum\",\"op\":\"add\",\"inputs\":[\"c2\",\"stem\"],\"outputShape\":[4,6,6]"),
        json);
    assertTrue(json.contains("\"receptiveField\":[7,7],\"jump\":[1,1]"), json);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown input     | {\"name\":\"x\",\"op\":\"add\",\"inputs\":[\"a\",\"ghost\"]}   | neither",
      "forward reference | {\"name\":\"x\",\"op\":\"add\",\"inputs\":[\"a\",\"z\"]}       | later layer",
      "self reference    | {\"name\":\"x\",\"op\":\"relu\",\"inputs\":[\"x\"]}             | cycle",
      "two into a layer  | {\"name\":\"x\",\"op\":\"relu\",\"inputs\":[\"a\",\"a\"]}        | one input",
      "inputs not names  | {\"name\":\"x\",\"op\":\"relu\",\"inputs\":\"a\"}                 | inputs",
      "shape mismatch    | {\"name\":\"x\",\"op\":\"add\",\"inputs\":[\"a\",\"input\"]}    | (2, 8, 8)",
      "concat axis       | {\"name\":\"x\",\"op\":\"concat\",\"axis\":3,\"inputs\":[\"a\",\"a\"]} | axis 3",
      "split sizes       | {\"name\":\"x\",\"op\":\"split\",\"sizes\":[1,1],\"part\":0}         | size 2",
      "duplicate name    | {\"name\":\"a\",\"op\":\"relu\"}                                  | earlier layer",
      "join as layer     | {\"name\":\"x\",\"op\":\"add\"}                                   | at least 2 inputs",
  })
  void badGraphsAreRejectedNamingTheLayer(String label, String layer, String mentioned) throws Exception {
    Path model = tmp.resolve("g.json");
    String a = "{\"name\":\"a\",\"op\":\"conv2d\",\"out_channels\":3,\"kernel\":3,\"padding\":1}";
    String z = "{\"name\":\"z\",\"op\":\"relu\",\"inputs\":[\"a\"]}";
    Files.writeString(model, "{\"name\":\"m\",\"input_shape\":[2,8,8],\"weights\":{\"init\":\"seeded\","
        + "\"seed\":1},\"layers\":[" + a + "," + layer + "," + z + "]}");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(model));
    String name = layer.contains("\"name\":\"a\"") ? "'a'" : "'x'";
    assertTrue(e.getMessage().contains(name), e.getMessage());
    assertTrue(e.getMessage().contains(mentioned), e.getMessage());
    assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
  }

  @Test
  void badOutputsAreRejected() throws Exception {
    Path model = tmp.resolve("o.json");
    for (String outputs : new String[] {"[\"nope\"]", "[\"input\"]", "[]", "\"out\""}) {
      Files.writeString(model, RESIDUAL + ",\"outputs\":" + outputs + "}");
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(model));
      assertTrue(e.getMessage().contains("'outputs'"), e.getMessage());
    }
  }

  @Test
  void notJsonAndMissingFilesAreNamed() throws Exception {
    Path broken = tmp.resolve("broken.json");
    Files.writeString(broken, "{ not json");
    assertTrue(assertThrows(ModelFormatException.class, () -> ModelLoader.load(broken)).getMessage()
        .contains("broken.json"));
    assertTrue(assertThrows(ModelFormatException.class, () -> ModelLoader.load(tmp.resolve("none.json")))
        .getMessage().contains("does not exist"));
  }
}
