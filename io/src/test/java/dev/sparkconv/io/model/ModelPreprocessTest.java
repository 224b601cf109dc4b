package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.image.Preprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The native spec's "preprocess": what the zoo declares, and specs whose preprocessing cannot feed their input. */
class ModelPreprocessTest {
  private static final Path MODELS = Path.of(System.getProperty("sparkconv.root"), "conf/models");

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"resnet18", "mobilenet_v2", "vgg11", "shufflenet_v1_g3"})
  void imagenetZooModelsDeclareTheImagenetPreset(String model) {
    Path spec = MODELS.resolve(model + ".json");
    assertSame(Preprocess.IMAGENET, ModelLoader.preprocess(spec).orElseThrow());
    assertArrayEquals(new int[] {3, 224, 224}, ModelLoader.load(spec).inputShape());
  }

  @Test
  void alexnetTowersTake227Crops() {
    Preprocess p = ModelLoader.preprocess(MODELS.resolve("alexnet_two_tower.json")).orElseThrow();
    assertArrayEquals(new int[] {256}, p.resize());
    assertArrayEquals(new int[] {227, 227}, p.crop());
    assertArrayEquals(Preprocess.IMAGENET.mean(), p.mean());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lenet5", "c3d", "fcn"})
  void modelsWithoutADeclarationHaveNone(String model) {
    assertEquals(Optional.empty(), ModelLoader.preprocess(MODELS.resolve(model + ".json")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown preset   | \"inception\"                          | unknown preprocess preset 'inception'",
      "crop vs input    | {\"resize\": 40, \"crop\": 30}           | makes 30 x 30 images but input_shape is [1, 32, 32]",
      "exact vs input   | {\"resize\": [32, 30]}                  | makes 32 x 30 images but input_shape is [1, 32, 32]",
      "rgb stats, grey  | \"imagenet\"                            | 3 mean/std values does not fit 1-channel images",
      "unknown field    | {\"crop\": 32, \"flip\": true}           | unknown preprocess field 'flip'"})
  void preprocessingThatCannotFeedTheInputIsRefused(String label, String preprocess, String problem) throws Exception {
    Path spec = lenetWith(preprocess);
    var e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(spec));
    assertTrue(e.getMessage().contains(spec + ": field 'preprocess'") && e.getMessage().contains(problem),
        e.getMessage());
    assertThrows(ModelFormatException.class, () -> ModelLoader.preprocess(spec));
  }

  @Test
  void greyModelWithOneMeanLoadsItsPreprocessing() throws Exception {
    Path spec = lenetWith("{\"resize\": [32, 32], \"mean\": [0.5], \"std\": [0.5]}");
    assertEquals(1, ModelLoader.load(spec).inputShape()[0]);
    assertArrayEquals(new float[] {0.5f}, ModelLoader.preprocess(spec).orElseThrow().mean());
  }

  /** The zoo's LeNet-5 (with its weight file beside it) declaring {@code preprocess}. */
  private Path lenetWith(String preprocess) throws Exception {
    Path spec = tmp.resolve("lenet.json");
    Files.writeString(spec, Files.readString(MODELS.resolve("lenet5.json"))
        .replace("\"input_shape\": [1, 32, 32],", "\"input_shape\": [1, 32, 32], \"preprocess\": " + preprocess + ","));
    Files.copy(MODELS.resolve("lenet5.safetensors"), tmp.resolve("lenet5.safetensors"));
    return spec;
  }
}
