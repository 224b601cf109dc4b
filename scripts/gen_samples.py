#!/usr/bin/python3
"""Writes the demo's sample data: 40 seven-segment digits, (1, 32, 32) float32 in [0, 1], seeded.

Run with Debian's python3 (numpy): /usr/bin/python3 scripts/gen_samples.py
"""
import pathlib
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "conf" / "samples" / "digits"
# Segments a..g of a seven-segment display as (row0, row1, col0, col1) in a 32x32 image.
SEGMENTS = {
    "a": (4, 7, 9, 23), "b": (5, 16, 20, 23), "c": (16, 28, 20, 23), "d": (25, 28, 9, 23),
    "e": (16, 28, 9, 12), "f": (5, 16, 9, 12), "g": (14, 17, 9, 23),
}
DIGITS = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"]


def digit(d, rng):
    img = np.zeros((32, 32), np.float32)
    dy, dx = rng.integers(-2, 3, size=2)
    for s in DIGITS[d]:
        r0, r1, c0, c1 = SEGMENTS[s]
        img[r0 + dy:r1 + dy, c0 + dx:c1 + dx] = 1.0
    img += rng.normal(0, 0.08, img.shape).astype(np.float32)
    return np.clip(img, 0, 1)[None]


def main():
    rng = np.random.default_rng(2026)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npy"):
        old.unlink()
    for i in range(40):
        np.save(OUT / f"digit-{i:03d}-{i % 10}.npy", digit(i % 10, rng))


if __name__ == "__main__":
    main()
