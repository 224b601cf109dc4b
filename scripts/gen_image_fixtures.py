#!/usr/bin/python3
"""Writes the image fixtures that ImageDecoderTest and PreprocessTest read (io/src/test/resources/images/).

Run with Debian's /usr/bin/python3 (python3-pil, python3-torchvision, python3-skimage, numpy). Inputs are
small crops of skimage's sample photos in every format ImageDecoder reads, plus broken files. Expected
outputs come from PIL and torchvision only:
  <name>.rgb.npy       uint8 CHW: Image.open -> ImageOps.exif_transpose -> convert('RGB')
  <name>.l.npy         uint8 1HW: the same, convert('L') (a few cases)
  <name>.noexif.npy    uint8 CHW: convert('RGB') without exif_transpose (one case)
  preprocess.json      torchvision pipelines, each with our spec, its source .rgb.npy and expected output
  pre_<case>.npy[.gz]  float32 CHW: torchvision on the PIL image (gzip for the 224x224 imagenet output)
"""
import gzip
import json
import os
import struct
import zlib

import numpy as np
import PIL
import skimage
import skimage.data
import torch
import torchvision
from numpy.lib import format as npf
from PIL import Image, ImageOps, features
from torchvision import transforms as T

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "src", "test", "resources", "images")


def path(name):
    return os.path.join(OUT, name)


def save_npy(name, a, gz=False):
    a = np.ascontiguousarray(a)
    if gz:
        with gzip.GzipFile(path(name + ".gz"), "wb", mtime=0) as f:
            npf.write_array(f, a)
    else:
        with open(path(name), "wb") as f:
            npf.write_array(f, a)


def chw(im):
    a = np.asarray(im)
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)


def expect(name, grey=False):
    """PIL's decode of the written file, as ImageDecoder must reproduce it."""
    with Image.open(path(name)) as im:
        rgb = ImageOps.exif_transpose(im).convert("RGB")
        save_npy(name + ".rgb.npy", chw(rgb))
        if grey:
            save_npy(name + ".l.npy", chw(ImageOps.exif_transpose(im).convert("L")))


def photo(fn, box, size):
    """A crop of a skimage sample photo, shrunk to size (w, h) so fixtures stay small."""
    a = getattr(skimage.data, fn)()
    return Image.fromarray(a).crop(box).resize(size, Image.LANCZOS)


def png16(name, a):
    """A 16-bit RGB PNG written by hand: PIL has no 16-bit RGB mode to save from."""
    h, w, _ = a.shape
    raw = b"".join(b"\0" + a[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with open(path(name), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def good_images():
    cat = photo("chelsea", (100, 20, 420, 260), (80, 60))
    coffee = photo("coffee", (0, 0, 600, 400), (90, 60))
    astro = photo("astronaut", (100, 0, 356, 384), (48, 72))  # portrait: rotations change the shape
    camera = Image.fromarray(skimage.data.camera()).crop((128, 64, 384, 320)).resize((64, 64), Image.LANCZOS)

    cat.save(path("jpeg_baseline.jpg"), quality=90)
    cat.save(path("jpeg_444.jpg"), quality=95, subsampling=0)
    coffee.save(path("jpeg_progressive.jpg"), quality=85, progressive=True)
    camera.save(path("jpeg_grey.jpg"), quality=90)
    astro.convert("CMYK").save(path("jpeg_cmyk.jpg"), quality=90)
    for orientation in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        astro.save(path(f"jpeg_exif_{orientation}.jpg"), quality=90, exif=exif)
    with Image.open(path("jpeg_exif_6.jpg")) as im:
        save_npy("jpeg_exif_6.jpg.noexif.npy", chw(im.convert("RGB")))

    cat.save(path("png_rgb8.png"))
    camera.save(path("png_grey8.png"))
    Image.fromarray((np.asarray(camera).astype(np.uint16) * 2)).save(path("png_grey16.png"))  # I;16, half above 255
    png16("png_rgb16.png", np.asarray(coffee).astype(np.uint16) * 257 + np.arange(90, dtype=np.uint16)[None, :, None])
    cat.quantize(64).save(path("png_palette.png"))
    pal = coffee.quantize(32)
    pal.save(path("png_palette_trns.png"), transparency=bytes([0, 128] + [255] * 30))
    alpha = Image.linear_gradient("L").resize(cat.size)
    rgba = cat.copy()
    rgba.putalpha(alpha)
    rgba.save(path("png_rgba.png"))
    la = camera.copy()
    la.putalpha(alpha.resize(camera.size))
    la.save(path("png_la.png"))
    coffee.save(path("png_named.jpg"), format="PNG")  # decoded by content, not extension
    cat.save(path("bmp_rgb.bmp"))
    frames = [coffee.quantize(64), coffee.transpose(Image.FLIP_LEFT_RIGHT).quantize(64)]
    frames[0].save(path("gif_two_frames.gif"), save_all=True, append_images=frames[1:], duration=100)
    cat.save(path("webp_lossless.webp"), lossless=True)
    cat.save(path("webp_lossy.webp"), quality=90)
    coffee.save(path("tiff_rgb_lzw.tiff"), compression="tiff_lzw")
    camera.save(path("tiff_grey.tiff"))

    for name, grey in [("jpeg_baseline.jpg", False), ("jpeg_444.jpg", False), ("jpeg_progressive.jpg", False),
                       ("jpeg_grey.jpg", True), ("jpeg_cmyk.jpg", True), ("png_rgb8.png", True),
                       ("png_grey8.png", False), ("png_grey16.png", True), ("png_rgb16.png", False),
                       ("png_palette.png", True), ("png_palette_trns.png", False), ("png_rgba.png", True),
                       ("png_la.png", False), ("png_named.jpg", False), ("bmp_rgb.bmp", False),
                       ("gif_two_frames.gif", False), ("webp_lossless.webp", False), ("webp_lossy.webp", False),
                       ("tiff_rgb_lzw.tiff", False), ("tiff_grey.tiff", False)] + [
            (f"jpeg_exif_{o}.jpg", False) for o in range(2, 9)]:
        expect(name, grey)
    return coffee


def broken_images():
    with open(path("jpeg_baseline.jpg"), "rb") as f:
        jpeg = f.read()
    with open(path("png_rgb8.png"), "rb") as f:
        png = f.read()
    files = {
        "truncated.jpg": jpeg[: len(jpeg) * 6 // 10],
        "truncated.png": png[: len(png) * 6 // 10],
        "random_bytes.jpg": np.random.default_rng(10).integers(0, 256, 3000, dtype=np.uint8).tobytes(),
        "zero_byte.jpg": b"",
        "text_named.jpg": b"This is a text file, not a JPEG.\n" * 4,
        # IHDR of a 100000 x 100000 RGB PNG (3e10 pixels) followed by a tiny IDAT: a decompression bomb
        "bomb.png": b"\x89PNG\r\n\x1a\n" + b"".join(
            struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d)) for k, d in [
                (b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)),
                (b"IDAT", zlib.compress(b"\0" * 1000)), (b"IEND", b"")]),
    }
    for name, data in files.items():
        with open(path(name), "wb") as f:
            f.write(data)
    Image.open(path("png_rgb8.png")).save(path("unsupported.ppm"))  # PPM: no reader registered


def preprocess_cases(photo):
    """torchvision pipelines on PIL images, each beside our spec for the same steps."""
    photo.save(path("png_photo.png"))
    expect("png_photo.png")
    imagenet = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
    modes = {"bilinear": T.InterpolationMode.BILINEAR, "bicubic": T.InterpolationMode.BICUBIC,
             "nearest": T.InterpolationMode.NEAREST}
    cases = [
        ("imagenet_upscale", "png_photo.png", "imagenet", True),
        # shorter side 45: the crop offset 2.5 rounds half to even (2)
        ("shorter45_crop40_down", "jpeg_progressive.jpg", {"resize": 45, "crop": 40, **imagenet}, False),
        ("shorter45_crop40_portrait", "jpeg_exif_6.jpg", {"resize": 45, "crop": 40, **imagenet}, False),
        ("exact33x50_bicubic_down", "png_rgb8.png", {"resize": [33, 50], "interpolation": "bicubic"}, False),
        ("exact70x97_bicubic_up", "png_rgb8.png", {"resize": [70, 97], "interpolation": "bicubic"}, False),
        ("exact20x30_nearest_pad25", "png_rgb8.png",
         {"resize": [20, 30], "interpolation": "nearest", "crop": 25, **imagenet}, False),
        ("width_only_41x60_bgr", "bmp_rgb.bmp",
         {"resize": [60, 41], "channel_order": "BGR", "mean": [0.4, 0.5, 0.6], "std": [0.2, 0.25, 0.3]}, False),
        ("crop_only_31x17", "gif_two_frames.gif", {"crop": [31, 17]}, False),
        ("scale1_mean_std", "tiff_rgb_lzw.tiff",
         {"resize": 30, "scale": 1.0, "mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375]}, False),
    ]
    entries = []
    for name, source, spec, gz in cases:
        s = {"resize": 256, "crop": 224, **imagenet} if spec == "imagenet" else spec
        steps = []
        if "resize" in s:
            size = s["resize"]
            steps.append(T.Resize(size if isinstance(size, int) else tuple(size),
                                  interpolation=modes[s.get("interpolation", "bilinear")]))
        if "crop" in s:
            steps.append(T.CenterCrop(s["crop"]))
        steps.append(T.PILToTensor())
        x = T.Compose(steps)(ImageOps.exif_transpose(Image.open(path(source))).convert("RGB"))
        scale = s.get("scale")
        x = x.float().div(255) if scale is None else x.float().mul(torch.tensor(scale, dtype=torch.float32))
        if s.get("channel_order") == "BGR":
            x = x.flip(0)
        x = T.Normalize(s.get("mean", [0.0] * 3), s.get("std", [1.0] * 3))(x)
        expected = f"pre_{name}.npy"
        save_npy(expected, x.numpy(), gz)
        entries.append({"name": name, "source": source + ".rgb.npy", "spec": spec,
                        "expected": expected + (".gz" if gz else "")})
    with open(path("preprocess.json"), "w") as f:
        json.dump(entries, f, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(path(f))
    photo = good_images()
    broken_images()
    preprocess_cases(photo)
    with open(path("versions.json"), "w") as f:
        json.dump({"PIL": PIL.__version__, "torchvision": torchvision.__version__, "torch": torch.__version__,
                   "numpy": np.__version__, "skimage": skimage.__version__,
                   "libjpeg": features.version("jpg"), "libwebp": features.version("webp")}, f, indent=1)


if __name__ == "__main__":
    main()
