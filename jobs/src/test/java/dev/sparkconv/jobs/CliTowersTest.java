package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.io.Npy;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparkconv plan} and {@code sparkconv infer --towers} as a user runs them. */
class CliTowersTest {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));

  @TempDir
  Path tmp;

  @Test
  void planAsJsonSharesAlexNetsWeightsInHalves() throws Exception {
    CliTest.Result r = CliTest.run("plan", "--model", ROOT.resolve("conf/models/alexnet_two_tower.json").toString(), "--towers", "2",
        "--format", "json");
    assertEquals(0, r.code(), r.err());
    JsonNode plan = new ObjectMapper().readTree(r.out());
    long model = plan.get("modelWeightBytes").asLong();
    long replicated = plan.get("replicatedBytes").asLong();
    for (JsonNode tower : plan.get("weightBytesPerTower")) { // within 10% of total / S + replicated
      assertEquals((model - replicated) / 2.0 + replicated, tower.asDouble(), 0.1 * model / 2);
    }
    assertEquals(5, plan.get("gathers").size());
    assertEquals(4L * 256 * 27 * 27, plan.get("gathers").get(0).get("bytesPerSample").asLong(), "relu2 before norm2");
  }

  @Test
  void inferWithTowersWritesWhatDataParallelWrites() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("npy"));
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 6; i++) {
      float[] x = new float[32 * 32];
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) random.nextDouble();
      }
      Npy.write(in.resolve("x" + i + ".npy"), Tensor.wrap(x, 1, 32, 32));
    }
    String rows = tmp.resolve("rows.parquet").toString();
    assertEquals(0, CliTest.run("ingest", "--master", "local[2]", "--input", in.toString(), "--output", rows).code());
    String model = ROOT.resolve("conf/models/lenet5.json").toString();
    String plain = tmp.resolve("plain.parquet").toString();
    String towers = tmp.resolve("towers.parquet").toString();
    assertEquals(0, CliTest.run("infer", "--master", "local[2]", "--model", model, "--input", rows, "--output", plain).code());
    CliTest.Result split = CliTest.run("infer", "--master", "local[2]", "--model", model, "--input", rows, "--output", towers,
        "--towers", "3", "--replicate-below", "0");
    assertEquals(0, split.code(), split.err());
    assertTrue(split.out().contains("6 rows in, 6 ok"), split.out());
    assertTrue(split.err().contains("weight bytes fetched outside the plan: 0"), split.err());
    CliTest.Result auto = CliTest.run("infer", "--master", "local[2]", "--model", model, "--input", rows, "--output",
        tmp.resolve("auto.parquet").toString(), "--towers", "auto");
    assertEquals(0, auto.code(), auto.err());
    assertTrue(auto.err().contains("--towers auto chose 1"), auto.err());

    SparkSession spark = SparkTestSession.start("CliTowersTest");
    Map<String, float[]> expected = new HashMap<>();
    for (Row row : spark.read().parquet(plain).collectAsList()) {
      expected.put(row.getAs(TensorRows.ID), TensorRows.decode(row).data());
    }
    int checked = 0;
    for (Row row : spark.read().parquet(towers).collectAsList()) {
      float[] want = expected.get(row.<String>getAs(TensorRows.ID));
      assertArrayEquals(want, TensorRows.decode(row).data(), 1e-5f);
      checked++;
    }
    assertEquals(6, checked);
    spark.stop();
  }
}
