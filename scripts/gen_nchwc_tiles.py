#!/usr/bin/env python3
"""Writes VectorNchwc's five-position pair tiles (tile5x2, direct5x2) from its six-position ones (tile6x2, direct6x2),
the pointwise tiles without a clamp (tile12x1Plain, tile6x4Plain, ...) and those clamping on the bits
(tile12x1Bits, ...), and the direct tiles for windows in a row (direct6x4Row, direct6x4Row1, ...), between
the BEGIN/END generated markers: the tiles are unrolled by hand (C2 keeps vectors in registers only in straight-line
code), so a five-position tile is the six-position one with position 5 taken out, a Plain tile the tile less its
clamp, a Bits tile the tile with an int clamp and a NaN check, and a Row tile the tile with its six windows at
constant offsets (methods of their own: see VectorNchwc's class comment). Edit the six-position tiles, then run
    python3 scripts/gen_nchwc_tiles.py
"""
import pathlib
import re

import generated_region

TARGET = (pathlib.Path(__file__).resolve().parent.parent
          / "operators/src/main/java/dev/sparkconv/kernel/VectorNchwc.java")
BEGIN, END = generated_region.markers(__file__)


def five_positions(six, name):
    five = six.replace(name, name.replace("6x", "5x"), 1).replace(", a5 = a0", "").replace(", b5 = b0", "")
    five = five.replace("rowStep(g, p, 6)", "rowStep(g, p, 5)")
    # Position 5's corner, broadcast, accumulators and stores.
    return "\n".join(line for line in five.split("\n") if not re.search(r"\b(x5|y5|a5|b5)\b", line))


def plain(tile, name):
    """The tile without its clamp, for a layer whose bounds are both infinite."""
    body = tile.replace(f"void {name}(", f"void {name}Plain(", 1)
    body = body.replace(", float lo, float hi, float[] out", ", float[] out")
    body = re.sub(r"high\.min\(low\.max\((\w+)\)\)\.intoArray", r"\1.intoArray", body)
    body = re.sub(r"FloatVector\.broadcast\(S, hi\)\.min\(FloatVector\.broadcast\(S, lo\)\.max\((\w+)\)\)\.intoArray",
                  r"\1.intoArray", body)
    lines = [line for line in body.split("\n") if not re.match(r"\s*FloatVector (low|high) = ", line)]
    return generated_region.plain_doc(name) + "\n".join(lines)


def sum_tree(names):
    """A balanced sum of the accumulators `names` (a NaN in any makes it NaN), short dependency chains."""
    if len(names) == 1:
        return names[0]
    half = (len(names) + 1) // 2
    left, right = sum_tree(names[:half]), sum_tree(names[half:])
    return f"{left}.add({right})"


def bits(tile, name):
    """The tile clamping the floats' bits as ints, for bounds at or above +0.0 (their bits, `lo` and `hi`, as
    parameters): where an accumulator is NaN it stores nothing and returns false, and its caller runs the tile."""
    body = tile.replace(f"private static void {name}(", f"private static boolean {name}Bits(", 1)
    body = body.replace(", float lo, float hi, float[] out", ", int lo, int hi, float[] out")
    head, rest = body.split("\n", 1)
    while len(head) > 120:  # the longer name: the first line's last parameter moves to the next
        head, last = head.rsplit(", ", 1)
        head, rest = head + ",", rest.replace("      ", f"      {last} ", 1)
    body = head + "\n" + rest
    body = body.replace("FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo)", "high.min(low")
    body = "\n".join(line for line in body.split("\n") if not re.match(r"\s*FloatVector (low|high) = ", line))
    accumulators = re.findall(r"high\.min\(low\.max\((\w+)\)\)\.intoArray", body)
    body = re.sub(r"max\((\w+)\)\)\.intoArray", r"max(\1.reinterpretAsInts())).reinterpretAsFloats().intoArray", body)
    groups = sorted({a[0] for a in accumulators})
    sums = [f"    FloatVector {g}NaN = {sum_tree([a for a in accumulators if a[0] == g])};\n" for g in groups]
    check = re.search(r"^    int o = ", body, re.M).start()
    body = (body[:check] + "".join(sums)
            + f"    if ({sum_tree([g + 'NaN' for g in groups])}.test(VectorOperators.IS_NAN).anyTrue()) {{\n"
            "      return false;\n    }\n"
            "    IntVector low = IntVector.broadcast(I, lo);\n    IntVector high = IntVector.broadcast(I, hi);\n"
            + body[check:])
    body = body[:body.rindex("  }\n")] + "    return true;\n  }\n"
    doc = f"  /** {{@link #{name}}} clamping the bits (see the class comment): false where it stored nothing. */\n"
    return doc + body


def in_row(tile, name, step, suffix):
    """The direct tile for six windows of one output row, `step` floats apart (L: stride 1 on a blocked input; 1 or
    2: stride 1 or 2 on a plain one): its broadcasts at constant offsets from one index, so that C2 checks their
    bounds once, not six times."""
    body = tile.replace(f"void {name}(", f"void {name}{suffix}(", 1)
    body = "\n".join(line for line in body.split("\n") if not re.match(r"\s*int (x[1-5]|step) = ", line))
    body = body.replace("      int x = taps[j];\n", "      int y = x0 + taps[j];\n", 1)
    offsets = {k: "" if k == "0" else f" + {k}" if step == "1" else f" + {k} * {step}" for k in "012345"}
    body = re.sub(r"in\[x(\d) \+ x\]", lambda m: f"in[y{offsets[m.group(1)]}]", body)
    doc = f"  /** {{@link #{name}}} for six windows in a row, {step} floats apart: see {{@link #directQuad}}. */\n"
    return doc + body


def main():
    text = TARGET.read_text()
    fives = {name.replace("6x", "5x"): five_positions(generated_region.method(text, name), name)
             for name in ("tile6x2", "direct6x2")}
    pointwise = {name: generated_region.method(text, name) for name in ("tile12x1", "tile6x4", "tile6x2")}
    pointwise["tile5x2"] = fives["tile5x2"]
    plains = [plain(tile, name) for name, tile in pointwise.items()]
    bit_tiles = [bits(tile, name) for name, tile in pointwise.items()]
    direct = {name: generated_region.method(text, name) for name in ("direct6x4", "direct6x2")}
    rows = [in_row(direct[name], name, step, suffix) for name, step, suffix in
            (("direct6x4", "L", "Row"), ("direct6x4", "2", "Row2"), ("direct6x4", "1", "Row1"),
             ("direct6x2", "2", "Row2"))]
    generated_region.replace(TARGET, BEGIN, END, "\n".join(list(fives.values()) + plains + bit_tiles + rows))


if __name__ == "__main__":
    main()
