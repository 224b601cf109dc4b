package dev.sparkconv.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.io.NpyArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * torchvision's pipelines (preprocess.json: each case's spec, PIL-decoded source and torchvision
 * output) against Preprocess on the same uint8 pixels. A one-level error in any resized pixel would
 * be 1/255/std > 0.017, so atol 1e-6 means the uint8 intermediate is PIL's to the bit (measured: every
 * case, the imagenet preset included, equal to the last float bit, max difference 0).
 */
class PreprocessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double ATOL = 1e-6;

  @TempDir Path tmp;

  static Stream<Arguments> torchvisionCases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : JSON.readTree(Fixtures.bytes("preprocess.json"))) {
      cases.add(Arguments.of(c.get("name").asText(), c));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("torchvisionCases")
  void matchesTorchvisionOnPilPixels(String name, JsonNode c) {
    Preprocess p = Preprocess.fromJson(c.get("spec"), name).orElseThrow();
    NpyArray actual = p.apply(Fixtures.npy(c.get("source").asText()));
    assertClose(Fixtures.npy(c.get("expected").asText()), actual, name);
  }

  @Test
  void decoderWithImagenetPresetMatchesTorchvisionOnAPng() {
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.Options.DEFAULT.withPreprocess(Preprocess.IMAGENET));
    NpyArray actual = decoder.decode("png_photo.png", Fixtures.bytes("png_photo.png")).get(0).array();
    assertClose(Fixtures.npy("pre_imagenet_upscale.npy.gz"), actual, "imagenet");
  }

  @Test
  void parsesNoneImagenetAndSpecFiles() throws IOException {
    assertEquals(Optional.empty(), Preprocess.parse("none"));
    assertSame(Preprocess.IMAGENET, Preprocess.parse("imagenet").orElseThrow());
    Path spec = tmp.resolve("spec.json");
    Files.writeString(spec, "{\"resize\": [32, 48], \"interpolation\": \"bicubic\", \"crop\": 30, \"channel_order\": \"BGR\"}");
    Preprocess p = Preprocess.parse(spec.toString()).orElseThrow();
    assertArrayEquals(new int[] {32, 48}, p.resize());
    assertArrayEquals(new int[] {30, 30}, p.crop());
    assertEquals(PilResize.Filter.BICUBIC, p.interpolation());
    assertTrue(p.bgr());
    assertEquals(1.0 / 255, p.scale());
    assertArrayEquals(new float[] {0}, p.mean());
    assertArrayEquals(new float[] {1}, p.std());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"size\": 3}                      | unknown preprocess field 'size'",
      "{\"resize\": [1, 2, 3]}            | field 'resize' must be an integer or [h, w]",
      "{\"resize\": 0}                    | resize must be a positive size",
      "{\"crop\": \"centre\"}             | field 'crop' must be an integer or [h, w]",
      "{\"interpolation\": \"lanczos\"}   | interpolation 'lanczos' is not bilinear, bicubic or nearest",
      "{\"channel_order\": \"GBR\"}       | channel_order 'GBR' is not RGB or BGR",
      "{\"mean\": [0.5], \"std\": [1, 2]} | mean and std of one length",
      "{\"scale\": \"1/255\"}             | field 'scale' must be a number",
      "\"inception\"                      | unknown preprocess preset 'inception'",
      "[256]                              | a preprocess spec must be a JSON object"})
  void badSpecNamesTheField(String json, String problem) throws IOException {
    var e = assertThrows(IllegalArgumentException.class, () -> Preprocess.fromJson(JSON.readTree(json), "spec.json"));
    assertTrue(e.getMessage().startsWith("spec.json: ") && e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void refusesAnImageWhoseChannelsDoNotFitTheSpec() {
    NpyArray grey = new NpyArray(new int[] {1, 4, 4}, NpyArray.UINT8, new byte[16]);
    var e = assertThrows(IllegalArgumentException.class, () -> Preprocess.IMAGENET.apply(grey));
    assertTrue(e.getMessage().contains("3 mean/std values does not fit 1-channel images"), e.getMessage());
  }

  static void assertClose(NpyArray expected, NpyArray actual, String name) {
    assertEquals(NpyArray.FLOAT32, actual.dtype());
    assertArrayEquals(expected.shape(), actual.shape(), name);
    var e = ByteBuffer.wrap(expected.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    var a = ByteBuffer.wrap(actual.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    double max = 0;
    int worst = -1;
    for (int i = 0; i < e.limit(); i++) {
      double d = Math.abs(e.get(i) - a.get(i));
      if (!(d <= max)) {
        max = d;
        worst = i;
      }
    }
    int index = worst;
    assertTrue(max <= ATOL, () -> name + ": max abs difference " + (float) Math.abs(e.get(index) - a.get(index))
        + " at flat index " + index + " (expected " + e.get(index) + ", got " + a.get(index) + ")");
  }
}
