package dev.sparkconv.nn;

/**
 * The error function for exact GELU, in double, with a relative error below 1.2e-7 everywhere
 * (well under float's 6e-8 ulp after rounding, for the tolerances of a float32 network):
 * for |x| &lt; 0.5 its Maclaurin series summed to double precision; elsewhere
 * 1 - erfc(x) with the Chebyshev fit of Numerical Recipes' erfcc (W. H. Press et al., 2nd ed.,
 * section 6.2, fractional error &lt; 1.2e-7 for every x), where erfc &lt;= 0.48 keeps the error of
 * the difference at the same level. Verified against known values in ErfTest.
 */
public final class Erf {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  private Erf() {}

  public static double erf(double x) {
    if (Math.abs(x) < 0.5) {
      return series(x);
    }
    return x > 0 ? 1 - erfcNonNegative(x) : erfcNonNegative(-x) - 1;
  }

  public static double erfc(double x) {
    if (Math.abs(x) < 0.5) {
      return 1 - series(x);
    }
    return x > 0 ? erfcNonNegative(x) : 2 - erfcNonNegative(-x);
  }

  /** 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)); at |x| &lt; 0.5 a dozen terms reach double precision. */
  private static double series(double x) {
    double x2 = x * x;
    double power = x; // (-1)^n x^(2n+1) / n!
    double sum = x;
    for (int n = 1; n < 30; n++) {
      power *= -x2 / n;
      double term = power / (2 * n + 1);
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
        break;
      }
    }
    return TWO_OVER_SQRT_PI * sum;
  }

  /** Numerical Recipes' erfcc for z &gt;= 0. */
  private static double erfcNonNegative(double z) {
    double t = 1 / (1 + 0.5 * z);
    return t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
  }
}
