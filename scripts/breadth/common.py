"""Shared helpers of the ONNX breadth fixtures: case folders, seeding, export and .npy writing."""
import copy
import os
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
from numpy.lib import format as npf
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "io", "src", "test", "resources",
                    "onnx_breadth")


def save(folder, name, tensor):
    a = tensor.detach().numpy() if isinstance(tensor, torch.Tensor) else tensor
    with open(os.path.join(folder, name), "wb") as f:
        npf.write_array(f, np.ascontiguousarray(a.astype("<f4")), version=(1, 0))


def folder(group, name):
    torch.manual_seed(zlib.crc32(("%s/%s" % (group, name)).encode()))
    path = os.path.join(ROOT, group, name)
    os.makedirs(path)
    return path


def calibrate(model, shape):
    """Batch-norm statistics from one random batch (momentum 1), so the signal keeps its scale through them."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.momentum = 1.0
    model.train()(torch.randn(16, *shape))
    return model.eval()


def export(group, name, make, shape, opset, batch=2):
    """torch.onnx.export of make() (seeded from the case name) for input (batch, *shape), dynamic batch. PyTorch's
    own float32 output must be within 3e-5 of its float64 one, or a 1e-4 comparison would test the conditioning."""
    path = folder(group, name)
    model = calibrate(make(), shape)
    x = torch.randn(batch, *shape)
    exact = copy.deepcopy(model).double()(x.double())
    assert (model(x).double() - exact).abs().max() < 3e-5, name
    torch.onnx.export(model, x, os.path.join(path, "model.onnx"), opset_version=opset, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
                      do_constant_folding=True)
    save(path, "input.npy", x)
    save(path, "expected.npy", model(x))


def hand_built(group, name, nodes, inits, x, expected, opset, check=True):
    """A graph from onnx.helper nodes reading 'x' and writing 'y'; expected is the reference output."""
    path = folder(group, name)
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                      ["batch"] + list(x.shape[1:]))],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                         ["batch"] + list(expected.shape[1:]))],
                          [numpy_helper.from_array(np.asarray(v), k) for k, v in inits.items()])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    if check:  # onnx 1.12 knows opsets up to 17
        onnx.checker.check_model(m)
    onnx.save(m, os.path.join(path, "model.onnx"))
    save(path, "input.npy", x)
    save(path, "expected.npy", expected)
    return path
