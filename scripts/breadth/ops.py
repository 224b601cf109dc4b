"""One op or pattern per case: torch modules exported at opsets 13 and 17, graphs built with onnx.helper for the
ops torch 1.13 does not write (single-input variadic ops, opset 18 axes inputs, GroupNormalization), and the load
errors with the fragments their message must hold."""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper

from breadth.common import ROOT, export, hand_built


class ConcatOfOne(nn.Module):
    """DenseNet's first dense layer: torch.cat([x], 1), a Concat with one input."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return self.conv(torch.cat([x], 1))


class LayerNorms(nn.Module):
    """LayerNorm over the last axis after a Transpose (ConvNeXt's LayerNorm2d), over (H, W), over W."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.last = nn.LayerNorm(6, eps=1e-6)
        self.hw = nn.LayerNorm([5, 7])
        self.plain = nn.LayerNorm(7)  # torch 1.13 writes an empty Scale at opset 17 without the affine terms
        for m in (self.last, self.hw):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.5, 0.5)

    def forward(self, x):
        x = self.conv(x)
        a = self.last(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        return a + self.hw(x) * self.plain(x)


class Reductions(nn.Module):
    def forward(self, x):
        m = x.mean((1, 3), keepdim=True)                      # (N, 1, H, 1)
        s = x.sum(2, keepdim=True)                            # (N, C, 1, W)
        hi = torch.amax(x, dim=(2, 3), keepdim=True)          # (N, C, 1, 1)
        lo = torch.amin(x, dim=1, keepdim=True)               # (N, 1, H, W)
        l2 = torch.linalg.vector_norm(x, 2, dim=-1, keepdim=True)
        flat = x.mean(-1).sum(-1)                             # keepdims 0: (N, C)
        return (m + s) * hi - lo / l2 + flat[:, :, None, None]


class Elementwise(nn.Module):
    """Pow, Sqrt, Reciprocal, Exp, Log, Abs, Neg, Max, Min and Div between computed tensors, broadcasting."""

    def forward(self, x):
        a = torch.sigmoid(x) + 0.5
        b = x.mean((2, 3), keepdim=True)                      # (N, C, 1, 1) against (N, C, H, W)
        y = torch.pow(a, b) + torch.sqrt(torch.abs(x)) - torch.reciprocal(a) + torch.exp(-x.abs())
        y = y + torch.log(a) * torch.neg(b) + torch.maximum(x, b) - torch.minimum(a, x) + x / a + x.pow(3)
        return y + b / a + 2.0 / a + torch.clamp_min(x, 0.1) + (x > b).float() + (x < b).float()


def single_input_variadic():
    x = torch.randn(2, 3, 4, 5)
    for op in ("Sum", "Max", "Min", "Mean", "Concat"):
        attrs = {"axis": 1} if op == "Concat" else {}
        hand_built("ops", "%s_single_input_opset13" % op.lower(), [helper.make_node("Relu", ["x"], ["r"], name="relu"),
                                                             helper.make_node(op, ["r"], ["y"], name="one", **attrs)],
                   {}, x, F.relu(x), 13)


def reduce_axes_input():
    """Opset 18: the axes of ReduceMean / ReduceMax / ReduceL2 come as an input; ReduceSum's since opset 13."""
    x = torch.randn(2, 3, 4, 5)
    nodes = [helper.make_node("ReduceMean", ["x", "a1"], ["m"], name="mean", keepdims=1),
             helper.make_node("ReduceMax", ["x", "a23"], ["h"], name="max", keepdims=1),
             helper.make_node("ReduceL2", ["x", "a1"], ["l"], name="l2", keepdims=1),
             helper.make_node("ReduceSum", ["x", "a3"], ["s"], name="sum", keepdims=0),
             helper.make_node("ReduceMin", ["s", "a2"], ["n"], name="min", keepdims=1),
             helper.make_node("Add", ["m", "h"], ["mh"]), helper.make_node("Add", ["mh", "l"], ["mhl"]),
             helper.make_node("Unsqueeze", ["n", "a3"], ["n4"]), helper.make_node("Add", ["mhl", "n4"], ["y"])]
    inits = {"a1": np.array([1], np.int64), "a23": np.array([2, 3], np.int64), "a3": np.array([3], np.int64),
             "a2": np.array([2], np.int64)}
    s = x.sum(3)
    y = x.mean(1, keepdim=True) + x.amax((2, 3), keepdim=True) + x.norm(2, 1, keepdim=True)
    hand_built("ops", "reduce_axes_input_opset18", nodes, inits, x, y + s.amin(2, keepdim=True).unsqueeze(3), 18,
               check=False)


def group_norm_opset18():
    """GroupNormalization (opset 18: Scale and B per group), against F.group_norm with them repeated per channel."""
    x = torch.randn(2, 6, 4, 5)
    scale = torch.rand(3) + 0.5
    bias = torch.randn(3)
    y = F.group_norm(x, 3, scale.repeat_interleave(2), bias.repeat_interleave(2), eps=1e-3)
    hand_built("ops", "group_normalization_opset18",
               [helper.make_node("GroupNormalization", ["x", "s", "b"], ["y"], name="gn", num_groups=3, epsilon=1e-3)],
               {"s": scale.numpy(), "b": bias.numpy()}, x, y, 18, check=False)


def layer_norm_axis():
    """LayerNormalization (opset 17) over the last two axes with Scale broadcast along the first of them."""
    x = torch.randn(2, 3, 4, 5)
    scale = torch.rand(1, 5) + 0.5
    bias = torch.randn(4, 5)
    y = F.layer_norm(x, (4, 5), scale.expand(4, 5), bias, eps=1e-4)
    hand_built("ops", "layer_normalization_axis2_opset17",
               [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], name="ln", axis=2, epsilon=1e-4)],
               {"s": scale.numpy(), "b": bias.numpy()}, x, y, 17)


def error(name, nodes, inits, opset, fragments, shape=(1, 3, 4, 5)):
    x = torch.randn(*shape)
    path = hand_built("errors", name, nodes, inits, x, x, opset, check=False)
    os.remove(os.path.join(path, "expected.npy"))
    with open(os.path.join(path, "message.txt"), "w") as f:
        f.write("\n".join(fragments) + "\n")


def errors():
    error("layer_normalization_stash_type", [helper.make_node("LayerNormalization", ["x", "s"], ["y"], name="ln",
                                                              stash_type=0)],
          {"s": np.ones(5, np.float32)}, 17, ["node 'ln'", "(LayerNormalization)", "'stash_type' = 0"])
    error("reduce_noop_with_empty_axes", [helper.make_node("ReduceMean", ["x"], ["y"], name="rm",
                                                           noop_with_empty_axes=1)],
          {}, 18, ["node 'rm'", "(ReduceMean)", "'noop_with_empty_axes' = 1"])
    error("reduce_over_the_batch", [helper.make_node("ReduceSum", ["x", "a"], ["y"], name="rs")],
          {"a": np.array([0], np.int64)}, 13, ["node 'rs'", "(ReduceSum)", "batch axis"])
    error("einsum_ellipsis", [helper.make_node("Relu", ["x"], ["r"]),
                              helper.make_node("Einsum", ["x", "r"], ["y"], name="es", equation="...ij,...jk->...ik")],
          {}, 13, ["node 'es'", "(Einsum)", "equation '...ij,...jk->...ik'"], shape=(1, 3, 4, 4))
    error("resize_antialias", [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="rz", mode="linear",
                                                antialias=1)],
          {"scales": np.array([1, 1, 0.5, 0.5], np.float32)}, 18, ["node 'rz'", "(Resize)", "'antialias' = 1"])
    error("where_tensor_branch", [helper.make_node("Greater", ["x", "zero"], ["c"]),
                                  helper.make_node("Where", ["c", "x", "t"], ["y"], name="wh")],
          {"zero": np.zeros(1, np.float32), "t": np.ones((4, 5), np.float32)}, 13,
          ["node 'wh'", "(Where)", "input #2", "must be a scalar"])
    error("gather_irregular_indices", [helper.make_node("Gather", ["x", "i"], ["y"], name="ga", axis=1)],
          {"i": np.array([0, 2, 1], np.int64)}, 13, ["node 'ga'", "(Gather)", "indices [0, 2, 1]"])


def generate():
    for opset in (13, 17):
        export("ops", "concat_of_one_opset%d" % opset, ConcatOfOne, (3, 5, 6), opset)
        export("ops", "layer_norms_opset%d" % opset, LayerNorms, (3, 5, 7), opset)
        export("ops", "reductions_opset%d" % opset, Reductions, (3, 4, 5), opset)
        export("ops", "elementwise_opset%d" % opset, Elementwise, (3, 4, 5), opset)
        export("ops", "attention_opset%d" % opset, Attention, (4, 3, 5), opset)
        export("ops", "torch_lrn_lppool_opset%d" % opset, TorchLrnLpPool, (3, 6, 7), opset)
        export("ops", "bicubic_opset%d" % opset, Bicubic, (3, 5, 7), opset)
        export("ops", "einsum_opset%d" % opset, Einsums, (4, 3, 6), opset)
    single_input_variadic()
    reduce_axes_input()
    group_norm_opset18()
    layer_norm_axis()
    deform_convs()
    external_data()
    resize_opset18()
    conv_transpose_same()
    errors()


def deform_conv(group, name, opset, c=4, o=6, size=(7, 8), k=3, s=1, p=1, d=1, g=1, og=2, mask=True, bias=True,
                block=False):
    """ONNX DeformConv (opset 19) against torchvision.ops.deform_conv2d, the offset from a convolution over relu(x)
    and the mask from a sigmoid over another convolution of x: inputs from other branches than the layer's own.
    block: a DCN block as detection backbones use it, a stem convolution before and a ReLU and 1x1 after."""
    from torchvision.ops import deform_conv2d
    x = torch.randn(2, c, *size) if not block else torch.randn(2, 3, *size)
    inits, nodes = {}, []
    src = "x"
    if block:
        stem = nn.Conv2d(3, c, 3, padding=1)
        inits.update({"stem_w": stem.weight.numpy(), "stem_b": stem.bias.numpy()})
        nodes.append(helper.make_node("Conv", ["x", "stem_w", "stem_b"], ["f"], name="stem", pads=[1, 1, 1, 1]))
        src, feature = "f", stem(x)
    else:
        feature = x
    taps = k * k
    conv = dict(kernel_shape=[k, k], strides=[s, s], pads=[p] * 4, dilations=[d, d])
    off = nn.Conv2d(c, 2 * og * taps, k, s, p, d)
    off.weight.mul_(2)
    weight = torch.randn(o, c // g, k, k) * 0.3
    b = torch.randn(o)
    inits.update({"off_w": off.weight.numpy(), "off_b": off.bias.numpy(), "w": weight.numpy(), "b": b.numpy()})
    nodes += [helper.make_node("Relu", [src], ["r"], name="relu"),
              helper.make_node("Conv", ["r", "off_w", "off_b"], ["offset"], name="offset_conv", **conv)]
    offset = off(F.relu(feature))
    m = None
    if mask:
        mc = nn.Conv2d(c, og * taps, k, s, p, d)
        inits.update({"mask_w": mc.weight.numpy(), "mask_b": mc.bias.numpy()})
        nodes += [helper.make_node("Conv", [src, "mask_w", "mask_b"], ["mlogit"], name="mask_conv", **conv),
                  helper.make_node("Sigmoid", ["mlogit"], ["mask"], name="mask_sigmoid")]
        m = torch.sigmoid(mc(feature))
    inputs = [src, "w", "offset", "b" if bias else "", "mask" if mask else ""]
    while not inputs[-1]:
        inputs.pop()
    out = "dcn" if block else "y"
    nodes.append(helper.make_node("DeformConv", inputs, [out], name="dcn", group=g, offset_group=og, **conv))
    y = deform_conv2d(feature, offset, weight, b if bias else None, stride=s, padding=p, dilation=d, mask=m)
    if block:
        fc = nn.Conv2d(o, 4, 1)
        inits.update({"fc_w": fc.weight.numpy(), "fc_b": fc.bias.numpy()})
        nodes += [helper.make_node("Relu", ["dcn"], ["dr"]),
                  helper.make_node("Conv", ["dr", "fc_w", "fc_b"], ["y"], name="head")]
        y = fc(F.relu(y))
    hand_built(group, name, nodes, inits, x, y, opset, check=False)


def deform_convs():
    deform_conv("ops", "deform_conv_v2_branches_opset19", 19)
    deform_conv("ops", "deform_conv_v1_s2_d2_g2_opset19", 19, size=(9, 9), s=2, p=2, d=2, g=2, og=1, mask=False,
                bias=False)
    deform_conv("ops", "deform_conv_v2_og4_opset21", 21, c=4, o=4, og=4)


class Attention(nn.Module):
    """What hybrid CNNs export around attention: a batched MatMul of two computed tensors (and by a weight over
    leading axes), Where with a computed condition, Expand, Tile (repeat), Equal / Less / Greater."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):                                     # (N, 4, 3, 5)
        q = x.flatten(2).transpose(1, 2)                      # (N, 15, 4)
        att = torch.softmax(torch.matmul(q, q.transpose(1, 2)) * 0.5, dim=-1)
        y = self.proj(torch.matmul(att, q)).transpose(1, 2).reshape(x.shape)
        y = torch.where(x > y, x, y * 0.5) + torch.where(x < 0, x, torch.tensor(0.0))
        e = x.mean(1, keepdim=True).expand(-1, 4, -1, -1)
        t = x[:, :2].repeat(1, 2, 1, 1)
        return y + e * t + (x == x).float()


def external_data():
    """Weights in an external data file (models over protobuf's 2 GB limit), as onnx.save_model writes them."""
    import onnx
    path = os.path.join(ROOT, "ops", "external_data_opset13")
    export("ops", "external_data_opset13", lambda: nn.Sequential(nn.Conv2d(3, 6, 3), nn.ReLU(), nn.Conv2d(6, 4, 1)),
           (3, 6, 7), 13)
    model = onnx.load(os.path.join(path, "model.onnx"))
    onnx.save_model(model, os.path.join(path, "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)
    assert os.path.getsize(os.path.join(path, "weights.bin")) > 0


class TorchLrnLpPool(nn.Module):
    """nn.LocalResponseNorm and nn.LPPool2d as torch.onnx writes them: LRN as an If on the input's rank around
    Pow / Pad / AveragePool / Div, LpPool as Pow / AveragePool / Sign / Abs / Relu."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.lrn = nn.LocalResponseNorm(3, alpha=0.05, beta=0.7, k=1.5)
        self.lp = nn.LPPool2d(2, (2, 3), stride=(2, 1))

    def forward(self, x):
        x = self.conv(x)
        return self.lp(self.lrn(x))


class Bicubic(nn.Module):
    def forward(self, x):
        a = F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False)
        b = F.interpolate(x, size=(10, 14), mode="bicubic", align_corners=True)
        return a + b


def resize_opset18():
    """Opset 18's Resize attributes: axes (sizes for H and W only), antialias 0, keep_aspect_ratio_policy stretch."""
    x = torch.randn(2, 3, 5, 7)
    hand_built("ops", "resize_axes_opset18",
               [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="resize", mode="linear", axes=[2, 3],
                                 antialias=0, keep_aspect_ratio_policy="stretch",
                                 coordinate_transformation_mode="half_pixel")],
               {"sizes": np.array([9, 4], np.int64)}, x,
               F.interpolate(x, size=(9, 4), mode="bilinear", align_corners=False), 18, check=False)


def conv_transpose_same():
    """ConvTranspose with auto_pad SAME_UPPER / SAME_LOWER: output in * stride, the spec's pads cropping the full
    output (SAME_UPPER: the odd pad at the end)."""
    w = torch.randn(3, 2, 4, 3)
    x = torch.randn(2, 3, 4, 5)
    full = F.conv_transpose2d(x, w, stride=2)                 # 10 x 11: totals 2 and 1 for 8 x 10
    for auto, crop in (("SAME_UPPER", (slice(1, 9), slice(0, 10))), ("SAME_LOWER", (slice(1, 9), slice(1, 11)))):
        hand_built("ops", "conv_transpose_%s_opset13" % auto.lower(),
                   [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up", strides=[2, 2], auto_pad=auto)],
                   {"w": w.numpy()}, x, full[:, :, crop[0], crop[1]], 13)


class Einsums(nn.Module):
    """The einsum patterns torch writes as Einsum: attention scores and values, a channel mix by a weight."""

    def __init__(self):
        super().__init__()
        self.mix = nn.Parameter(torch.randn(4, 3))

    def forward(self, x):                                     # (N, 4, 3, 6)
        q = x.reshape(x.shape[0], 2, 2, 18).transpose(2, 3)   # (N, heads 2, 18, 2)
        s = torch.softmax(torch.einsum("bhqd,bhkd->bhqk", q, q), dim=-1)
        v = torch.einsum("bhqk,bhkd->bhdq", s, q).reshape(x.shape)
        return torch.einsum("bchw,ck->bkhw", v, self.mix) + torch.einsum("bcw,bwv->bcv", x[:, :, 0], x[:, 0].transpose(1, 2))[:, :3, :, None]
