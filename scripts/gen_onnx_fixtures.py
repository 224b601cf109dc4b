#!/usr/bin/python3
"""Writes the ONNX import fixtures that OnnxImporterTest reads: io/src/test/resources/onnx/<case>/
with model.onnx (torch.onnx.export, eval mode, seeded weights), input.npy and expected.npy (PyTorch's
output for that input), and hand-built graphs (onnx.helper) for the load errors.

Run with Debian's Python, which has torch 1.13 and onnx: /usr/bin/python3 scripts/gen_onnx_fixtures.py
Deterministic: each case seeds torch from its name; the onnx folder is replaced as a whole.
With --big DIR it writes full-size torchvision models (random weights) to DIR instead, for
OnnxModelZooTest (-Dsparkconv.onnx.zoo=DIR); those are never committed.
"""
import os
import shutil
import sys
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from numpy.lib import format as npf
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "src", "test", "resources", "onnx")


def save(folder, name, tensor):
    with open(os.path.join(folder, name), "wb") as f:
        npf.write_array(f, np.ascontiguousarray(tensor.detach().numpy().astype("<f4")), version=(1, 0))


class LeNet5(nn.Module):
    """LeNet-5 with the x.view(x.size(0), -1) flatten, whose Shape/Gather/Concat subgraph folds at load."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.f5 = nn.Linear(400, 120)
        self.f6 = nn.Linear(120, 84)
        self.f7 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.f5(x))
        x = F.relu(self.f6(x))
        return F.log_softmax(self.f7(x), dim=1)


class TinyResNet(nn.Module):
    """Conv+BN (folded at load), a residual add, a concat, global average pooling, flatten, Gemm."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.a = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                               nn.Conv2d(8, 8, 3, padding=1, groups=2), nn.BatchNorm2d(8))
        self.b = nn.Conv2d(8, 4, 1)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        s = self.stem(x)
        r = F.relu(self.a(s) + s)
        y = torch.cat([r, self.b(r)], dim=1)
        y = F.adaptive_avg_pool2d(self.pool(y), 1)
        return self.fc(torch.flatten(y, 1))


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=(1, 2), dilation=(1, 2))
        self.prelu = nn.PReLU(4)
        self.prelu1 = nn.PReLU()

    def forward(self, x):
        x = self.conv(x)
        parts = [F.relu6(x), torch.sigmoid(x), torch.tanh(x), F.hardsigmoid(x), F.hardswish(x),
                 F.leaky_relu(x, 0.1), self.prelu(x), self.prelu1(x), F.elu(x, 0.7), torch.clamp(x, min=-0.5),
                 F.softmax(x, dim=1), F.log_softmax(x, dim=-1), F.dropout(x, 0.3, training=False)]
        return torch.cat(parts, dim=1)


class Shapes(nn.Module):
    """Pad, Slice, Transpose, Split, Squeeze/Unsqueeze, arithmetic with constants, Resize, pools."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3)
        self.up = nn.ConvTranspose2d(9, 4, 3, stride=2, padding=1, output_padding=1)
        self.w = nn.Parameter(torch.randn(2, 3, 1, 1))
        self.lin = nn.Parameter(torch.randn(12, 7))
        self.bias = nn.Parameter(torch.randn(7))

    def forward(self, x):
        x = F.pad(self.conv(x), (1, 2, 0, 1), mode="reflect")
        x = x[:, :, 1:, ::2]
        a, b = torch.chunk(x, 2, dim=1)
        x = torch.cat([(a - b) / 2.0 + 1.5, a * self.w[:1], b - self.w[1:]], dim=1)
        x = x.permute(0, 1, 3, 2).contiguous().transpose(2, 3)
        x = self.up(x)
        n = F.interpolate(x, scale_factor=2, mode="nearest")
        l = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = F.max_pool2d(n - l, 3, stride=2, ceil_mode=True) + F.avg_pool2d(l, 3, 2, padding=1, count_include_pad=False)
        g = torch.cat([F.adaptive_max_pool2d(x, 1), F.adaptive_avg_pool2d(x, 1), F.adaptive_max_pool2d(x, 1)], dim=1)
        g = g.squeeze(3).squeeze(2)
        return torch.softmax(g @ self.lin + self.bias, dim=1).unsqueeze(1)


class Misc(nn.Module):
    """Uneven Split, edge Pad, align-corners bilinear, ReduceMean, Gemm with alpha / beta and no transB."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, stride=(1, 2), padding=(2, 1))
        self.w = nn.Parameter(torch.randn(6, 5))
        self.b = nn.Parameter(torch.randn(5))

    def forward(self, x):
        x = self.conv(x)
        a, b = torch.split(x, [2, 4], dim=1)
        a = F.pad(a, (2, 1, 1, 0), mode="replicate")
        b = F.interpolate(b, size=(7, 9), mode="bilinear", align_corners=True)
        y = torch.cat([a.mean((2, 3)), b.mean((2, 3))], dim=1)
        return torch.addmm(self.b, y, self.w, beta=0.5, alpha=2.0)


class BatchNorms(nn.Module):
    """A batch norm after a convolution (folded into it at load) and one after a ReLU (kept standalone)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3)
        self.bn1 = nn.BatchNorm2d(6)
        self.bn2 = nn.BatchNorm2d(6, eps=1e-3)

    def forward(self, x):
        return self.bn2(F.relu(self.bn1(self.conv(x))))


def export(name, model, shape, opset, fp16_weights=False, preserve=False, dynamic_spatial=False):
    torch.manual_seed(zlib.crc32(name.encode()))
    model = model()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):  # statistics other than the initial ones, so folding matters
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    if fp16_weights:
        for p in model.parameters():
            p.data = p.data.half().float()
    model.eval()
    x = torch.randn(2, *shape)
    folder = os.path.join(ROOT, name)
    os.makedirs(folder)
    path = os.path.join(folder, "model.onnx")
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch", 2: "h", 3: "w"} if dynamic_spatial else {0: "batch"},
                                    "y": {0: "batch"}}, do_constant_folding=True,
                      # eval mode fuses batch norms into convolutions; PRESERVE keeps BatchNormalization nodes
                      training=torch.onnx.TrainingMode.PRESERVE if preserve else torch.onnx.TrainingMode.EVAL)
    if fp16_weights:
        to_fp16_storage(path)
    save(folder, "input.npy", x)
    save(folder, "expected.npy", model(x))


def to_fp16_storage(path):
    """Stores float initializers as float16 behind a Cast to float, as fp16-compressed models do."""
    m = onnx.load(path)
    g = m.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT or len(init.dims) < 1:
            continue
        a = numpy_helper.to_array(init).astype(np.float16)
        half = numpy_helper.from_array(a, init.name + "_fp16")
        g.initializer.remove(init)
        g.initializer.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT, name="cast_" + init.name))
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def hand_built(name, nodes, inits=(), shape=(1, 3, 8, 8), out_shape=None):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    folder = os.path.join(ROOT, name)
    os.makedirs(folder)
    onnx.save(m, os.path.join(folder, "model.onnx"))


def errors():
    hand_built("error_unsupported_op", [helper.make_node("Relu", ["x"], ["r"], name="act"),
                                        helper.make_node("Det", ["r"], ["y"], name="det_node")])
    hand_built("error_unsupported_attribute", [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2],
                                                                storage_order=1)])
    hand_built("error_unknown_attribute", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[1, 1],
                                                            foo=3)],
               [numpy_helper.from_array(np.ones((2, 3, 1, 1), np.float32), "w")])
    hand_built("error_batch_axis", [helper.make_node("Relu", ["x"], ["r"]),
                                    helper.make_node("Concat", ["x", "r"], ["y"], axis=0)])
    hand_built("sum", [helper.make_node("Relu", ["x"], ["r"], name="relu"),
                       helper.make_node("Sum", ["x", "r", "x"], ["y"], name="sum")])
    torch.manual_seed(10)
    x = torch.randn(1, 3, 8, 8)
    save(os.path.join(ROOT, "sum"), "input.npy", x)
    save(os.path.join(ROOT, "sum"), "expected.npy", x + F.relu(x) + x)
    # Initializers in the typed fields (float_data; float16 bits in int32_data), not raw_data as torch writes them.
    torch.manual_seed(11)
    c = torch.randn(3, 1, 1)
    h = torch.randn(1, 3, 1, 8).half()
    hand_built("typed_initializers", [helper.make_node("Cast", ["h16"], ["h"], to=TensorProto.FLOAT),
                                      helper.make_node("Add", ["x", "c"], ["s"], name="add"),
                                      helper.make_node("Mul", ["s", "h"], ["y"], name="mul")],
               [helper.make_tensor("c", TensorProto.FLOAT, [3, 1, 1], c.flatten().tolist()),
                helper.make_tensor("h16", TensorProto.FLOAT16, [1, 3, 1, 8], h.flatten().numpy())])
    assert not onnx.load(os.path.join(ROOT, "typed_initializers", "model.onnx")).graph.initializer[1].raw_data
    x = torch.randn(1, 3, 8, 8)
    save(os.path.join(ROOT, "typed_initializers"), "input.npy", x)
    save(os.path.join(ROOT, "typed_initializers"), "expected.npy", (x + c) * h.float())
    hand_built("maxpool_same_upper", [helper.make_node("MaxPool", ["x"], ["y"], name="pool", auto_pad="SAME_UPPER",
                                                       kernel_shape=[3, 2], strides=[2, 2])])
    torch.manual_seed(9)
    x = torch.randn(1, 3, 8, 8)
    save(os.path.join(ROOT, "maxpool_same_upper"), "input.npy", x)
    # out 4x4: total pads 1 (H, kernel 3) and 0 (W, kernel 2), the odd one at the end
    save(os.path.join(ROOT, "maxpool_same_upper"), "expected.npy",
         F.max_pool2d(F.pad(x, (0, 0, 0, 1), value=float("-inf")), (3, 2), stride=2))
    hand_built("avgpool_asymmetric", [helper.make_node("AveragePool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
                                                       pads=[0, 1, 2, 1], count_include_pad=1)])
    torch.manual_seed(12)
    x = torch.randn(1, 3, 8, 8)
    save(os.path.join(ROOT, "avgpool_asymmetric"), "input.npy", x)
    save(os.path.join(ROOT, "avgpool_asymmetric"), "expected.npy", F.avg_pool2d(F.pad(x, (1, 1, 0, 2)), 3, stride=1))
    hand_built("lppool_hardsigmoid", [helper.make_node("LpPool", ["x"], ["p"], name="lp", kernel_shape=[2, 3], strides=[2, 1],
                                                       p=2),
                                      helper.make_node("HardSigmoid", ["p"], ["y"], name="hs")])  # ONNX's 0.2, 0.5
    torch.manual_seed(13)
    x = torch.randn(1, 3, 8, 8)
    save(os.path.join(ROOT, "lppool_hardsigmoid"), "input.npy", x)
    save(os.path.join(ROOT, "lppool_hardsigmoid"), "expected.npy",
         torch.clamp(0.2 * F.lp_pool2d(x, 2, (2, 3), stride=(2, 1)) + 0.5, 0, 1))
    torch.manual_seed(14)
    w = torch.randn(3, 2, 3, 3)
    hand_built("conv_transpose_asymmetric", [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up",
                                                              strides=[2, 2], pads=[0, 1, 1, 0])],
               [numpy_helper.from_array(w.numpy(), "w")])
    x = torch.randn(1, 3, 8, 8)
    save(os.path.join(ROOT, "conv_transpose_asymmetric"), "input.npy", x)
    # pads (top 0, left 1, bottom 1, right 0) crop the unpadded 17x17 output
    save(os.path.join(ROOT, "conv_transpose_asymmetric"), "expected.npy",
         F.conv_transpose2d(x, w, stride=2)[:, :, 0:16, 1:17])
    hand_built("conv_transpose_output_shape", [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up",
                                                                strides=[2, 2], output_shape=[15, 16])],
               [numpy_helper.from_array(w.numpy(), "w")])
    save(os.path.join(ROOT, "conv_transpose_output_shape"), "input.npy", x)
    # full output 17x17; total pads 2 (H: 1 and 1) and 1 (W: 1 at the start)
    save(os.path.join(ROOT, "conv_transpose_output_shape"), "expected.npy",
         F.conv_transpose2d(x, w, stride=2)[:, :, 1:16, 1:17])
    # torch exports LRN as an If-guarded decomposition; the ONNX op itself, against F.local_response_norm:
    hand_built("lrn", [helper.make_node("LRN", ["x"], ["y"], name="lrn", size=3, alpha=0.05, beta=0.7, bias=1.5)])
    torch.manual_seed(8)
    x = torch.randn(1, 3, 8, 8)
    save(os.path.join(ROOT, "lrn"), "input.npy", x)
    save(os.path.join(ROOT, "lrn"), "expected.npy", F.local_response_norm(x, 3, alpha=0.05, beta=0.7, k=1.5))
    torch.manual_seed(7)
    w = torch.randn(4, 3, 3, 3)
    hand_built("auto_pad_same_upper", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", auto_pad="SAME_UPPER",
                                                        strides=[2, 2])], [numpy_helper.from_array(w.numpy(), "w")])
    x = torch.randn(1, 3, 8, 8)
    folder = os.path.join(ROOT, "auto_pad_same_upper")
    save(folder, "input.npy", x)
    save(folder, "expected.npy", F.conv2d(F.pad(x, (0, 1, 0, 1)), w, stride=2))  # SAME_UPPER: the odd pad at the end


def zoo(folder):
    """Full-size torchvision models with random weights, batch-norm statistics from one random batch, opset 13,
    batch 1, 3x224x224 (r3d_18: 3x8x112x112). ZOO_ONLY=name writes one."""
    os.makedirs(folder, exist_ok=True)
    models = {"resnet18": torchvision.models.resnet18, "alexnet": torchvision.models.alexnet,
              "mobilenet_v2": torchvision.models.mobilenet_v2, "shufflenet_v2": torchvision.models.shufflenet_v2_x1_0,
              "squeezenet1_1": torchvision.models.squeezenet1_1,
              "googlenet": lambda: torchvision.models.googlenet(aux_logits=False, init_weights=True),
              "r3d_18": torchvision.models.video.r3d_18}
    only = os.environ.get("ZOO_ONLY")
    for name, make in models.items():
        if only and name != only:
            continue
        shape = (3, 8, 112, 112) if name == "r3d_18" else (3, 224, 224)
        torch.manual_seed(zlib.crc32(name.encode()))
        model = make()
        for m in model.modules():  # batch statistics from one batch, so the signal keeps its scale through BN
            if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm3d)):
                m.momentum = 1.0
        model.train()(torch.randn(4, *shape))
        model.eval()
        x = torch.randn(1, *shape)
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        torch.onnx.export(model, x, os.path.join(folder, name, "model.onnx"), opset_version=13)
        save(os.path.join(folder, name), "input.npy", x)
        save(os.path.join(folder, name), "expected.npy", model(x))


def main():
    torch.set_num_threads(1)
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        with torch.no_grad():
            zoo(sys.argv[2])
        return
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    with torch.no_grad():
        export("lenet5_opset13", LeNet5, (1, 32, 32), 13)
        export("tiny_resnet_opset17", TinyResNet, (3, 16, 16), 17)
        export("activations_opset13", Activations, (3, 6, 7), 13)
        export("activations_opset9", Activations, (3, 6, 7), 9)
        export("tiny_resnet_opset9", TinyResNet, (3, 16, 16), 9)
        export("tiny_resnet_dynamic_hw_opset13", TinyResNet, (3, 16, 12), 13, dynamic_spatial=True)
        export("tiny_resnet_bn_opset13", TinyResNet, (3, 16, 16), 13, preserve=True)
        export("batch_norms_opset15", BatchNorms, (3, 7, 9), 15, preserve=True)
        # Opset 10's Resize has no coordinate modes: torch warns its bilinear export differs; the import refuses it.
        export("shapes_opset10", Shapes, (3, 12, 14), 10)
        export("shapes_opset11", Shapes, (3, 12, 14), 11)
        export("shapes_opset13", Shapes, (3, 12, 14), 13)
        export("misc_opset13", Misc, (3, 6, 8), 13)
        export("gelu_opset13", lambda: nn.Sequential(nn.Conv2d(3, 4, 3), nn.GELU(), nn.Conv2d(4, 2, 1)), (3, 6, 6), 13)
        export("misc_opset17", Misc, (3, 6, 8), 17)
        export("mobilenet_v2_w025_fp16_opset13", lambda: torchvision.models.mobilenet_v2(width_mult=0.25, num_classes=10),
               (3, 64, 64), 13, fp16_weights=True)
        errors()


if __name__ == "__main__":
    main()
