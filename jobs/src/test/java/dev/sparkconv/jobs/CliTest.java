package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CliTest {
  @TempDir
  Path tmp;

  /** What a command printed and returned. */
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @ParameterizedTest(name = "{0} --help")
  @CsvSource({"ingest,--input", "infer,--batch-size", "export,--output", "demo,--workdir", "summary,--input-shape", "extract,--incremental"})
  void everyCommandHasHelp(String command, String option) {
    Result r = run(command, "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains(option), r.out());
  }

  @Test
  void topLevelHelpListsTheCommands() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String command : new String[] {"ingest", "infer", "export", "demo"}) {
      assertTrue(r.out().contains(command), r.out());
    }
  }

  @Test
  void summaryPrintsLenetsTableAndJson() throws Exception {
    String lenet = Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json").toString();
    Result text = run("summary", "--model", lenet);
    assertEquals(0, text.code(), text.err());
    // c1: 6 * (1*5*5) + 6 parameters, 6*28*28*25 MACs; after s4 the receptive field is 16 with jump 4.
    assertTrue(text.out().matches("(?s).*c1 +conv2d +input +\\(6, 28, 28\\) +156 +117600 +5x5 +1x1.*"), text.out());
    assertTrue(text.out().matches("(?s).*s4 +maxpool2d +relu3 +\\(16, 5, 5\\) +0 +0 +16x16 +4x4.*"), text.out());
    assertTrue(text.out().matches("(?s).*total +61706 +416520.*"), text.out());

    Result json = run("summary", "--model", lenet, "--format", "json", "--input-shape", "1,32,32");
    assertEquals(0, json.code(), json.err());
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertEquals(6, tree.get("rows").get(1).get("outputShape").get(0).asInt());
    assertEquals(28, tree.get("rows").get(1).get("outputShape").get(1).asInt());
    assertEquals(61706, tree.get("parameters").asLong());

    Result tooBig = run("summary", "--model", lenet, "--input-shape", "1,40,40");
    assertEquals(1, tooBig.code());
    assertTrue(tooBig.err().contains("'f5'") && tooBig.err().contains("(784)"), tooBig.err());
  }

  /** Every model of the zoo (conf/models/, numbers from scripts/gen_zoo.py) through `sparkconv summary`. */
  @ParameterizedTest(name = "summary {0}")
  @CsvSource({"lenet5", "alexnet_two_tower", "vgg11", "resnet18", "mobilenet_v2", "shufflenet_v1_g3", "c3d", "fcn",
      "deformable_block"})
  void summaryOfEveryZooModel(String model) throws Exception {
    Path models = Path.of(System.getProperty("sparkconv.root"), "conf/models");
    var expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(models.resolve("zoo-params.json").toFile())
        .get(model);
    Result json = run("summary", "--model", models.resolve(model + ".json").toString(), "--format", "json");
    assertEquals(0, json.code(), json.err());
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertEquals(expected.get("folded_parameters").asLong(), tree.get("parameters").asLong(), model);
    var rows = tree.get("rows");
    assertEquals(expected.get("output_shape"), rows.get(rows.size() - 1).get("outputShape"), model);
    Result text = run("summary", "--model", models.resolve(model + ".json").toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("total"), text.out());
  }

  @Test
  void extractNeedsAnOutputNode() {
    String lenet = Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json").toString();
    Result r = run("extract", "--model", lenet, "--input", "in", "--output", "out");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--output-node"), r.err());
    Result unknown = run("extract", "--model", lenet, "--input", "in", "--output", "out", "--output-node", "c9");
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("c9"), unknown.err());
  }

  @Test
  void onnxModelsLoadThroughTheSameOption() {
    Path onnx = Path.of(System.getProperty("sparkconv.root"), "io/src/test/resources/onnx");
    Result text = run("summary", "--model", onnx.resolve("lenet5_opset13/model.onnx").toString());
    assertEquals(0, text.code(), text.err());
    // The same LeNet-5 as conf/models/lenet5.json; node names are the exporter's, sanitized.
    assertTrue(text.out().matches("(?s).*c1.Conv +conv2d +input +\\(6, 28, 28\\) +156 +117600.*"), text.out());
    assertTrue(text.out().matches("(?s).*total +61706 +416520.*"), text.out());

    Result bad = run("summary", "--model", onnx.resolve("error_unsupported_op/model.onnx").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("node 'det_node' (Det)"), bad.err());

    String dynamic = onnx.resolve("tiny_resnet_dynamic_hw_opset13/model.onnx").toString();
    Result noShape = run("summary", "--model", dynamic);
    assertEquals(1, noShape.code());
    assertTrue(noShape.err().contains("is dynamic"), noShape.err());
    Result shaped = run("summary", "--model", dynamic, "--input-shape", "3,20,24");
    assertEquals(0, shaped.code(), shaped.err());
    assertTrue(shaped.out().matches("(?s).*stem.stem.0.Conv +conv2d +input +\\(8, 10, 12\\).*"), shaped.out());
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    Result r = run("infer", "--input", "x.parquet");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--model"), r.err());
  }

  @Test
  void badModelFailsBeforeSparkStartsAndNamesTheLayer() throws Exception {
    Path model = tmp.resolve("bad.json");
    Files.writeString(model, """
        {"name": "m", "input_shape": [1, 8, 8], "weights": {"init": "seeded", "seed": 1},
         "layers": [{"name": "c1", "op": "conv2d", "out_channels": 2, "kernel": 3, "strides": 2}]}
        """);
    Result r = run("infer", "--model", model.toString(), "--input", "in", "--output", "out");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("c1") && r.err().contains("strides"), r.err());
  }
}
