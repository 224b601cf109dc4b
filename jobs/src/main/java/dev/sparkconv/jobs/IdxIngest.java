package dev.sparkconv.jobs;

import dev.sparkconv.io.Idx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * MNIST-style IDX files (images N x H x W, labels N; gzip or not) to Parquet tensor rows of shape
 * (1, H, W), dtype uint8, with an int {@code label} column when labels are given; id =
 * {@code <images file stem>#<index>}. The files are read on the driver (MNIST's are tens of MB).
 */
public final class IdxIngest {
  public static final String LABEL = "label";

  private IdxIngest() {}

  public static RunSummary run(SparkSession spark, Path images, Path labels, String output, boolean overwrite)
      throws IOException {
    long start = System.nanoTime();
    Idx.Array pixels = Idx.read(images);
    if (pixels.dims().length != 3) {
      throw new IOException(images + ": expected N x H x W images but the dimensions are " + Arrays.toString(pixels.dims()));
    }
    int n = pixels.dims()[0];
    Idx.Array classes = labels == null ? null : Idx.read(labels);
    if (classes != null && (classes.dims().length != 1 || classes.dims()[0] != n)) {
      throw new IOException(labels + ": expected " + n + " labels (one per image of " + images + ") but the dimensions are "
          + Arrays.toString(classes.dims()));
    }
    String stem = images.getFileName().toString().replaceAll("\\.gz$", "");
    int[] shape = {1, pixels.dims()[1], pixels.dims()[2]};
    int size = pixels.itemSize();
    StructType schema = classes == null ? TensorRows.SCHEMA : TensorRows.SCHEMA.add(LABEL, DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row tensor = TensorRows.rawRow(stem + "#" + i, shape, "uint8", Arrays.copyOfRange(pixels.data(), i * size, (i + 1) * size));
      rows.add(classes == null ? tensor
          : RowFactory.create(tensor.get(0), tensor.get(1), tensor.get(2), tensor.get(3), classes.data()[i] & 0xFF));
    }
    spark.createDataFrame(rows, schema).write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
        .options(TensorRows.WRITE_OPTIONS).parquet(output);
    return new RunSummary("ingest", n, n, 0, 0, (System.nanoTime() - start) / 1e9, output, "-", null, null);
  }
}
