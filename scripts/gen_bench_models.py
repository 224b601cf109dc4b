#!/usr/bin/python3
"""Exports the whole-model benchmark suite to ONNX for `scripts/bench model`: torchvision's ResNet-18,
MobileNetV2, ShuffleNetV2 (1.0x), VGG-11 and the video network r3d_18 (on a 16-frame 112x112 clip), and the
zoo's two-tower AlexNet (scripts/fixtures/zoo.py: grouped conv2/4/5, LRN, fully connected; 227x227), with seeded
random weights, eval mode, opset 13, a dynamic batch axis, input named "x". Writes <out>/<name>/model.onnx (not
committed: tens to hundreds of MB) and <out>/<name>/input_shape (the sample shape, e.g. 3,224,224), then times PyTorch itself
on each model, one thread, no autograd, at each batch size (best of --reps after warm-up, as the conv suite),
into <out>/pytorch.tsv: name, batch, best seconds per call. ModelBench prints those beside its own figures.
BENCH_MODELS=name,... picks other models of MODELS (EfficientNet-B0 and ConvNeXt-T, issue 14's profile).
Usage: /usr/bin/python3 scripts/gen_bench_models.py OUT_DIR [--batches 1,8] [--reps N] [--no-pytorch]"""
import os
import sys

import torch
import torchvision

from gen_bench_onnx import best_seconds

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
import zoo  # noqa: E402


class OnnxLrn(torch.autograd.Function):
    """F.local_response_norm traced as ONNX's own LRN (same definition: alpha / size), not as pad + average pool."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return LOCAL_RESPONSE_NORM(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


LOCAL_RESPONSE_NORM = torch.nn.functional.local_response_norm


def two_tower_alexnet():
    model = zoo.alexnet_two_tower()
    with torch.no_grad():
        model.randomize()  # He-uniform: activations of order one through the unnormalized stack
    return model


IMAGE = (3, 224, 224)
# name: (builder, sample shape)
MODELS = {
    "resnet18": (torchvision.models.resnet18, IMAGE),
    "mobilenet_v2": (torchvision.models.mobilenet_v2, IMAGE),
    "shufflenet_v2": (torchvision.models.shufflenet_v2_x1_0, IMAGE),
    "vgg11": (torchvision.models.vgg11, IMAGE),
    "alexnet_two_tower": (two_tower_alexnet, (3, 227, 227)),
    "r3d_18": (torchvision.models.video.r3d_18, (3, 16, 112, 112)),
    "efficientnet_b0": (torchvision.models.efficientnet_b0, IMAGE),
    "convnext_tiny": (torchvision.models.convnext_tiny, IMAGE),
}
DEFAULT = "resnet18,mobilenet_v2,shufflenet_v2,vgg11,alexnet_two_tower,r3d_18"


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
        build, shape = MODELS[name]
        path = os.path.join(out, name, "model.onnx")
        torch.manual_seed(0)
        model = build().eval()
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            torch.nn.functional.local_response_norm = OnnxLrn.apply
            try:
                torch.onnx.export(model, torch.randn(1, *shape), path, opset_version=13, input_names=["x"],
                                  output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
            finally:
                torch.nn.functional.local_response_norm = LOCAL_RESPONSE_NORM
        with open(os.path.join(out, name, "input_shape"), "w") as f:
            f.write(",".join(map(str, shape)) + "\n")
        if "--no-pytorch" in args:
            continue
        with torch.no_grad():
            for batch in batches:
                x = torch.randn(batch, *shape)
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
