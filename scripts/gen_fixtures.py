#!/usr/bin/python3
"""Writes the PyTorch conformance fixtures that OperatorConformanceTest reads.

One folder per case under io/src/test/resources/fixtures/<op>/<case>/ (the ONNX backend-test
layout): params.json (a layer entry of the native model spec), input.npy, the layer's tensors as
<tensor>.npy, and expected.npy, all float32 in C order. Case names state their parameters. Whole
networks have model.json (a native spec) and <layer>.<tensor>.npy instead.

Each module in scripts/fixtures/ (but common.py) has a generate() for one family of operators.
Run with a Python that has torch (on Debian: /usr/bin/python3). Deterministic: every case seeds
torch from its own name, so re-running rewrites identical files; the fixtures folder is replaced
as a whole so removed cases do not linger, and nothing else is written.
"""
import importlib
import os
import shutil
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
sys.path.insert(0, HERE)

import torch  # noqa: E402

from common import ROOT  # noqa: E402


def main():
    torch.set_num_threads(1)  # one summation order, the same on every run
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    families = sorted(f[:-3] for f in os.listdir(HERE) if f.endswith(".py") and f != "common.py")
    with torch.no_grad():
        for family in families:
            importlib.import_module(family).generate()


if __name__ == "__main__":
    main()
