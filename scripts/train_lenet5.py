#!/usr/bin/python3
"""Trains the demo's LeNet-5 on scikit-learn's digits and writes everything the demo ships.

Data: sklearn.datasets.load_digits, 1797 8x8 images with values 0..16, divided by 16 and upscaled to
32x32 with F.interpolate(mode="bilinear", align_corners=False), so float32 in [0, 1]. A stratified
80/20 split (random_state 0): the model never sees the 20 % held-out images. The network is
scripts/fixtures/models.py's LeNet5, the PyTorch twin of conf/models/lenet5.json (tensors
"<layer>.weight"/"<layer>.bias"), trained with Adam (one-cycle learning rate) on one thread from torch.manual_seed(0).

Writes
- conf/models/lenet5.safetensors: the trained weights, F32; library versions in __metadata__;
- conf/samples/digits/digit-NNN-<label>.npy: 40 held-out images (1, 32, 32) float32, four per class;
- io/src/test/resources/lenet5_digits/: PyTorch's logits.npy and probabilities.npy (40 x 10) for those
  samples in file order, and expected.json (ids, labels, predictions, accuracies, versions).

Run with Debian's python3 (torch, sklearn, numpy): /usr/bin/python3 scripts/train_lenet5.py
"""
import json
import os
import pathlib
import sys

import numpy as np
import sklearn
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "fixtures"))

from gen_safetensors_fixtures import write as write_safetensors  # noqa: E402
from models import LeNet5  # noqa: E402

WEIGHTS = ROOT / "conf" / "models" / "lenet5.safetensors"
SAMPLES = ROOT / "conf" / "samples" / "digits"
EXPECTED = ROOT / "io" / "src" / "test" / "resources" / "lenet5_digits"
EPOCHS, BATCH, MAX_LR, PER_CLASS = 20, 32, 3e-3, 4


def images():
    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16
    x = F.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False)
    return x, torch.tensor(digits.target)


def train(x, y):
    model = LeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=MAX_LR)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=MAX_LR, total_steps=EPOCHS * -(-len(x) // BATCH))
    shuffle = torch.Generator().manual_seed(1)
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(x), generator=shuffle)
        total = 0.0
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            loss = F.cross_entropy(model.logits(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item() * len(idx)
        print("epoch %2d  loss %.4f" % (epoch + 1, total / len(x)))
    return model.eval()


def samples(x, y):
    """Four held-out images per class, in held-out order: sample i has label i % 10."""
    picks = [torch.nonzero(y == label).flatten()[k].item() for k in range(PER_CLASS) for label in range(10)]
    return x[picks], y[picks]


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    x, y = images()
    train_idx, test_idx = train_test_split(np.arange(len(y)), test_size=0.2, random_state=0, stratify=y.numpy())
    model = train(x[train_idx], y[train_idx])
    versions = {"torch": torch.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__}
    with torch.no_grad():
        held_out = (model.logits(x[test_idx]).argmax(1) == y[test_idx]).float().mean().item()
        sx, sy = samples(x[test_idx], y[test_idx])
        logits = model.logits(sx)
    predictions = logits.argmax(1)
    print("held-out accuracy %.4f (%d images), samples %d/%d" % (
        held_out, len(test_idx), (predictions == sy).sum().item(), len(sy)))

    meta = dict(versions, data="sklearn load_digits, /16, bilinear to 32x32", held_out_accuracy="%.4f" % held_out)
    write_safetensors(WEIGHTS, {k: ("F32", v) for k, v in model.state_dict().items()}, meta)

    SAMPLES.mkdir(parents=True, exist_ok=True)
    for old in SAMPLES.glob("*.npy"):
        old.unlink()
    ids = ["digit-%03d-%d" % (i, label) for i, label in enumerate(sy.tolist())]
    for name, image in zip(ids, sx):
        np.save(SAMPLES / (name + ".npy"), image.numpy().astype("<f4"))

    EXPECTED.mkdir(parents=True, exist_ok=True)
    np.save(EXPECTED / "logits.npy", logits.numpy().astype("<f4"))
    np.save(EXPECTED / "probabilities.npy", F.softmax(logits, dim=1).numpy().astype("<f4"))
    expected = dict(ids=ids, labels=sy.tolist(), predictions=predictions.tolist(),
                    correct=int((predictions == sy).sum()), held_out_accuracy=round(held_out, 4),
                    held_out_images=len(test_idx), train_images=len(train_idx), versions=versions)
    with open(EXPECTED / "expected.json", "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
