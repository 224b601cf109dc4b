#!/usr/bin/python3
"""Real-photo image and clip sets for scripts/bench ingest and scripts/media-e2e, and the Python peers they are
measured or checked against. Run with Debian's /usr/bin/python3 (python3-skimage, python3-pil, python3-torchvision,
numpy) and /usr/bin/ffmpeg (libx264). Every set is made from skimage's sample photos, seeded, so it is the same
on every run.

  photos DIR [--count 200] [--seed 0]      JPEGs of random crops, 300-500 px sides (quality 90)
  clips DIR [--count 10] [--frames 64] [--size 112]   H.264 MP4 clips panning across the photos
  e2e DIR                                  DIR/images (every format, broken files too) and DIR/clips
  bench-python DIR [--store F] [--serve]   PIL + torchvision's ImageNet preprocessing, one thread: images/s
  bench-ffmpeg DIR --clip-length T         ffmpeg decode to rgb24 + numpy cut into C x T x H x W clips: clips/s
  compare OURS IMAGES                      largest |ours - torchvision| over the .npy files export wrote to OURS
Timings print one line, "name=value" pairs, for the calling script to parse.
"""
import argparse
import contextlib
import glob
import os
import struct
import subprocess
import sys
import time
import zlib

import numpy as np
import skimage
import skimage.data
from PIL import Image, ImageOps

PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "retina", "hubble_deep_field"]
X264 = ["-c:v", "libx264", "-threads", "1", "-crf", "20", "-g", "16", "-pix_fmt", "yuv420p", "-an"]


def sources():
    return [Image.fromarray(getattr(skimage.data, name)()) for name in PHOTOS]


def random_photo(rng, images):
    """A random crop of a random sample photo, scaled so its sides are 300-500 px."""
    src = images[rng.integers(len(images))]
    w, h = src.size
    cw = int(rng.integers(min(w, 200), w + 1))
    ch = int(rng.integers(min(h, 200), h + 1))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    tw, th = int(rng.integers(300, 501)), int(rng.integers(300, 501))
    return src.crop((x, y, x + cw, y + ch)).resize((tw, th), Image.BILINEAR)


def photos(out, count, seed):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    images = sources()
    for i in range(count):
        random_photo(rng, images).save(os.path.join(out, f"photo_{i:04d}.jpg"), quality=90)


def pan(photo, count, size):
    """A camera panning right and down across a photo while zooming in: (count, size, size, 3) uint8."""
    a = np.asarray(photo.convert("RGB"))
    h, w, _ = a.shape
    side0 = min(h, w) * 3 // 4
    out = []
    for t in range(count):
        side = max(side0 - side0 * t // (2 * count), 16)
        x = (w - side) * t // max(count - 1, 1)
        y = (h - side) * t // max(count - 1, 1)
        out.append(np.asarray(Image.fromarray(a[y:y + side, x:x + side]).resize((size, size), Image.BILINEAR)))
    return np.stack(out)


def encode(path, video, fps=25):
    n, h, w, _ = video.shape
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps),
           "-i", "-", *X264, path]
    subprocess.run(cmd, input=video.tobytes(), check=True)


def clips(out, count, frames, size):
    os.makedirs(out, exist_ok=True)
    images = sources()
    for i in range(count):
        encode(os.path.join(out, f"clip_{i:02d}.mp4"), pan(images[i % len(images)], frames, size))


def png16(path, a):
    """A 16-bit RGB PNG written by hand: PIL has no 16-bit RGB mode to save from."""
    h, w, _ = a.shape
    raw = b"".join(b"\0" + a[y].astype(">u2").tobytes() for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def e2e(out):
    """Good photos in every format the issue names, broken files, and two MP4 clips."""
    images, videos = os.path.join(out, "images"), os.path.join(out, "clips")
    os.makedirs(os.path.join(images, "more"), exist_ok=True)
    os.makedirs(videos, exist_ok=True)
    astro, coffee, cat, rocket, ihc, retina, hubble = sources()
    good = {
        "astronaut_baseline.jpg": lambda p: astro.resize((400, 400)).save(p, quality=90),
        "coffee_progressive.jpg": lambda p: coffee.save(p, quality=85, progressive=True),
        "chelsea_cmyk.jpg": lambda p: cat.convert("CMYK").save(p, quality=90),
        "astronaut_exif6.jpg": lambda p: astro.crop((100, 0, 356, 384)).save(p, quality=90, exif=exif(6)),
        "rocket.webp": lambda p: rocket.save(p, quality=90),
        "coffee_rgb16.png": lambda p: png16(p, np.asarray(coffee).astype(np.uint16) * 257
                                            + np.arange(600, dtype=np.uint16)[None, :, None] % 257),
        "chelsea.png": lambda p: cat.save(p),
        "more/camera_grey.jpg": lambda p: Image.fromarray(skimage.data.camera()).save(p, quality=90),
        "more/hubble_444.jpg": lambda p: hubble.resize((500, 436)).save(p, quality=95, subsampling=0),
        "more/retina_palette.png": lambda p: retina.resize((300, 300)).quantize(128).save(p),
    }
    for name, write in good.items():
        write(os.path.join(images, name))
    with open(os.path.join(images, "chelsea.png"), "rb") as f:
        png = f.read()
    with open(os.path.join(images, "astronaut_baseline.jpg"), "rb") as f:
        jpeg = f.read()
    broken = {
        "broken_truncated.jpg": jpeg[: len(jpeg) // 2],
        "broken_zero_byte.jpg": b"",
        "broken_text.jpg": b"This is a text file, not a JPEG.\n" * 4,
        "broken_truncated.png": png[: len(png) // 2],
        # IHDR of a 100000 x 100000 RGB PNG (3e10 pixels) and a tiny IDAT: a decompression bomb
        "broken_bomb.png": b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""),
    }
    for name, data in broken.items():
        with open(os.path.join(images, name), "wb") as f:
            f.write(data)
    encode(os.path.join(videos, "astronaut_pan.mp4"), pan(astro, 16, 112))
    encode(os.path.join(videos, "coffee_pan.mp4"), pan(coffee, 20, 112))  # one 16-frame clip each: C3D costs 38.5 GMAC a clip
    encode(os.path.join(videos, "tmp_full.mp4"), pan(rocket, 32, 112))
    full = os.path.join(videos, "tmp_full.mp4")
    with open(full, "rb") as f:
        mp4 = f.read()
    os.remove(full)
    with open(os.path.join(videos, "broken_truncated.mp4"), "wb") as f:
        f.write(mp4[: len(mp4) // 3])
    with open(os.path.join(videos, "broken_text.mp4"), "wb") as f:
        f.write(b"not a video\n" * 10)
    print(f"good_images={len(good)} broken_images={len(broken)} good_clips=2 broken_clips=2 "
          f"skimage={skimage.__version__} pil={Image.__version__ if hasattr(Image, '__version__') else ''}")


def exif(orientation):
    e = Image.Exif()
    e[0x0112] = orientation
    return e


def imagenet():
    from torchvision import transforms as T
    return T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                      T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])


def torchvision_tensor(path, pipeline):
    with Image.open(path) as im:
        return pipeline(ImageOps.exif_transpose(im).convert("RGB"))


def bench_python(folder, store=None, serve=False):
    """Decode and preprocess every JPEG; with store, also append each float32 tensor to that file (the same work
    as ingest, which stores its tensors: the cheapest storage there is, one file, no format). With serve, one pass
    per line read from stdin ("plain", or "store FILE"), its result line flushed, until stdin ends: the caller runs
    each pass next to its own, so both see the same phase of a machine whose speed drifts."""
    import torch
    import torchvision
    torch.set_num_threads(1)
    files = sorted(glob.glob(os.path.join(folder, "*.jpg")))
    pipeline = imagenet()
    torchvision_tensor(files[0], pipeline)  # warm-up
    versions = f"pil={Image.__version__} torchvision={torchvision.__version__} torch={torch.__version__}"
    requests = (line.split() for line in sys.stdin) if serve else iter([["store", store] if store else ["plain"]])
    for request in requests:
        target = request[1] if request[0] == "store" else None
        if target:
            with contextlib.suppress(FileNotFoundError):
                os.remove(target)  # a new file each run, as ingest writes new files
        out = open(target, "wb") if target else None
        start, cpu = time.perf_counter(), time.process_time()
        for f in files:
            tensor = torchvision_tensor(f, pipeline)
            if out:
                out.write(tensor.numpy().tobytes())
        if out:
            out.close()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"images={len(files)} seconds={seconds:.3f} images_per_s={len(files) / seconds:.1f} "
              f"cpu_s={cpu:.3f} per_cpu_s={len(files) / cpu:.1f} {versions}", flush=True)


def bench_ffmpeg(folder, clip_length):
    files = sorted(glob.glob(os.path.join(folder, "*.mp4")))
    sizes = []  # probed before the clock starts
    for f in files:
        probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                "stream=width,height", "-of", "csv=p=0", f], capture_output=True, check=True, text=True)
        sizes.append(tuple(map(int, probe.stdout.strip().split(","))))
    count = 0
    start = time.perf_counter()
    children = os.times().children_user + os.times().children_system
    cpu = time.process_time()
    for f, (w, h) in zip(files, sizes):
        raw = subprocess.run(["ffmpeg", "-v", "error", "-threads", "1", "-i", f, "-f", "rawvideo", "-pix_fmt",
                              "rgb24", "-"], capture_output=True, check=True).stdout
        frames = np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)
        for first in range(0, len(frames) - clip_length + 1, clip_length):
            np.ascontiguousarray(frames[first:first + clip_length].transpose(3, 0, 1, 2))  # C x T x H x W
            count += 1
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu + os.times().children_user + os.times().children_system - children  # with ffmpeg's
    print(f"clips={count} seconds={seconds:.3f} clips_per_s={count / seconds:.1f} cpu_s={cpu:.3f} "
          f"per_cpu_s={count / cpu:.1f}")


def compare(ours, images):
    """Our exported tensors (<id>.npy under OURS) against torchvision's pipeline on the same files. Differences
    are also given in uint8 levels (times std * 255 per channel). Lossy WebP is summed up apart: TwelveMonkeys'
    VP8 decoder replicates chroma where libwebp interpolates it (see ImageDecoderTest), so it is not exact."""
    pipeline = imagenet()
    std = np.array([0.229, 0.224, 0.225])[:, None, None]
    worst = {"exact": 0.0, "webp": 0.0}
    webp_levels, count = [], 0
    for npy in sorted(glob.glob(os.path.join(ours, "**", "*.npy"), recursive=True)):
        rel = os.path.relpath(npy, ours)[: -len(".npy")]
        got = np.load(npy)
        want = torchvision_tensor(os.path.join(images, rel), pipeline).numpy()
        if got.shape != want.shape:
            sys.exit(f"compare: {rel}: shape {got.shape} but torchvision gives {want.shape}")
        diff = np.abs(got.astype(np.float64) - want)
        levels = diff * std * 255
        kind = "webp" if rel.endswith(".webp") else "exact"
        worst[kind] = max(worst[kind], float(diff.max()))
        if kind == "webp":
            webp_levels.append(levels)
        print(f"  {rel:32s} {'x'.join(map(str, got.shape))}  max|diff| {diff.max():.3g}  "
              f"in uint8 levels: max {levels.max():.3g}, mean {levels.mean():.3g}")
        count += 1
    if count == 0:
        sys.exit(f"compare: no .npy files under {ours}")
    webp = np.concatenate([l.ravel() for l in webp_levels]) if webp_levels else np.zeros(1)
    print(f"compared={count} max_abs_diff={max(worst.values()):.3g} max_abs_diff_except_webp={worst['exact']:.3g} "
          f"webp_max_levels={webp.max():.3g} webp_mean_levels={webp.mean():.3g}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    a = sub.add_parser("photos")
    a.add_argument("dir")
    a.add_argument("--count", type=int, default=200)
    a.add_argument("--seed", type=int, default=0)
    a = sub.add_parser("clips")
    a.add_argument("dir")
    a.add_argument("--count", type=int, default=10)
    a.add_argument("--frames", type=int, default=64)
    a.add_argument("--size", type=int, default=112)
    sub.add_parser("e2e").add_argument("dir")
    a = sub.add_parser("bench-python")
    a.add_argument("dir")
    a.add_argument("--store", help="also write the tensors (float32) to this file")
    a.add_argument("--serve", action="store_true", help="one pass per stdin line: plain | store FILE")
    a = sub.add_parser("bench-ffmpeg")
    a.add_argument("dir")
    a.add_argument("--clip-length", type=int, default=16)
    a = sub.add_parser("compare")
    a.add_argument("ours")
    a.add_argument("images")
    args = p.parse_args()
    if args.what == "photos":
        photos(args.dir, args.count, args.seed)
    elif args.what == "clips":
        clips(args.dir, args.count, args.frames, args.size)
    elif args.what == "e2e":
        e2e(args.dir)
    elif args.what == "bench-python":
        bench_python(args.dir, args.store, args.serve)
    elif args.what == "bench-ffmpeg":
        bench_ffmpeg(args.dir, args.clip_length)
    else:
        compare(args.ours, args.images)


if __name__ == "__main__":
    main()
