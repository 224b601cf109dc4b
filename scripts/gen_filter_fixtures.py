#!/usr/bin/python3
"""Fixtures of learn-filters (jobs/src/test/resources/filters/), from Debian's numpy and scikit-learn:

- fashion-mnist-64/: the first 64 Fashion-MNIST test images and labels as gzipped IDX files (from Debian's
  dataset-fashion-mnist), the small image set of the end-to-end tests;
- patches/: 300 6x6 patches of those images (raw.npy, 0..255), normalised as the paper's code does
  (normalised.npy: minus the mean, over sqrt(unbiased var + 10)), numpy's ZCA of the normalised patches
  (zca_mean.npy, zca_matrix.npy: V diag(1/sqrt(lambda + 0.1)) V^T from np.cov and eigh; whitened.npy), and
  scikit-learn's Lloyd k-means on the whitened patches from their first 8 distinct rows (kmeans_init.npy,
  kmeans_centres.npy after 5 iterations, tol 0).

Deterministic (numpy seed 0, gzip mtime 0); versions.json records the library versions.
"""
import gzip
import json
import os
import struct

import numpy as np
import sklearn
from sklearn.cluster import KMeans

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jobs", "src", "test", "resources", "filters")
SOURCE = "/usr/share/datasets/fashion-mnist"
COUNT, SIZE, PATCHES, K, ITERATIONS = 64, 6, 300, 8, 5


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def save(folder, name, a):
    np.save(os.path.join(folder, name), np.ascontiguousarray(a, dtype="<f4"))


def main():
    if not os.path.isdir(SOURCE):
        raise SystemExit("needs Debian's dataset-fashion-mnist: apt-get install dataset-fashion-mnist")
    images = idx(os.path.join(SOURCE, "t10k-images-idx3-ubyte.gz"))[:COUNT]
    labels = idx(os.path.join(SOURCE, "t10k-labels-idx1-ubyte.gz"))[:COUNT]
    data = os.path.join(ROOT, "fashion-mnist-64")
    os.makedirs(data, exist_ok=True)
    write_idx(os.path.join(data, "images-idx3-ubyte.gz"), images)
    write_idx(os.path.join(data, "labels-idx1-ubyte.gz"), labels)

    rng = np.random.default_rng(0)
    n, y, x = rng.integers(0, COUNT, PATCHES), rng.integers(0, 28 - SIZE + 1, PATCHES), rng.integers(0, 28 - SIZE + 1, PATCHES)
    raw = np.stack([images[a, b:b + SIZE, c:c + SIZE].reshape(-1) for a, b, c in zip(n, y, x)]).astype(np.float64)
    normalised = (raw - raw.mean(1, keepdims=True)) / np.sqrt(raw.var(1, ddof=1, keepdims=True) + 10)
    normalised = normalised.astype(np.float32).astype(np.float64)  # what the Java side reads
    mean = normalised.mean(0)
    lam, v = np.linalg.eigh(np.cov(normalised, rowvar=False))
    zca = v @ np.diag(1 / np.sqrt(lam + 0.1)) @ v.T
    whitened = ((normalised - mean) @ zca).astype(np.float32).astype(np.float64)
    _, first = np.unique(whitened, axis=0, return_index=True)
    init = whitened[np.sort(first)[:K]]
    km = KMeans(n_clusters=K, init=init, n_init=1, max_iter=ITERATIONS, tol=0, algorithm="lloyd").fit(whitened)

    patches = os.path.join(ROOT, "patches")
    os.makedirs(patches, exist_ok=True)
    for name, a in [("raw", raw), ("normalised", normalised), ("zca_mean", mean), ("zca_matrix", zca),
                    ("whitened", whitened), ("kmeans_init", init), ("kmeans_centres", km.cluster_centers_)]:
        save(patches, name + ".npy", a)
    with open(os.path.join(ROOT, "versions.json"), "w") as f:
        json.dump({"numpy": np.__version__, "sklearn": sklearn.__version__, "kmeans_iterations_run": int(km.n_iter_)},
                  f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
