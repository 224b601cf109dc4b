package dev.sparkconv.jobs;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How output rows hold a sample: the canonical tensor columns (id, shape, dtype, data), or, for
 * Spark SQL and MLlib, a flat {@code features} column as array&lt;float&gt; or as an ML vector.
 */
public enum OutputFormat {
  tensor, array, vector;

  public static final String FEATURES = "features";

  /** The schema of one output row; with output nodes a {@code node} column follows. */
  StructType schema(boolean withNode) {
    StructType base = switch (this) {
      case tensor -> TensorRows.SCHEMA;
      case array -> new StructType().add(TensorRows.ID, DataTypes.StringType, false)
          .add(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
      case vector -> new StructType().add(TensorRows.ID, DataTypes.StringType, false)
          .add(FEATURES, SQLDataTypes.VectorType(), false);
    };
    return withNode ? base.add(InferenceJob.NODE, DataTypes.StringType, false) : base;
  }

  /** One sample of {@code shape} at {@code data[offset]}; {@code node} is null without output nodes. */
  Row row(String id, int[] shape, float[] data, int offset, int size, String node) {
    Object[] values = switch (this) {
      case tensor -> {
        Row r = TensorRows.toRow(id, shape, data, offset);
        yield new Object[] {r.get(0), r.get(1), r.get(2), r.get(3)};
      }
      case array -> new Object[] {id, java.util.Arrays.copyOfRange(data, offset, offset + size)};
      case vector -> {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
          v[i] = data[offset + i];
        }
        yield new Object[] {id, Vectors.dense(v)};
      }
    };
    if (node == null) {
      return RowFactory.create(values);
    }
    Object[] withNode = java.util.Arrays.copyOf(values, values.length + 1);
    withNode[values.length] = node;
    return RowFactory.create(withNode);
  }
}
