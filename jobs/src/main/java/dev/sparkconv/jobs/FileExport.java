package dev.sparkconv.jobs;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.Png;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Parquet tensor rows to one file per row in a local folder, streamed to the driver: {@code <id>.npy},
 * or {@code <id>.png} for image-shaped rows. An id with '/' (a relative path) becomes the same subfolders.
 */
public final class FileExport {
  public enum Format { npy, png }

  private FileExport() {}

  /** {@code scale}: PNG values are {@code round(v * scale)}; null stretches each image's min..max. */
  public static RunSummary run(SparkSession spark, String input, Path outputDir, Format format, Float scale)
      throws IOException {
    long start = System.nanoTime();
    Files.createDirectories(outputDir);
    long rows = 0;
    long refused = 0;
    Iterator<Row> it = spark.read().parquet(input).toLocalIterator();
    while (it.hasNext()) {
      TensorRows.Sample sample = TensorRows.decode(it.next());
      rows++;
      Path file = file(outputDir, sample.id(), format.name());
      if (format == Format.npy) {
        Npy.write(file, Tensor.wrap(sample.data(), sample.shape()));
      } else if (Png.refusal(sample.shape()) == null) {
        Png.write(file, sample.shape(), sample.data(), scale);
      } else {
        System.err.println("export: record '" + sample.id() + "' not written: " + Png.refusal(sample.shape()));
        refused++;
      }
    }
    return new RunSummary("export", rows, rows - refused, refused, 0, (System.nanoTime() - start) / 1e9,
        outputDir.toString(), "-", null, null);
  }

  /** The file for an id: its '/'-separated parts become folders, and no part may climb out or hide. */
  static Path file(Path outputDir, String id, String extension) throws IOException {
    for (String part : id.split("/", -1)) {
      if (part.isEmpty() || part.startsWith(".") || part.contains("\\")) {
        throw new IllegalArgumentException("record '" + id + "': field 'id' cannot be used as a file path "
            + "(empty part, a part starting with '.', or a backslash)");
      }
    }
    Path file = outputDir.resolve(id + "." + extension).normalize();
    if (!file.startsWith(outputDir.normalize())) {
      throw new IllegalArgumentException("record '" + id + "': field 'id' leads outside " + outputDir);
    }
    Files.createDirectories(file.getParent());
    return file;
  }
}
