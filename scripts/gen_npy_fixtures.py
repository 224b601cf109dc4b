#!/usr/bin/python3
"""Writes the tiny .npy fixtures that NpyTest reads (io/src/test/resources/npy/).

Run with a Python that has NumPy (on Debian: /usr/bin/python3). Values are
arange-based so the test states them as formulas; NpyTest documents each one.
"""
import os

import numpy as np
from numpy.lib import format as npf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "src", "test", "resources", "npy")
f4 = np.dtype("<f4")


def save(name, a, version=(1, 0)):
    with open(os.path.join(OUT, name), "wb") as f:
        npf.write_array(f, a, version=version)


def main():
    os.makedirs(OUT, exist_ok=True)
    # value[i] = i * 0.5 - 3 in flat C order
    save("f32_234.npy", (np.arange(24, dtype=f4) * 0.5 - 3).reshape(2, 3, 4))
    # bit patterns that catch byte-order and widening mistakes
    save("f32_special.npy", np.array([0.0, -0.0, 1.0, -1.5, np.inf, -np.inf, 3.4028235e38, 1.4e-45], dtype=f4))
    save("f32_scalar.npy", np.array(2.5, dtype=f4))
    # value[i] = (i * 9) % 256, wraps past 255
    save("u8_56.npy", (np.arange(30) * 9 % 256).astype(np.uint8).reshape(5, 6))
    # value[i] = i
    save("f32_v2.npy", np.arange(6, dtype=f4).reshape(2, 3), version=(2, 0))
    save("f32_v3.npy", np.arange(6, dtype=f4).reshape(3, 2), version=(3, 0))
    # errors
    save("fortran.npy", np.asfortranarray(np.arange(6, dtype=f4).reshape(2, 3)))
    save("f64.npy", np.arange(3, dtype=np.float64))
    save("f32_bigendian.npy", np.arange(3, dtype=">f4"))
    path = os.path.join(OUT, "truncated.npy")
    save("truncated.npy", np.arange(24, dtype=f4).reshape(2, 3, 4))
    with open(path, "rb+") as f:  # 96 data bytes -> 86
        f.truncate(os.path.getsize(path) - 10)


if __name__ == "__main__":
    main()
