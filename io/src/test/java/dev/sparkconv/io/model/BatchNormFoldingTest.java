package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkconv.io.Npy;
import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Node;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PyTorch conv + batch-norm block (fixtures/resnet_block/batchnorm_folded_*) with and without folding. */
class BatchNormFoldingTest {
  private static Path dir() throws Exception {
    return Path.of(BatchNormFoldingTest.class.getResource("/fixtures/resnet_block/batchnorm_folded_c3_c8_in10x10")
        .toURI());
  }

  private static Weights files(Path dir) {
    return (layer, tensor, count, fanIn) -> {
      try {
        return Npy.readTensor(dir.resolve(layer.name() + "." + tensor + ".npy")).data();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  private static List<String> ops(Network net) {
    return net.nodes().stream().map(Node::op).toList();
  }

  @Test
  void everyConvFollowedOnlyByItsBatchNormAbsorbsIt() throws Exception {
    Path dir = dir();
    Network net = NativeSpec.load(dir.resolve("model.json"), files(dir));
    assertTrue(!ops(net).contains("batch_norm"), ops(net).toString());
    // The folded layers keep the convolutions' names: per-layer times and summaries show what runs.
    assertEquals(List.of("stem", "relu0", "conv1", "relu1", "conv2", "add", "relu2"),
        net.nodes().stream().map(Node::name).toList());
    Tensor out = net.forward(Npy.readTensor(dir.resolve("input.npy")), new ExecutionContext());
    assertArrayEquals(Npy.readTensor(dir.resolve("expected.npy")).data(), out.toArray(), 1e-4f);
  }

  @Test
  void aConvWhoseOutputIsRequestedKeepsItsBatchNorm() throws Exception {
    Path dir = dir();
    ObjectNode spec = (ObjectNode) NativeSpec.read(dir.resolve("model.json"));
    spec.putArray("outputs").add("relu2").add("conv1");
    Network net = NativeSpec.parse(spec, "spec", files(dir));
    assertEquals(1, ops(net).stream().filter("batch_norm"::equals).count(), ops(net).toString());
    Tensor out = net.forward(Npy.readTensor(dir.resolve("input.npy")), new ExecutionContext());
    assertArrayEquals(Npy.readTensor(dir.resolve("expected.npy")).data(), out.toArray(), 1e-4f);
  }

  @Test
  void aRequestedBatchNormIsFoldedAndTheOutputNamesItsConvolution() throws Exception {
    Path dir = dir();
    ObjectNode spec = (ObjectNode) NativeSpec.read(dir.resolve("model.json"));
    spec.putArray("outputs").add("relu2").add("bn1");
    Network net = NativeSpec.parse(spec, "spec", files(dir));
    assertTrue(!ops(net).contains("batch_norm"), ops(net).toString());
    assertArrayEquals(new String[] {"relu2", "conv1"}, net.outputs());
    Tensor out = net.forward(Npy.readTensor(dir.resolve("input.npy")), new ExecutionContext());
    assertArrayEquals(Npy.readTensor(dir.resolve("expected.npy")).data(), out.toArray(), 1e-4f);
  }

  @Test
  void aBatchNormDeclaredLastIsFoldedIntoItsConvolutionAsTheDefaultOutput() {
    Node conv = Node.of(new Conv("conv", 1, 2, new int[] {1}, new int[] {1}, new int[] {0}, new int[] {1}, 1,
        new float[] {1, 2}, null), Network.INPUT);
    Node norm = Node.of(new BatchNorm("bn", new float[] {2, 3}, new float[] {1, -1}, new float[] {0, 0},
        new float[] {1, 1}, 0f), "conv");
    Node relu = Node.of(new Relu("relu"), Network.INPUT);
    BatchNormFolding.Folded folded = BatchNormFolding.fold(List.of(conv, relu, norm), null);
    assertEquals(List.of("conv", "relu"), folded.nodes().stream().map(Node::name).toList());
    assertArrayEquals(new String[] {"conv"}, folded.outputs());
  }
}
