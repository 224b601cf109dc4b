package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.Npy;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's Spark commands as a scheduler sees them: outputs, exit status and the JSON summary. */
class CliJobTest {
  @TempDir
  Path tmp;

  @Test
  void quarantinedRowsAboveTheMaxFailureRatioExitNonZeroAfterWritingEverything() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (int i = 0; i < 3; i++) {
      Npy.write(in.resolve("ok" + i + ".npy"), Tensor.wrap(new float[] {i, i + 1}, 2));
    }
    Files.write(in.resolve("broken.npy"), new byte[] {1, 2, 3});
    String out = tmp.resolve("strict.parquet").toString();
    Path json = tmp.resolve("strict.json");

    CliTest.Result strict = CliTest.run("ingest", "--master", "local[1]", "--input", in.toString(), "--output", out,
        "--summary", json.toString());
    assertEquals(Cli.FailureOptions.TOO_MANY_FAILURES, strict.code(), strict.err());
    assertTrue(strict.err().contains("1 of 4 rows quarantined (0.2500) exceeds --max-failure-ratio 0.0"), strict.err());
    assertTrue(Files.exists(Path.of(out, "_SUCCESS")), "the good rows are written before the run fails");
    var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertEquals(0.25, summary.get("failureRatio").asDouble(), 1e-12);
    assertEquals(3, summary.get("ok").asLong());

    CliTest.Result tolerant = CliTest.run("ingest", "--master", "local[1]", "--input", in.toString(), "--output",
        tmp.resolve("tolerant.parquet").toString(), "--max-failure-ratio", "0.25");
    assertEquals(0, tolerant.code(), tolerant.err());
    assertTrue(tolerant.out().contains("4 rows in, 3 ok, 1 quarantined"), tolerant.out());
  }
}
