package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imported ONNX model runs inside Spark local mode (Kryo, registration required): protobuf-java
 * from the ONNX classes lives beside Spark's shaded copy, and the result equals PyTorch's. Besides the shape-op
 * model, breadth-suite families (scripts/gen_onnx_breadth.py): DenseNet (a one-input Concat), the segmentation
 * heads (DeepLabV3's ASPP, padding wider than its map), ConvNeXt (LayerNorm, MatMul over leading axes), the norms
 * block (GroupNorm, InstanceNorm, reductions) and the DCN block (DeformConv with offset and mask from branches).
 */
class OnnxInferenceTest {
  @TempDir
  Path tmp;

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("OnnxInferenceTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"onnx/shapes_opset13", "onnx_breadth/families/densenet_opset13",
      "onnx_breadth/families/segmentation_opset17", "onnx_breadth/families/convnext_opset17",
      "onnx_breadth/families/norms_opset13", "onnx_breadth/families/dcn_block_opset19"})
  void importedModelMatchesPyTorchInSpark(String model) throws Exception {
    Path dir = Path.of(System.getProperty("sparkconv.root"), "io/src/test/resources", model);
    Network net = ModelLoader.load(dir.resolve("model.onnx"));
    Tensor input = Npy.readTensor(dir.resolve("input.npy"));
    Tensor expected = Npy.readTensor(dir.resolve("expected.npy"));
    int n = input.dim(0);
    int[] sample = Shapes.sample(input.shape());
    int size = Shapes.size(sample);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(TensorRows.toRow("s" + i, sample, input.data(), i * size));
    }
    String in = tmp.resolve("in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(2).write().parquet(in);
    String out = tmp.resolve("out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, net, new InferenceJob.Options(in, out, null, 1, 2, false));
    assertEquals(n, summary.ok());
    int outSize = expected.size() / n;
    for (Row row : spark.read().parquet(out).collectAsList()) {
      int i = Integer.parseInt(TensorRows.decode(row).id().substring(1));
      float[] want = java.util.Arrays.copyOfRange(expected.data(), i * outSize, (i + 1) * outSize);
      assertArrayEquals(want, TensorRows.decode(row).data(), 1e-4f, "sample " + i);
    }
  }
}
