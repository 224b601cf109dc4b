#!/usr/bin/python3
"""Exports the whole-model benchmark suite to ONNX for `scripts/bench model`: torchvision's ResNet-18,
MobileNetV2 and ShuffleNetV2 (1.0x) with seeded random weights, eval mode, opset 13, a dynamic batch
axis, input named "x". Writes <out>/<name>/model.onnx (not committed: tens of MB).
Usage: /usr/bin/python3 scripts/gen_bench_models.py OUT_DIR"""
import os
import sys

import torch
import torchvision

MODELS = {
    "resnet18": torchvision.models.resnet18,
    "mobilenet_v2": torchvision.models.mobilenet_v2,
    "shufflenet_v2": torchvision.models.shufflenet_v2_x1_0,
}


def main():
    out = sys.argv[1]
    for name, build in MODELS.items():
        path = os.path.join(out, name, "model.onnx")
        if os.path.exists(path):
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        torch.manual_seed(0)
        model = build().eval()
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})


if __name__ == "__main__":
    main()
