#!/usr/bin/python3
"""Writes the short H.264 clips that VideoDecoderTest reads (io/src/test/resources/video/), encoded and decoded by
Debian's ffmpeg CLI (libx264). Run with /usr/bin/python3 (numpy, skimage) and /usr/bin/ffmpeg on the PATH.

Frames are a pan and zoom across skimage's astronaut photo, so consecutive frames differ. For each decodable clip
<name>.rgb.npy holds ffmpeg's own decode, `ffmpeg -cpuflags 0 -i clip -f rawvideo -pix_fmt rgb24` (T x H x W x 3
uint8, display order, every frame: -fps_mode passthrough). -cpuflags 0 keeps swscale on its portable C path
(yuv2rgb.c tables); its x86 SIMD path, the default on this machine, rounds differently (up to 3 levels) and depends
on the CPU, so the fixtures would depend on the machine that made them; baseline.yuv.npy holds the decoded 4:2:0 planes of one clip
(T x (H*W*3/2): Y, then U, then V), so the decoder and the colour conversion can be checked apart.
`python3 gen_video_fixtures.py --long PATH` writes a longer 112x112 clip for timing instead (not committed).
"""
import json
import os
import subprocess
import sys

import numpy as np
import skimage
from skimage import data, transform

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "src", "test", "resources", "video")
X264 = ["-c:v", "libx264", "-threads", "1", "-crf", "20", "-g", "8", "-bitexact", "-an"]


def frames(count, w, h):
    """A camera panning right and down while zooming in (restarting every 24 frames): (count, h, w, 3) uint8."""
    photo = data.astronaut()
    out = []
    for t in (i % 24 for i in range(count)):
        side = 420 - 10 * t
        x, y = 10 + 5 * t, 20 + 3 * t
        crop = photo[y:y + side * h // w, x:x + side]
        out.append((transform.resize(crop, (h, w), anti_aliasing=True) * 255).round().astype(np.uint8))
    return np.stack(out)


def encode(name, video, *options):
    n, h, w, _ = video.shape
    path = os.path.join(OUT, name)
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", "25",
           "-i", "-", *X264, *options, path]
    subprocess.run(cmd, input=video.tobytes(), check=True)
    return path


def decode(path, pix_fmt):
    """ffmpeg's decode of every frame in display order as raw bytes."""
    cmd = ["ffmpeg", "-v", "error", "-cpuflags", "0", "-i", path, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"]
    return subprocess.run(cmd, capture_output=True, check=True).stdout


def expect_rgb(path, n, h, w):
    rgb = np.frombuffer(decode(path, "rgb24"), np.uint8).reshape(n, h, w, 3)
    np.save(path.rsplit(".", 1)[0] + ".rgb.npy", rgb)
    return rgb


def main():
    os.makedirs(OUT, exist_ok=True)
    base = encode("baseline.mp4", frames(16, 64, 48), "-profile:v", "baseline", "-pix_fmt", "yuv420p")
    expect_rgb(base, 16, 48, 64)
    np.save(os.path.join(OUT, "baseline.yuv.npy"), np.frombuffer(decode(base, "yuv420p"), np.uint8).reshape(16, -1))
    # main profile with B-frames (decode order != display order) at a size that is not whole macroblocks (cropping)
    main_clip = encode("main_56x40.mp4", frames(20, 56, 40), "-profile:v", "main", "-bf", "2", "-pix_fmt", "yuv420p")
    expect_rgb(main_clip, 20, 40, 56)
    # high profile: CABAC, 8x8 transform, 3 B-frames, two slices per frame
    high = encode("high.mp4", frames(16, 64, 48), "-profile:v", "high", "-bf", "3", "-pix_fmt", "yuv420p",
                  "-x264-params", "slices=2")
    expect_rgb(high, 16, 48, 64)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", high, "-c", "copy", "-f", "mov",
                    os.path.join(OUT, "high.mov")], check=True)
    # tagged BT.709 in the stream's VUI: ffmpeg then converts with BT.709 coefficients
    bt709 = encode("bt709.mp4", frames(8, 64, 48), "-pix_fmt", "yuv420p", "-colorspace", "bt709",
                   "-color_primaries", "bt709", "-color_trc", "bt709")
    expect_rgb(bt709, 8, 48, 64)
    # streams JCodec 0.2.5 refuses: 10 bit, 4:2:2, interlaced (x264 codes it as MBAFF)
    small = frames(4, 64, 48)
    encode("high10.mp4", small, "-profile:v", "high10", "-pix_fmt", "yuv420p10le")
    encode("high422.mp4", small, "-profile:v", "high422", "-pix_fmt", "yuv422p")
    encode("interlaced.mp4", small, "-pix_fmt", "yuv420p", "-flags", "+ildct+ilme", "-x264-params", "interlaced=1")
    # truncated: with the index first (faststart) the samples run past the end; by default the index is lost
    fast = encode("truncated_data.mp4", frames(16, 64, 48), "-profile:v", "high", "-pix_fmt", "yuv420p",
                  "-movflags", "+faststart")
    with open(fast, "r+b") as f:
        f.truncate(os.path.getsize(fast) * 6 // 10)
    with open(base, "rb") as f, open(os.path.join(OUT, "truncated_index.mp4"), "wb") as g:
        g.write(f.read()[: os.path.getsize(base) * 6 // 10])
    with open(os.path.join(OUT, "not_video.mp4"), "wb") as f:
        f.write(b"# a text file with a video's name\n" * 4)
    # a folder of frame images: ffmpeg's PNGs of the first 10 frames of main_56x40.mp4
    folder = os.path.join(OUT, "frames_56x40")
    os.makedirs(folder, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-cpuflags", "0", "-i", main_clip, "-fps_mode", "passthrough", "-frames:v", "10",
                    "-pix_fmt", "rgb24", os.path.join(folder, "%03d.png")], check=True)
    ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    x264 = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libx264-164"], capture_output=True, text=True).stdout
    with open(os.path.join(OUT, "versions.json"), "w") as f:
        json.dump({"ffmpeg": ffmpeg, "libx264": x264, "numpy": np.__version__, "skimage": skimage.__version__},
                  f, indent=1)
        f.write("\n")


def long_clip(path, count=300):
    global OUT
    OUT = os.path.dirname(os.path.abspath(path))
    encode(os.path.basename(path), frames(count, 112, 112), "-profile:v", "high", "-pix_fmt", "yuv420p")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--long":
        long_clip(sys.argv[2])
    else:
        main()
