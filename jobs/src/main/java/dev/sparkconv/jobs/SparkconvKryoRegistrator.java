package dev.sparkconv.jobs;

import com.esotericsoftware.kryo.Kryo;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Registers every class a broadcast network holds, so that Spark can run with
 * {@code spark.kryo.registrationRequired=true} (tests do) and Kryo writes class ids, not names.
 */
public final class SparkconvKryoRegistrator implements KryoRegistrator {
  /** The layer classes of the operator set: one list, also checked by the tests. */
  static final Class<?>[] LAYERS = {
      dev.sparkconv.nn.Conv.class, dev.sparkconv.nn.ChannelShuffle.class, dev.sparkconv.nn.SeparableConv2d.class,
      dev.sparkconv.nn.FlattenedConv2d.class, dev.sparkconv.nn.Relu.class, dev.sparkconv.nn.MaxPool2d.class,
      dev.sparkconv.nn.AvgPool2d.class, dev.sparkconv.nn.GlobalAvgPool.class, dev.sparkconv.nn.Flatten.class,
      dev.sparkconv.nn.Linear.class, dev.sparkconv.nn.Softmax.class,
      // single-input operators: pooling
      dev.sparkconv.nn.MaxPool.class, dev.sparkconv.nn.AvgPool.class, dev.sparkconv.nn.MixedPool.class,
      dev.sparkconv.nn.LpPool.class, dev.sparkconv.nn.GlobalMaxPool.class, dev.sparkconv.nn.AdaptivePool.class,
      dev.sparkconv.nn.SpatialPyramidPool.class,
      // activations
      dev.sparkconv.nn.Clip.class, dev.sparkconv.nn.LeakyRelu.class, dev.sparkconv.nn.PRelu.class,
      dev.sparkconv.nn.Elu.class, dev.sparkconv.nn.Sigmoid.class, dev.sparkconv.nn.Tanh.class,
      dev.sparkconv.nn.HardSigmoid.class, dev.sparkconv.nn.HardSwish.class, dev.sparkconv.nn.Silu.class,
      dev.sparkconv.nn.Gelu.class,
      // shape ops and normalization
      dev.sparkconv.nn.Reshape.class, dev.sparkconv.nn.Permute.class, dev.sparkconv.nn.Pad.class,
      dev.sparkconv.nn.Slice.class, dev.sparkconv.nn.Dropout.class, dev.sparkconv.nn.Upsample.class,
      dev.sparkconv.nn.BatchNorm.class, dev.sparkconv.nn.LocalResponseNorm.class,
      dev.sparkconv.nn.ConvTranspose.class, dev.sparkconv.nn.DeformConv2d.class,
      dev.sparkconv.nn.LocallyConnected2d.class, dev.sparkconv.nn.TiledConv2d.class,
      dev.sparkconv.nn.Split.class, dev.sparkconv.nn.ConstantArithmetic.class, dev.sparkconv.nn.ErfLayer.class,
      dev.sparkconv.nn.Triangle.class, dev.sparkconv.nn.Sqrt.class, dev.sparkconv.nn.PatchNorm2d.class,
      dev.sparkconv.nn.LayerNorm.class, dev.sparkconv.nn.GroupNorm.class, dev.sparkconv.nn.Reduce.class,
      dev.sparkconv.nn.UnaryMath.class, dev.sparkconv.nn.Tile.class,
  };

  /** The multi-input operators (graph nodes that are not layers). */
  static final Class<?>[] JOINS = {
      dev.sparkconv.nn.Add.class, dev.sparkconv.nn.Sub.class, dev.sparkconv.nn.Mul.class,
      dev.sparkconv.nn.Concat.class, dev.sparkconv.nn.BinaryMath.class, dev.sparkconv.nn.Where.class,
      dev.sparkconv.nn.MatMulJoin.class, dev.sparkconv.nn.DeformConvJoin.class,
  };

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(Network.class);
    kryo.register(Layer[].class);
    kryo.register(int[].class);
    kryo.register(int[][].class);
    kryo.register(float[].class);
    kryo.register(double[].class);
    kryo.register(String[].class);
    kryo.register(dev.sparkconv.nn.Node.class);
    kryo.register(dev.sparkconv.nn.Node[].class);
    for (Class<?> join : JOINS) {
      kryo.register(join);
    }
    for (Class<?> layer : LAYERS) {
      kryo.register(layer);
    }
    kryo.register(dev.sparkconv.nn.PaddingMode.class); // a field of Conv
    kryo.register(dev.sparkconv.nn.PackedWeights.class); // the conv family's packed-weight cache: arrives empty
    for (Class<?> kind : new Class<?>[] {dev.sparkconv.nn.ConstantArithmetic.Kind.class, // fields of ONNX ops
        dev.sparkconv.nn.Reduce.Kind.class, dev.sparkconv.nn.UnaryMath.Kind.class, dev.sparkconv.nn.BinaryMath.Kind.class}) {
      kryo.register(kind);
    }
    // towers: one broadcast per tower, and the pieces their gathers shuffle
    kryo.register(TowerShard.class);
    kryo.register(Network[].class);
    kryo.register(Piece.class);
    // Parquet schema inference ships the output schemas (tensor, array, ML vector) between tasks and the driver.
    for (Class<?> type : new Class<?>[] {StructType.class, StructType[].class, StructField.class,
        StructField[].class, ArrayType.class, Metadata.class, DataTypes.StringType.getClass(),
        DataTypes.IntegerType.getClass(), DataTypes.BinaryType.getClass(), DataTypes.FloatType.getClass(),
        DataTypes.DoubleType.getClass(), DataTypes.ByteType.getClass(),
        org.apache.spark.ml.linalg.SQLDataTypes.VectorType().getClass()}) {
      kryo.register(type);
    }
    kryo.register(FileIngest.Refusal.class); // ingest: refused files are reported to the driver
    kryo.register(LearnFilters.Patch.class); // learn-filters: the lowest-key patches come back to the driver
    kryo.register(LearnFilters.Patch[].class);
    kryo.register(double[][].class);
    for (String mllib : new String[] {"org.apache.spark.mllib.clustering.VectorWithNorm", // MLlib k-means' centres
        "[Lorg.apache.spark.mllib.clustering.VectorWithNorm;", "org.apache.spark.mllib.linalg.DenseVector",
        "[Lorg.apache.spark.mllib.linalg.DenseVector;", "[Lorg.apache.spark.mllib.linalg.Vector;"}) {
      try {
        kryo.register(Class.forName(mllib));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Spark MLlib class " + mllib + " is missing", e);
      }
    }
    // toLocalIterator (export) returns each partition as chunked buffers.
    kryo.register(org.apache.spark.util.io.ChunkedByteBuffer[].class);
  }
}
