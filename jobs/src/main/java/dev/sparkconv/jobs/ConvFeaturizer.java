package dev.sparkconv.jobs;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Network;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * sparkconv as a Spark ML stage: appends a network's features to every row of tensor rows, for a
 * Pipeline beside LogisticRegression. The tensors are the row's own id/shape/dtype/data columns or a
 * struct column of them ({@code inputCol}). The batches run through the CLI's code path
 * ({@link BatchInference}, {@link Admission}) with the network parsed once on the driver and
 * broadcast once per transformer (Kryo). A refused row gets null features and the reason in
 * {@code errorCol} ({@code handleInvalid} "keep") or is dropped ("skip"). Saved and loaded with
 * its pipeline (the params, with the model and weights as paths).
 */
public final class ConvFeaturizer extends Transformer implements MLWritable {
  private final String uid;
  private final Param<String> modelPath;
  private final Param<String> weightsPath;
  private final Param<String> inputCol;
  private final Param<String> outputNode;
  private final Param<String> outputCol;
  private final Param<String> outputType;
  private final IntParam batchSize;
  private final Param<String> handleInvalid;
  private final Param<String> errorCol;
  private transient Broadcast<Network> broadcast;
  private transient String broadcastKey;

  public ConvFeaturizer() {
    this(Identifiable$.MODULE$.randomUID("convFeaturizer"));
  }

  public ConvFeaturizer(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath", "model file: a native .json spec or an .onnx model");
    weightsPath = new Param<>(this, "weightsPath", "safetensors weights of a native spec (\"\": the spec's own)");
    inputCol = new Param<>(this, "inputCol", "struct column of tensor rows (id, shape, dtype, data), or \"\" for the "
        + "row's own columns");
    outputNode = new Param<>(this, "outputNode", "node whose output is wanted (\"\": the network's output)");
    outputCol = new Param<>(this, "outputCol", "output column");
    outputType = new Param<>(this, "outputType", "vector (ML vector) or array (array<float>)",
        ParamValidators.inArray(new String[] {"vector", "array"}));
    batchSize = new IntParam(this, "batchSize", "samples per network call (>= 1)", ParamValidators.gtEq(1));
    handleInvalid = new Param<>(this, "handleInvalid", "refused rows: keep (null features, reason in errorCol) or skip",
        ParamValidators.inArray(new String[] {"keep", "skip"}));
    errorCol = new Param<>(this, "errorCol", "column of the reason a row was refused (handleInvalid keep)");
    setDefault(weightsPath, "");
    setDefault(inputCol, "");
    setDefault(outputNode, "");
    setDefault(outputCol, OutputFormat.FEATURES);
    setDefault(outputType, "vector");
    setDefault(batchSize, (Object) 32);
    setDefault(handleInvalid, "keep");
    setDefault(errorCol, TensorRows.ERROR);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> modelPath() { return modelPath; }
  public Param<String> weightsPath() { return weightsPath; }
  public Param<String> inputCol() { return inputCol; }
  public Param<String> outputNode() { return outputNode; }
  public Param<String> outputCol() { return outputCol; }
  public Param<String> outputType() { return outputType; }
  public IntParam batchSize() { return batchSize; }
  public Param<String> handleInvalid() { return handleInvalid; }
  public Param<String> errorCol() { return errorCol; }

  public ConvFeaturizer setModelPath(String v) { set(modelPath, v); return this; }
  public ConvFeaturizer setWeightsPath(String v) { set(weightsPath, v); return this; }
  public ConvFeaturizer setInputCol(String v) { set(inputCol, v); return this; }
  public ConvFeaturizer setOutputNode(String v) { set(outputNode, v); return this; }
  public ConvFeaturizer setOutputCol(String v) { set(outputCol, v); return this; }
  public ConvFeaturizer setOutputType(String v) { set(outputType, v); return this; }
  public ConvFeaturizer setBatchSize(int v) { set(batchSize, (Object) v); return this; }
  public ConvFeaturizer setHandleInvalid(String v) { set(handleInvalid, v); return this; }
  public ConvFeaturizer setErrorCol(String v) { set(errorCol, v); return this; }

  private String value(Param<String> p) {
    return getOrDefault(p);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(modelPath)) {
      throw new IllegalArgumentException("ConvFeaturizer " + uid + ": param modelPath is not set");
    }
    String in = value(inputCol);
    StructType tensors = schema;
    if (!in.isEmpty()) {
      if (!Arrays.asList(schema.fieldNames()).contains(in) || !(schema.apply(in).dataType() instanceof StructType s)) {
        throw new IllegalArgumentException("ConvFeaturizer " + uid + ": inputCol '" + in
            + "' must be a struct column of tensor rows; the columns are " + schema.simpleString());
      }
      tensors = s;
    }
    for (String required : new String[] {TensorRows.ID, TensorRows.SHAPE, TensorRows.DTYPE, TensorRows.DATA}) {
      if (!Arrays.asList(tensors.fieldNames()).contains(required)) {
        throw new IllegalArgumentException("ConvFeaturizer " + uid + ": the tensor rows have no '" + required
            + "' field; they have " + tensors.simpleString());
      }
    }
    DataType features = value(outputType).equals("vector") ? SQLDataTypes.VectorType()
        : DataTypes.createArrayType(DataTypes.FloatType, false);
    StructType out = schema.add(value(outputCol), features, true);
    return value(handleInvalid).equals("keep") ? out.add(value(errorCol), DataTypes.StringType, true) : out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    Broadcast<Network> model = network(dataset.sparkSession().sparkContext());
    String node = value(outputNode);
    String[] nodes = node.isEmpty() ? new String[0] : new String[] {node};
    if (nodes.length > 0) {
      model.value().outputShapes(model.value().inputShape(), nodes); // an unknown node fails here, on the driver
    }
    OutputFormat format = OutputFormat.valueOf(value(outputType));
    int batch = (Integer) getOrDefault(batchSize);
    int column = value(inputCol).isEmpty() ? -1 : dataset.schema().fieldIndex(value(inputCol));
    boolean keep = value(handleInvalid).equals("keep");
    LongAccumulator rowsDone = dataset.sparkSession().sparkContext().longAccumulator("sparkconv featurizer rows");
    LayerTimes layerTimes = new LayerTimes();
    dataset.sparkSession().sparkContext().register(layerTimes, "sparkconv featurizer layer nanoseconds");
    return dataset.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new FeaturizedRows(rows,
        model.value(), nodes, format, batch, column, keep, rowsDone, layerTimes), Encoders.row(schema));
  }

  /** Parsed on the driver and broadcast once per transformer (again only when the paths change). */
  private synchronized Broadcast<Network> network(org.apache.spark.SparkContext sc) {
    String key = value(modelPath) + "\n" + value(weightsPath);
    if (broadcast == null || !key.equals(broadcastKey)) {
      String weights = value(weightsPath);
      Network network = ModelLoader.load(Path.of(value(modelPath)), weights.isEmpty() ? null : Path.of(weights));
      broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(network);
      broadcastKey = key;
    }
    return broadcast;
  }

  @Override
  public ConvFeaturizer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  @Override
  public void save(String path) throws java.io.IOException {
    write().save(path);
  }

  public static MLReader<ConvFeaturizer> read() {
    return new DefaultParamsReader<>();
  }

  public static ConvFeaturizer load(String path) {
    return read().load(path);
  }
}
