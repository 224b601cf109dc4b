#!/usr/bin/python3
"""Writes small safetensors files in F32, F16 and BF16 with torch's own dtype conversions, laid out
by hand from the format's specification (Debian ships no safetensors package), plus the values
they hold as float32 .npy. Run with /usr/bin/python3 (torch, numpy)."""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "src", "test", "resources", "safetensors")


def write(path, tensors, metadata=None):
    """tensors: name -> (dtype, tensor); metadata: extra string entries of the header's __metadata__."""
    header, blobs, offset = {"__metadata__": dict({"format": "pt"}, **(metadata or {}))}, [], 0
    for name, (dtype, t) in tensors.items():
        raw = t.contiguous().view(torch.int16).numpy().tobytes() if dtype != "F32" else t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(5)
    w = torch.randn(2, 3, 2)
    b = torch.tensor([1.0, -2.5, 65504.0, 6.1e-5, 1e-7, 0.0, -0.0, 3.140625])
    tensors = {"c1.weight": ("F32", w), "half": ("F16", b.half()), "brain": ("BF16", b.bfloat16())}
    write(os.path.join(OUT, "mixed.safetensors"), tensors)
    for name, (dtype, t) in tensors.items():
        np.save(os.path.join(OUT, name + ".npy"), t.float().numpy().astype("<f4"))


if __name__ == "__main__":
    main()
