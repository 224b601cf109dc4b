package dev.sparkconv.jobs;

import org.apache.spark.sql.SparkSession;

/** The one local SparkSession configuration tests use: Kryo with every class registered. */
final class SparkTestSession {
  private SparkTestSession() {}

  static SparkSession start(String name) {
    return start(name, true);
  }

  /**
   * Without {@code registrationRequired} only for tests that train MLlib models, whose internal
   * aggregation classes are Spark's to register, not ours; everything sparkconv broadcasts is still Kryo-serialized.
   */
  static SparkSession start(String name, boolean registrationRequired) {
    return start(name, registrationRequired, "local[2]");
  }

  /** {@code master}: "local[2,2]" runs every task up to twice, for tests of retried tasks. */
  static SparkSession start(String name, boolean registrationRequired, String master) {
    return SparkSession.builder()
        .master(master)
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .config(NioLocalFileSystem.CONF, NioLocalFileSystem.class.getName())
        .config("spark.kryo.registrationRequired", Boolean.toString(registrationRequired))
        .config("spark.kryo.classesToRegister", PipelineTest.Tripwire.class.getName() + ","
            + PipelineTest.BuggyShapes.class.getName() + "," + InferenceRetryTest.FirstAttemptFails.class.getName())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.executor.heartbeatInterval", "500ms") // running tasks' accumulators reach Progress sooner
        .getOrCreate();
  }
}
