#!/usr/bin/python3
"""Writes the model zoo's full-size specs from scripts/fixtures/zoo.py's descriptions.

conf/models/<model>.json (seeded weights) and conf/models/zoo-params.json (input and output shapes,
and the parameter counts PyTorch reports for the full-size modules, which ZooTest checks the Java
networks against). Before writing, checks the ResNet-18, MobileNetV2 and VGG-11 descriptions against
torchvision's modules (state_dict names and shapes, outputs with the same weights). The reduced
fixtures of the same descriptions are written by scripts/gen_fixtures.py (family "zoo").
Run with Debian's PyTorch: /usr/bin/python3 scripts/gen_zoo.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))

import torch  # noqa: E402

import zoo  # noqa: E402


def main():
    torch.set_num_threads(1)
    with torch.no_grad():
        for name, diff in zoo.check_torchvision().items():
            print("%s matches torchvision (max |diff| %.2g)" % (name, diff))
        params = zoo.write_conf()
    print(json.dumps(params, indent=1))
    print()
    print(readme_table(params))


def readme_table(params):
    """The README's model zoo table."""
    rows = ["| model | input | output | parameters (PyTorch) | after batch-norm folding |", "|---|---|---|---:|---:|"]
    for name, p in params.items():
        rows.append("| `%s` | %s | %s | %s | %s |" % (
            name, "x".join(map(str, p["input_shape"])), "x".join(map(str, p["output_shape"])),
            format(p["parameters"], ","), format(p["folded_parameters"], ",")))
    return "\n".join(rows)


if __name__ == "__main__":
    main()
