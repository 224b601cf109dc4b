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
    Network a = ModelLoader.load(LENET);
    Network b = ModelLoader.load(LENET);
    Path other = tmp.resolve("other.json");
    Files.writeString(other, Files.readString(LENET).replace("\"seed\": 42", "\"seed\": 43"));
    Network c = ModelLoader.load(other);
    float[] wa = ((dev.sparkconv.nn.Conv) a.layers().get(0)).weight();
    assertArrayEquals(wa, ((dev.sparkconv.nn.Conv) b.layers().get(0)).weight());
    assertNotEquals(wa[0], ((dev.sparkconv.nn.Conv) c.layers().get(0)).weight()[0]);
    float bound = (float) (1 / Math.sqrt(25));
    for (float w : wa) {
      assertTrue(Math.abs(w) <= bound, "weight " + w + " beyond the 1/sqrt(fan_in) bound");
    }
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
