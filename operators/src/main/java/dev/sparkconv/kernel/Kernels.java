package dev.sparkconv.kernel;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Picks the micro-kernel once per JVM and logs one line saying which and why.
 *
 * <p>The vector kernel is used when module {@code jdk.incubator.vector} is in the boot layer
 * (the JVM was started with {@code --add-modules jdk.incubator.vector}); it is loaded by name so
 * that no class touching the incubator API is loaded when the module is absent. Otherwise the
 * scalar kernel runs. {@code -Dsparkconv.kernel=scalar|vector} forces one; forcing vector
 * without the module is an error, not a silent fallback.
 */
public final class Kernels {

  /** System property that forces a kernel: {@code scalar} or {@code vector}. */
  public static final String PROPERTY = "sparkconv.kernel";

  static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final String VECTOR_CLASS = "dev.sparkconv.kernel.VectorMicroKernel";
  private static final String VECTOR_CLASS_16_REGISTERS = "dev.sparkconv.kernel.VectorMicroKernel4";

  private Kernels() {}

  private static final String VECTOR_AXPY_CLASS = "dev.sparkconv.kernel.VectorAxpy";

  private static final String VECTOR_NCHWC_CLASS = "dev.sparkconv.kernel.VectorNchwc";

  private static Selection selection;
  private static Axpy axpy;
  private static Nchwc nchwc;

  /** The selected micro-kernel (stateless, shared). Selects and logs on first use. */
  public static MicroKernel selected() {
    return selection().kernel();
  }

  /** Why {@link #selected()} chose its kernel, e.g. "jdk.incubator.vector in boot layer". */
  public static String reason() {
    return selection().reason();
  }

  /**
   * The row-update loops of the direct depthwise convolution, on the same side (vector or scalar)
   * as {@link #selected()}.
   */
  public static synchronized Axpy axpy() {
    if (axpy == null) {
      axpy = sameSide(ScalarAxpy::new, VECTOR_AXPY_CLASS);
    }
    return axpy;
  }

  /**
   * The channel-blocked (NCHWc) kernels with B = the vector lanes, or null on the scalar kernel: there B would be
   * 1, and the blocked layout would only add conversions.
   */
  public static synchronized Nchwc nchwc() {
    if (nchwc == null && !(selected() instanceof ScalarMicroKernel)) {
      nchwc = (Nchwc) load(VECTOR_NCHWC_CLASS);
    }
    return nchwc;
  }

  /**
   * Other loops with a vector and a scalar form (image decoding, resizing) follow the kernel's choice:
   * {@code scalar} when the scalar kernel is selected, else an instance of {@code vectorClass}, which
   * is loaded by name so that nothing touches the incubator API without the module.
   */
  @SuppressWarnings("unchecked")
  public static <T> T sameSide(java.util.function.Supplier<T> scalar, String vectorClass) {
    return selected() instanceof ScalarMicroKernel ? scalar.get() : (T) load(vectorClass);
  }

  /** A kernel and the reason it was chosen. */
  record Selection(MicroKernel kernel, String reason) {}

  // Not a holder class: an invalid -Dsparkconv.kernel must surface as its own exception on every
  // call, not as ExceptionInInitializerError and then NoClassDefFoundError.
  private static synchronized Selection selection() {
    if (selection == null) {
      Selection chosen = choose(System.getProperty(PROPERTY),
          ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent());
      System.getLogger(Kernels.class.getName()).log(Level.INFO,
          "sparkconv kernel: " + chosen.kernel().describe() + " (" + chosen.reason() + ")");
      selection = chosen;
    }
    return selection;
  }

  /** The decision itself, free of global state so tests can drive it. */
  static Selection choose(String forced, boolean vectorModulePresent) {
    String mode = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
    switch (mode) {
      case "":
        break;
      case "scalar":
        return new Selection(new ScalarMicroKernel(), "forced by -D" + PROPERTY + "=scalar");
      case "vector":
        if (!vectorModulePresent) {
          throw new IllegalStateException("-D" + PROPERTY + "=vector but module " + VECTOR_MODULE
              + " is not in the boot layer: start the JVM with --add-modules " + VECTOR_MODULE);
        }
        return new Selection(loadVector(), "forced by -D" + PROPERTY + "=vector");
      default:
        throw new IllegalArgumentException(
            "-D" + PROPERTY + " must be 'scalar' or 'vector', got '" + forced + "'");
    }
    if (!vectorModulePresent) {
      return new Selection(new ScalarMicroKernel(), VECTOR_MODULE + " not in boot layer");
    }
    MicroKernel vector;
    try {
      vector = loadVector();
    } catch (IllegalStateException e) {
      return new Selection(new ScalarMicroKernel(), e.getMessage());
    }
    if (vector.nr() < 8) {
      return new Selection(new ScalarMicroKernel(),
          "preferred vector species too narrow for " + vector.describe());
    }
    return new Selection(vector, VECTOR_MODULE + " in boot layer");
  }

  /**
   * Six rows (twelve accumulators) where the ISA has 32 vector registers (AVX-512: NR = 32), four rows where it
   * has 16 (AVX2), whose six-row tile C2 spills to the stack.
   */
  private static MicroKernel loadVector() {
    MicroKernel sixRows = (MicroKernel) load(VECTOR_CLASS);
    return sixRows.nr() >= 32 ? sixRows : (MicroKernel) load(VECTOR_CLASS_16_REGISTERS);
  }

  private static Object load(String className) {
    try {
      return Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load " + className + ": " + e, e);
    }
  }
}
