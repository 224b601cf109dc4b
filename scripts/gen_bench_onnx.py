#!/usr/bin/python3
"""Writes the single-layer suite that `scripts/bench conv` runs, and times PyTorch on it.

Usage: /usr/bin/python3 scripts/gen_bench_onnx.py OUT_DIR [--no-pytorch] [--reps N]

For each layer: OUT_DIR/<name>/model.onnx (torch.onnx.export, input "x" with a batch of 1, output
"y"), weight.bin and bias.bin (float32, little-endian, PyTorch's layouts), and one line in
OUT_DIR/manifest.tsv that ConvBench parses:

  name  op  in_channels  out_channels  kernel  stride  padding  groups  input_shape  pytorch_seconds

(lists comma-separated, input_shape without the batch, op "conv" or "conv_transpose",
pytorch_seconds the best seconds per call with torch.set_num_threads(1), or "-"). The suite is
defined here only. Weights come from PyTorch's default init, seeded per layer name. Generated at
bench time into an ignored folder; nothing here is committed output.
"""
import os
import sys
import time
import zlib

import torch

# name, op, in_channels, out_channels, kernel, stride, padding, groups, input shape (C, spatial...)
LAYERS = [
    ("resnet18_3x3_64c56", "conv", 64, 64, (3, 3), (1, 1), (1, 1), 1, (64, 56, 56)),
    ("resnet18_3x3_128c28", "conv", 128, 128, (3, 3), (1, 1), (1, 1), 1, (128, 28, 28)),
    ("resnet18_3x3_256c14", "conv", 256, 256, (3, 3), (1, 1), (1, 1), 1, (256, 14, 14)),
    ("resnet18_3x3_512c7", "conv", 512, 512, (3, 3), (1, 1), (1, 1), 1, (512, 7, 7)),
    ("resnet18_1x1s2_64to128c56", "conv", 64, 128, (1, 1), (2, 2), (0, 0), 1, (64, 56, 56)),
    ("resnet18_1x1s2_256to512c14", "conv", 256, 512, (1, 1), (2, 2), (0, 0), 1, (256, 14, 14)),
    ("mobilenetv2_1x1_24to144c56", "conv", 24, 144, (1, 1), (1, 1), (0, 0), 1, (24, 56, 56)),
    ("mobilenetv2_1x1_144to24c56", "conv", 144, 24, (1, 1), (1, 1), (0, 0), 1, (144, 56, 56)),
    ("mobilenetv2_dw3x3_144c56", "conv", 144, 144, (3, 3), (1, 1), (1, 1), 144, (144, 56, 56)),
    ("alexnet_conv2_96to256_5x5g2c27", "conv", 96, 256, (5, 5), (1, 1), (2, 2), 2, (96, 27, 27)),
    ("transposed_64to32_k4s2c28", "conv_transpose", 64, 32, (4, 4), (2, 2), (1, 1), 1, (64, 28, 28)),
    ("conv3d_64to128_k3_8x28x28", "conv", 64, 128, (3, 3, 3), (1, 1, 1), (1, 1, 1), 1, (64, 8, 28, 28)),
]

MODULES = {
    ("conv", 1): torch.nn.Conv1d, ("conv", 2): torch.nn.Conv2d, ("conv", 3): torch.nn.Conv3d,
    ("conv_transpose", 1): torch.nn.ConvTranspose1d, ("conv_transpose", 2): torch.nn.ConvTranspose2d,
    ("conv_transpose", 3): torch.nn.ConvTranspose3d,
}


def best_seconds(fn, reps, warmup=0.5, min_rep=0.1):
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < warmup:
        fn()
        calls += 1
    t = time.perf_counter()
    fn()
    inner = max(1, int(min_rep / max(time.perf_counter() - t, 1e-9)) + 1)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        best = min(best, (time.perf_counter() - t0) / inner)
    return best


def csv(values):
    return ",".join(str(v) for v in values)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit("usage: gen_bench_onnx.py OUT_DIR [--no-pytorch] [--reps N]")
    out_dir = args[0]
    time_pytorch = "--no-pytorch" not in args
    reps = int(args[args.index("--reps") + 1]) if "--reps" in args else 5
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    lines = []
    for name, op, cin, cout, kernel, stride, padding, groups, shape in LAYERS:
        torch.manual_seed(zlib.crc32(name.encode()))
        module = MODULES[(op, len(kernel))](cin, cout, kernel, stride=stride, padding=padding,
                                            groups=groups).eval()
        x = torch.rand((1,) + shape) * 2 - 1
        layer_dir = os.path.join(out_dir, name)
        os.makedirs(layer_dir, exist_ok=True)
        with torch.no_grad():
            torch.onnx.export(module, x, os.path.join(layer_dir, "model.onnx"), input_names=["x"],
                              output_names=["y"], opset_version=13)
            module.weight.numpy().astype("<f4").tofile(os.path.join(layer_dir, "weight.bin"))
            module.bias.numpy().astype("<f4").tofile(os.path.join(layer_dir, "bias.bin"))
            seconds = best_seconds(lambda: module(x), reps) if time_pytorch else None
        lines.append("\t".join([name, op, str(cin), str(cout), csv(kernel), csv(stride), csv(padding),
                                str(groups), csv(shape), "-" if seconds is None else "%.9f" % seconds]))
        print("gen_bench_onnx: %s%s" % (name, "" if seconds is None else " pytorch %.3f ms" % (seconds * 1e3)),
              file=sys.stderr)
    with open(os.path.join(out_dir, "manifest.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
