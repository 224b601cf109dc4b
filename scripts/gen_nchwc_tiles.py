#!/usr/bin/env python3
"""Writes VectorNchwc's five-position pair tiles (tile5x2, direct5x2) from its six-position ones (tile6x2, direct6x2),
and the pointwise tiles without a clamp (tile12x1Plain, tile6x4Plain, tile6x2Plain, tile5x2Plain), between the
BEGIN/END generated markers: the tiles are unrolled by hand (C2 keeps vectors in registers only in straight-line code),
so a five-position tile is the six-position one with position 5 taken out, and a Plain tile the tile less its clamp (a
method of its own: see VectorNchwc's class comment). Edit the six-position tiles, then run
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


def main():
    text = TARGET.read_text()
    fives = {name.replace("6x", "5x"): five_positions(generated_region.method(text, name), name)
             for name in ("tile6x2", "direct6x2")}
    plains = [plain(generated_region.method(text, name), name) for name in ("tile12x1", "tile6x4", "tile6x2")]
    plains.append(plain(fives["tile5x2"], "tile5x2"))
    generated_region.replace(TARGET, BEGIN, END, "\n".join(list(fives.values()) + plains))


if __name__ == "__main__":
    main()
