#!/usr/bin/env python3
"""Writes the unrolled 3x3 depthwise row kernels of VectorNchwc (between its BEGIN/END generated markers).

Each kernel computes W outputs of one output row at a time, stride S, no dilation: the (W - 1) * S + 3 input
columns they read are loaded once per input row and feed W independent accumulators (a vector array would be
boxed by C2, so the registers are spelled out). Run after changing the template, then review the diff.
Usage: scripts/gen_nchwc_depthwise.py
"""
import pathlib

import generated_region

KERNELS = [(8, 1), (4, 1), (4, 2)]  # (outputs at a time, stride)
TWO_ROW_KERNELS = [4]  # stride 1, two output rows per pass: outputs at a time per row (8 x 2 ran boxed, 1.5 GFLOPS)
TARGET = pathlib.Path(__file__).resolve().parent.parent / \
    "operators/src/main/java/dev/sparkconv/kernel/VectorNchwc.java"
BEGIN, END = generated_region.markers(__file__)


def kernel(width, stride):
    cols = (width - 1) * stride + 3
    out = [f"""
  /**
   * One output row, {width} outputs at a time (the last group overlapping the one before when {width} does not divide
   * {{@code outW >= {width}}}), stride {stride}: {cols} input columns per input row ({{@link #depthwise}}).
   */
  private static void rows3x3s{stride}w{width}(float[] in, int r0, int r1, int r2, float[] w, int wb, float[] bias,
      int bb, float lo, float hi, float[] out, int dstRow, int outW) {{"""]
    out += [f"    FloatVector w{t} = FloatVector.fromArray(S, w, wb + {t} * L);" for t in range(9)]
    out.append(f"    for (int ow = 0; ow < outW; ow += {width}) {{")
    out.append(f"      int o = Math.min(ow, outW - {width});")
    out.append(f"      int x = o * {stride} * L;")
    out += [f"      FloatVector a{j} = FloatVector.fromArray(S, bias, bb);" for j in range(width)]
    out.append("      FloatVector v;")
    for r in range(3):
        for c in range(cols):
            out.append(f"      v = FloatVector.fromArray(S, in, r{r} + x + {c} * L);")
            out += [f"      a{j} = w{3 * r + c - stride * j}.fma(v, a{j});"
                    for j in range(width) if 0 <= c - stride * j <= 2]
    out.append("      int dst = dstRow + o * L;")
    out += [f"      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a{j})).intoArray(out, dst + {j} * L);"
            for j in range(width)]
    out += ["    }", "  }"]
    return "\n".join(out) + "\n"


def two_rows(width):
    cols = width + 2
    out = [f"""
  /**
   * {{@link #rows3x3s1w{width}}} on two output rows at once, from four input rows (the middle two feed both): at dstRow
   * and dstRow + outW * L.
   */
  private static void rows3x3s1w{width}x2(float[] in, int r0, int r1, int r2, int r3, float[] w, int wb,
      float[] bias, int bb, float lo, float hi, float[] out, int dstRow, int outW) {{"""]
    out += [f"    FloatVector w{t} = FloatVector.fromArray(S, w, wb + {t} * L);" for t in range(9)]
    out.append(f"    for (int ow = 0; ow < outW; ow += {width}) {{")
    out.append(f"      int o = Math.min(ow, outW - {width});")
    out.append("      int x = o * L;")
    out += [f"      FloatVector a{j} = FloatVector.fromArray(S, bias, bb);" for j in range(width)]
    out += [f"      FloatVector b{j} = a{j};" for j in range(width)]
    out.append("      FloatVector v;")
    for r in range(4):
        for c in range(cols):
            out.append(f"      v = FloatVector.fromArray(S, in, r{r} + x + {c} * L);")
            for acc, top in (("a", 0), ("b", 1)):
                k = r - top
                if 0 <= k <= 2:
                    out += [f"      {acc}{j} = w{3 * k + c - j}.fma(v, {acc}{j});"
                            for j in range(width) if 0 <= c - j <= 2]
    out.append("      int dst = dstRow + o * L;")
    for acc, shift in (("a", ""), ("b", " + outW * L")):
        out += [f"      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max({acc}{j})).intoArray(out, dst{shift} + {j} * L);"
                for j in range(width)]
    out += ["    }", "  }"]
    return "\n".join(out) + "\n"


def main():
    body = "".join(kernel(w, s) for w, s in KERNELS) + "".join(two_rows(w) for w in TWO_ROW_KERNELS)
    generated_region.replace(TARGET, BEGIN, END, body)


if __name__ == "__main__":
    main()
