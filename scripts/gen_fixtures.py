#!/usr/bin/python3
"""Writes the PyTorch conformance fixtures that OperatorConformanceTest reads.

One folder per case under io/src/test/resources/fixtures/<op>/<case>/ (the ONNX backend-test
layout): params.json, input.npy, weight.npy and bias.npy where the operator has them, and
expected.npy, all float32 in C order. Case names state their parameters. fixtures/lenet5/seed0/
holds a whole LeNet-5 with torch.manual_seed(0) weights saved per layer under the Java layer names.

Run with a Python that has torch (on Debian: /usr/bin/python3). Deterministic: every case seeds
torch from its own name, so re-running rewrites identical files; the fixtures folder is replaced
as a whole so removed cases do not linger, and nothing else is written.
"""
import json
import os
import shutil
import zlib

import numpy as np
import torch
import torch.nn.functional as F
from numpy.lib import format as npf

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "src", "test", "resources", "fixtures")


def pair_name(v):
    return str(v[0]) if v[0] == v[1] else "%dx%d" % tuple(v)


def save(folder, name, tensor):
    a = np.ascontiguousarray(tensor.detach().numpy().astype("<f4"))
    with open(os.path.join(folder, name), "wb") as f:
        npf.write_array(f, a, version=(1, 0))


def case(op, name, params):
    """Seeds torch from the case's name and returns (its folder, a writer for params.json)."""
    torch.manual_seed(zlib.crc32(("%s/%s" % (op, name)).encode()))
    folder = os.path.join(ROOT, op, name)
    os.makedirs(folder)
    with open(os.path.join(folder, "params.json"), "w") as f:
        json.dump(params, f, indent=2, sort_keys=True)
        f.write("\n")
    return folder


def conv2d(n, c, h, w, o, k, s=(1, 1), p=(0, 0), d=(1, 1), g=1, bias=True):
    name = "b%d_c%d_in%dx%d_o%d_k%dx%d_s%s_p%s_d%s_g%d_%s" % (
        n, c, h, w, o, k[0], k[1], pair_name(s), pair_name(p), pair_name(d), g, "bias" if bias else "nobias")
    params = {"in_channels": c, "out_channels": o, "kernel": list(k), "stride": list(s), "padding": list(p),
              "dilation": list(d), "groups": g, "bias": bias}
    folder = case("conv2d", name, params)
    m = torch.nn.Conv2d(c, o, k, stride=s, padding=p, dilation=d, groups=g, bias=bias)
    x = torch.randn(n, c, h, w)
    save(folder, "input.npy", x)
    save(folder, "weight.npy", m.weight)
    if bias:
        save(folder, "bias.npy", m.bias)
    save(folder, "expected.npy", m(x))


def pool(kind, n, c, h, w, k, s, p=(0, 0), ceil=False, include_pad=True):
    name = "b%d_c%d_in%dx%d_k%dx%d_s%s_p%s_%s" % (n, c, h, w, k[0], k[1], pair_name(s), pair_name(p),
                                                 "ceil" if ceil else "floor")
    params = {"kernel": list(k), "stride": list(s), "padding": list(p), "ceil_mode": ceil}
    if kind == "avgpool2d":
        name += "_incpad" if include_pad else "_excpad"
        params["count_include_pad"] = include_pad
        m = torch.nn.AvgPool2d(k, s, p, ceil_mode=ceil, count_include_pad=include_pad)
    else:
        m = torch.nn.MaxPool2d(k, s, p, ceil_mode=ceil)
    folder = case(kind, name, params)
    x = torch.randn(n, c, h, w)
    save(folder, "input.npy", x)
    save(folder, "expected.npy", m(x))


def unary(op, name, shape, fn, scale=1.0, offset=0.0):
    folder = case(op, name, {})
    x = torch.randn(*shape) * scale + offset
    save(folder, "input.npy", x)
    save(folder, "expected.npy", fn(x))


def linear(n, i, o, bias=True):
    name = "b%d_in%d_out%d_%s" % (n, i, o, "bias" if bias else "nobias")
    folder = case("linear", name, {"in_features": i, "out_features": o, "bias": bias})
    m = torch.nn.Linear(i, o, bias=bias)
    x = torch.randn(n, i)
    save(folder, "input.npy", x)
    save(folder, "weight.npy", m.weight)
    if bias:
        save(folder, "bias.npy", m.bias)
    save(folder, "expected.npy", m(x))


class LeNet5(torch.nn.Module):
    """PyTorch's tutorial LeNet-5 (ReLU, max pooling), attributes named like the Java layers."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(1, 6, 5)
        self.c3 = torch.nn.Conv2d(6, 16, 5)
        self.f5 = torch.nn.Linear(400, 120)
        self.f6 = torch.nn.Linear(120, 84)
        self.f7 = torch.nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.f5(x))
        x = F.relu(self.f6(x))
        return F.softmax(self.f7(x), dim=1)


def lenet5():
    def conv(name, c, o):
        return {"name": name, "op": "conv2d", "in_channels": c, "out_channels": o, "kernel": [5, 5],
                "stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1, "bias": True}

    def fc(name, i, o):
        return {"name": name, "op": "linear", "in_features": i, "out_features": o, "bias": True}

    def maxpool(name):
        return {"name": name, "op": "maxpool2d", "kernel": [2, 2], "stride": [2, 2], "padding": [0, 0],
                "ceil_mode": False}

    layers = [conv("c1", 1, 6), {"name": "relu1", "op": "relu"}, maxpool("s2"),
              conv("c3", 6, 16), {"name": "relu3", "op": "relu"}, maxpool("s4"),
              {"name": "flatten", "op": "flatten"},
              fc("f5", 400, 120), {"name": "relu5", "op": "relu"},
              fc("f6", 120, 84), {"name": "relu6", "op": "relu"},
              fc("f7", 84, 10), {"name": "softmax", "op": "softmax"}]
    folder = case("lenet5", "seed0", {"input_shape": [1, 32, 32], "layers": layers})
    torch.manual_seed(0)  # the weights are the ones torch.manual_seed(0) gives, as the folder name says
    model = LeNet5()
    for key, value in model.state_dict().items():
        save(folder, key + ".npy", value)
    x = torch.randn(3, 1, 32, 32)
    save(folder, "input.npy", x)
    save(folder, "expected.npy", model(x))


def main():
    torch.set_num_threads(1)  # one summation order, the same on every run
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    with torch.no_grad():
        conv2d(1, 3, 8, 8, 4, (3, 3))
        conv2d(1, 3, 7, 7, 4, (3, 3), p=(1, 1))
        conv2d(2, 4, 9, 9, 6, (3, 3), s=(2, 2), p=(1, 1), g=2)
        conv2d(1, 2, 10, 10, 3, (3, 3), p=(2, 2), d=(2, 2))
        conv2d(1, 6, 7, 7, 6, (3, 3), p=(1, 1), g=6)                  # depthwise
        conv2d(1, 4, 6, 6, 8, (3, 3), s=(2, 2), p=(1, 1), g=4)        # depthwise, multiplier 2
        conv2d(1, 5, 6, 5, 7, (1, 1))                                 # 1x1 stride 1
        conv2d(1, 4, 5, 6, 6, (1, 1), g=2, bias=False)                # 1x1 stride 1, grouped
        conv2d(1, 4, 7, 7, 3, (1, 1), s=(2, 2))                       # 1x1 stride 2
        conv2d(1, 2, 3, 3, 3, (5, 5), p=(2, 2))                       # kernel larger than the input
        conv2d(1, 2, 10, 11, 2, (2, 2), s=(3, 3))                     # stride larger than the kernel
        conv2d(1, 3, 9, 12, 4, (3, 5), s=(1, 2), p=(1, 2), d=(2, 1))  # non-square kernel, stride, padding
        conv2d(2, 3, 8, 8, 5, (3, 3), p=(1, 1), bias=False)           # batch 2, no bias
        conv2d(1, 3, 13, 17, 3, (4, 4), s=(3, 3), p=(2, 2), g=3)      # odd sizes, even kernel
        conv2d(1, 8, 10, 10, 16, (3, 3), p=(1, 1))                    # more channels: longer GEMM rows

        pool("maxpool2d", 1, 2, 8, 8, (2, 2), (2, 2))
        pool("maxpool2d", 1, 2, 7, 7, (3, 3), (2, 2), (1, 1))
        pool("maxpool2d", 1, 2, 8, 8, (3, 3), (2, 2), ceil=True)
        pool("maxpool2d", 1, 1, 5, 5, (2, 2), (2, 2), (1, 1), ceil=True)  # ceil's last window dropped
        pool("maxpool2d", 2, 2, 9, 6, (3, 2), (1, 2), (1, 0))
        pool("maxpool2d", 1, 1, 2, 2, (3, 3), (2, 2), ceil=True)          # window larger than the input
        for include_pad in (True, False):
            pool("avgpool2d", 1, 2, 7, 7, (3, 3), (2, 2), (1, 1), include_pad=include_pad)
            pool("avgpool2d", 1, 2, 6, 6, (3, 3), (2, 2), (1, 1), ceil=True, include_pad=include_pad)
            pool("avgpool2d", 1, 1, 5, 5, (2, 2), (2, 2), (1, 1), ceil=True, include_pad=include_pad)
            pool("avgpool2d", 1, 2, 8, 8, (3, 3), (2, 2), ceil=True, include_pad=include_pad)
            pool("avgpool2d", 2, 2, 9, 6, (3, 2), (1, 2), (1, 0), include_pad=include_pad)
        pool("avgpool2d", 1, 2, 8, 8, (2, 2), (2, 2))

        gap = lambda x: F.adaptive_avg_pool2d(x, 1)
        unary("global_avgpool", "b2_c3_in5x4", (2, 3, 5, 4), gap)
        unary("global_avgpool", "b1_c4_in1x1", (1, 4, 1, 1), gap)
        unary("global_avgpool", "b1_c2_in7x9", (1, 2, 7, 9), gap)

        linear(3, 7, 5)
        linear(1, 16, 4, bias=False)
        linear(2, 64, 10)

        softmax = lambda x: F.softmax(x, dim=1)
        unary("softmax", "b3_f10", (3, 10), softmax, scale=3)
        unary("softmax", "b2_f5_offset1000_scale30", (2, 5), softmax, scale=30, offset=1000)
        unary("softmax", "b1_f1", (1, 1), softmax)

        unary("relu", "b2_c3_in4x5", (2, 3, 4, 5), F.relu)
        unary("relu", "b3_f7", (3, 7), F.relu)

        lenet5()


if __name__ == "__main__":
    main()
