#!/usr/bin/python3
"""Exports the whole-model benchmark suite to ONNX for `scripts/bench model`: torchvision's ResNet-18,
MobileNetV2 and ShuffleNetV2 (1.0x) with seeded random weights, eval mode, opset 13, a dynamic batch
axis, input named "x". Writes <out>/<name>/model.onnx (not committed: tens of MB), then times PyTorch itself
on each model, one thread, no autograd, at each batch size (best of --reps after warm-up, as the conv suite),
into <out>/pytorch.tsv: name, batch, best seconds per call. ModelBench prints those beside its own figures.
BENCH_MODELS=name,... picks other models of MODELS (EfficientNet-B0 and ConvNeXt-T, issue 14's profile).
Usage: /usr/bin/python3 scripts/gen_bench_models.py OUT_DIR [--batches 1,8] [--reps N] [--no-pytorch]"""
import os
import sys

import torch
import torchvision

from gen_bench_onnx import best_seconds

MODELS = {
    "resnet18": torchvision.models.resnet18,
    "mobilenet_v2": torchvision.models.mobilenet_v2,
    "shufflenet_v2": torchvision.models.shufflenet_v2_x1_0,
    "efficientnet_b0": torchvision.models.efficientnet_b0,
    "convnext_tiny": torchvision.models.convnext_tiny,
}
DEFAULT = "resnet18,mobilenet_v2,shufflenet_v2"


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: gen_bench_models.py OUT_DIR [--batches 1,8] [--reps N] [--no-pytorch]")
    out = args[0]
    batches = [int(b) for b in option(args, "--batches", "1,8").split(",")]
    reps = int(option(args, "--reps", "5"))
    torch.set_num_threads(1)
    timings = os.path.join(out, "pytorch.tsv")
    if os.path.exists(timings):
        os.remove(timings)  # never compare with figures from another run
    rows = []
    for name in os.environ.get("BENCH_MODELS", DEFAULT).split(","):
        build = MODELS[name]
        path = os.path.join(out, name, "model.onnx")
        torch.manual_seed(0)
        model = build().eval()
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13, input_names=["x"],
                              output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
        if "--no-pytorch" in args:
            continue
        with torch.no_grad():
            for batch in batches:
                x = torch.randn(batch, 3, 224, 224)
                seconds = best_seconds(lambda: model(x), reps)
                print("gen_bench_models: %s batch %d pytorch %.1f images/s" % (name, batch, batch / seconds),
                      file=sys.stderr)
                rows.append("%s\t%d\t%.9f\n" % (name, batch, seconds))
    if rows:
        with open(timings, "w") as f:
            f.writelines(rows)


def option(args, name, default):
    return args[args.index(name) + 1] if name in args else default


if __name__ == "__main__":
    main()
