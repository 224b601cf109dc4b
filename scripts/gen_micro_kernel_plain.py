#!/usr/bin/env python3
"""Writes VectorMicroKernel's clamp-free Store kernels (computeStorePlain, computeRowsStorePlain) from computeStore and
computeRowsStore, between the BEGIN/END generated markers: a kernel with both epilogues behind a branch made C2
compile it worse (see the class comment), so the one without a clamp is a method of its own. Edit the Store kernels,
then run
    python3 scripts/gen_micro_kernel_plain.py
    python3 scripts/gen_micro_kernel4.py
"""
import pathlib
import re

import generated_region

TARGET = (pathlib.Path(__file__).resolve().parent.parent
          / "operators/src/main/java/dev/sparkconv/kernel/VectorMicroKernel.java")
BEGIN, END = generated_region.markers(__file__)


def plain(text, name):
    body = generated_region.method(text, name).replace(f"void {name}(", f"void {name}Plain(", 1)
    body = body.replace(".max(vlo).min(vhi)", "")
    body = body.replace("float alpha = scalars[0], lo = scalars[2], hi = scalars[3];",
                        "float alpha = scalars[0];")
    body = body.replace("the row's bias\n    // is added and the clamp applied here",
                        "the row's bias\n    // is added here")
    lines = [line for line in body.split("\n") if not re.match(r"\s*FloatVector v(lo|hi) = ", line)]
    return generated_region.plain_doc(name) + "\n".join(lines)


def main():
    text = TARGET.read_text()
    body = "\n".join(plain(text, name) for name in ("computeStore", "computeRowsStore"))
    generated_region.replace(TARGET, BEGIN, END, body)


if __name__ == "__main__":
    main()
