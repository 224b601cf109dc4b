#!/usr/bin/python3
"""Writes the ONNX breadth fixtures (issue 14) that OnnxBreadthTest reads, under
io/src/test/resources/onnx_breadth/:

  families/<family>_opset<N>/  torchvision architectures at reduced width and a small input, seeded weights,
                               batch-norm statistics from one random batch, exported by torch.onnx at opsets 13
                               and 17 (the newest torch 1.13 writes);
  ops/<case>/                  one op or pattern each: small torch modules, or graphs built with onnx.helper
                               where torch does not export the op (opset 18 and 19 ops, DeformConv);
  errors/<case>/               models whose load must fail naming the node, the op and the attribute.

Each case folder has model.onnx, input.npy and expected.npy (PyTorch's or torchvision's output for that input);
versions.json records the library versions. Run with Debian's Python: /usr/bin/python3 scripts/gen_onnx_breadth.py
Deterministic: each case seeds torch from its name; the folder is replaced as a whole.
"""
import json
import os
import shutil
import sys

import onnx
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from breadth import families, ops  # noqa: E402
from breadth.common import ROOT  # noqa: E402


def main():
    torch.set_num_threads(1)
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    with open(os.path.join(ROOT, "versions.json"), "w") as f:
        json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "onnx": onnx.__version__},
                  f, indent=2, sort_keys=True)
        f.write("\n")
    with torch.no_grad():
        ops.generate()
        families.generate()
    total = 0
    for dirpath, _, files in os.walk(ROOT):
        total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    print("onnx_breadth: %.2f MB" % (total / 1e6))


if __name__ == "__main__":
    main()
