package dev.sparkconv.jobs;

import dev.sparkconv.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Parquet tensor rows to one {@code <id>.npy} per row in a local folder, streamed to the driver. */
public final class NpyExport {
  private NpyExport() {}

  public static RunSummary run(SparkSession spark, String input, Path outputDir) throws IOException {
    long start = System.nanoTime();
    Files.createDirectories(outputDir);
    long rows = 0;
    Iterator<Row> it = spark.read().parquet(input).toLocalIterator();
    while (it.hasNext()) {
      TensorRows.Sample sample = TensorRows.decode(it.next());
      Npy.write(outputDir.resolve(fileName(sample.id())), dev.sparkconv.tensor.Tensor.wrap(sample.data(), sample.shape()));
      rows++;
    }
    return new RunSummary("export", rows, rows, 0, 0, (System.nanoTime() - start) / 1e9, outputDir.toString(), "-", null,
        null);
  }

  /** Ids become file names, so they must not climb out of the folder or be hidden files. */
  static String fileName(String id) {
    if (id.isEmpty() || id.contains("/") || id.contains("\\") || id.startsWith(".")) {
      throw new IllegalArgumentException("record '" + id + "': field 'id' cannot be used as a file name");
    }
    return id + ".npy";
  }
}
