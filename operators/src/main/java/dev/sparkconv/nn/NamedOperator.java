package dev.sparkconv.nn;

/**
 * What every built-in layer and join shares: a validated name, and the error wording that names
 * the operator, the layer and the parameter.
 */
abstract class NamedOperator {
  private final String name;

  NamedOperator(String op, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(op + ": parameter 'name' must be a non-empty string but is "
          + (name == null ? "null" : "\"\""));
    }
    this.name = name;
  }

  public final String name() {
    return name;
  }

  public abstract String op();

  /** "layer 'c1' (conv2d)", the prefix ShapeException also uses. */
  final String where() {
    return "layer '" + name + "' (" + op() + ")";
  }

  final IllegalArgumentException badParameter(String parameter, String rule, String actual) {
    return new IllegalArgumentException(op() + " '" + name + "': parameter '" + parameter + "' " + rule
        + " but is " + actual);
  }

  @Override
  public String toString() {
    return op() + " '" + name + "'";
  }
}
