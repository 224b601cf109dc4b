"""The model families users bring, each a torchvision architecture at reduced width and a small input, exported
at opsets 13 and 17. Where torchvision's constructor has no width knob, its own building blocks (Bottleneck,
InceptionA/E, ASPP, Conv2Plus1D, ...) are assembled into a small network the way torchvision assembles them."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models import convnext, densenet, efficientnet, inception, mobilenetv3, regnet, resnet
from torchvision.models.segmentation import deeplabv3, fcn, lraspp
from torchvision.models.video import resnet as video

from breadth import ops
from breadth.common import export

OPSETS = (13, 17)


def efficientnet_b0():
    setting, _ = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.1, depth_mult=0.25)
    return efficientnet.EfficientNet(setting, 0.2, num_classes=10, last_channel=64)


def mobilenet_v3():
    return mobilenetv3.mobilenet_v3_small(width_mult=0.1, num_classes=10)


def regnet_y():
    return regnet.RegNet(regnet.BlockParams.from_init_params(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=4,
                                                             se_ratio=0.25), stem_width=8, num_classes=10)


class ResNeXt(nn.Module):
    """torchvision's grouped Bottleneck (ResNeXt's 32x4d block at 4 groups of 4) in two stages."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        down = nn.Sequential(nn.Conv2d(16, 32, 1, 2, bias=False), nn.BatchNorm2d(32))
        self.layers = nn.Sequential(resnet.Bottleneck(16, 4, groups=4, base_width=64),
                                    resnet.Bottleneck(16, 8, stride=2, groups=4, base_width=64, downsample=down))
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.layers(self.stem(x)), 1), 1))


def convnext_tiny():
    setting = [convnext.CNBlockConfig(8, 16, 1), convnext.CNBlockConfig(16, None, 1)]
    return convnext.ConvNeXt(setting, layer_scale=0.5, num_classes=10)


def densenet_small():
    return densenet.DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=10)


class InceptionV3(nn.Module):
    """Inception v3's blocks at 1/16 width (torchvision fixes their widths), from its BasicConv2d: the A block
    (1x1, 5x5, double 3x3 and average-pool branches), the factorised 7x7 C block (1x7 then 7x1), the E block whose
    3x3 branch splits into 1x3 and 3x1 (a concat in a concat), then the pooled classifier."""

    def __init__(self):
        super().__init__()
        conv = inception.BasicConv2d
        self.stem = conv(3, 8, kernel_size=3, stride=2)
        self.a = nn.ModuleList([conv(8, 4, kernel_size=1), nn.Sequential(conv(8, 3, kernel_size=1),
                                                                         conv(3, 4, kernel_size=5, padding=2)),
                                nn.Sequential(conv(8, 4, kernel_size=1), conv(4, 6, kernel_size=3, padding=1),
                                              conv(6, 6, kernel_size=3, padding=1)), conv(8, 2, kernel_size=1)])
        self.c = nn.ModuleList([conv(16, 4, kernel_size=1),
                                nn.Sequential(conv(16, 4, kernel_size=1), conv(4, 4, kernel_size=(1, 7), padding=(0, 3)),
                                              conv(4, 4, kernel_size=(7, 1), padding=(3, 0)))])
        self.e1 = conv(8, 4, kernel_size=1)
        self.e2a = conv(4, 4, kernel_size=(1, 3), padding=(0, 1))
        self.e2b = conv(4, 4, kernel_size=(3, 1), padding=(1, 0))
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = self.stem(x)
        a = self.a
        x = torch.cat([a[0](x), a[1](x), a[2](x), a[3](F.avg_pool2d(x, 3, 1, 1))], 1)
        x = torch.cat([self.c[0](x), self.c[1](x)], 1)
        x = F.max_pool2d(x, 3, 2)
        e = self.e1(x)
        x = torch.cat([e, torch.cat([self.e2a(e), self.e2b(e)], 1)], 1)[:, :8]
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class Segmentation(nn.Module):
    """A small backbone (output stride 2) under the three torchvision segmentation heads: DeepLabV3's ASPP (dilation
    12, 24, 36 on a 16x16 map: padding wider than the map), LR-ASPP and FCN, each upsampled to the input."""

    def __init__(self):
        super().__init__()
        self.low = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.BatchNorm2d(8), nn.ReLU())
        self.high = nn.Sequential(nn.Conv2d(8, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.deeplab = deeplabv3.DeepLabHead(16, 3)
        self.deeplab[0] = deeplabv3.ASPP(16, [12, 24, 36], out_channels=8)
        self.deeplab[1] = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.deeplab[2] = nn.BatchNorm2d(8)
        self.deeplab[4] = nn.Conv2d(8, 3, 1)
        self.lraspp = lraspp.LRASPPHead(8, 16, 3, inter_channels=8)
        self.fcn = fcn.FCNHead(16, 3)

    def forward(self, x):
        low = self.low(x)
        high = self.high(low)
        size = x.shape[-2:]
        out = F.interpolate(self.deeplab(high), size=size, mode="bilinear", align_corners=False)
        out = out + F.interpolate(self.lraspp({"low": low, "high": high}), size=size, mode="bilinear",
                                  align_corners=False)
        return out + F.interpolate(self.fcn(high), size=size, mode="bilinear", align_corners=False)


class Video(nn.Module):
    """torchvision's video ResNet pieces: the R(2+1)D stem and a (2+1)D basic block, then an MC3 block (3-d
    convolutions without temporal extent) with a strided downsample, and the pooled classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv3d(3, 6, (1, 3, 3), (1, 2, 2), (0, 1, 1), bias=False), nn.BatchNorm3d(6),
                                  nn.ReLU(), nn.Conv3d(6, 8, (3, 1, 1), padding=(1, 0, 0), bias=False),
                                  nn.BatchNorm3d(8), nn.ReLU())
        self.r21d = video.BasicBlock(8, 8, video.Conv2Plus1D)
        down = nn.Sequential(nn.Conv3d(8, 16, 1, stride=(1, 2, 2), bias=False), nn.BatchNorm3d(16))
        self.mc3 = video.BasicBlock(8, 16, video.Conv3DNoTemporal, stride=2, downsample=down)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.mc3(self.r21d(self.stem(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool3d(x, 1), 1))


class Norms(nn.Module):
    """LayerNorm over (C, H, W) and over the last axis, GroupNorm, InstanceNorm with and without affine."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.ln = nn.LayerNorm([8, 12, 12])
        self.ln_last = nn.LayerNorm(12, eps=1e-6)
        self.gn = nn.GroupNorm(4, 8)
        self.inorm = nn.InstanceNorm2d(8, affine=True)
        self.inorm_plain = nn.InstanceNorm2d(8)
        for m in (self.ln, self.ln_last, self.gn, self.inorm):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.5, 0.5)

    def forward(self, x):
        x = self.conv(x)
        x = F.relu(self.ln(x)) + self.ln_last(x)
        x = self.gn(x) * 2
        return self.inorm(x) - self.inorm_plain(x)


FAMILIES = {
    "efficientnet_b0": (efficientnet_b0, (3, 32, 32)),
    "mobilenet_v3_small": (mobilenet_v3, (3, 32, 32)),
    "regnet_y": (regnet_y, (3, 32, 32)),
    "resnext": (ResNeXt, (3, 16, 16)),
    "convnext": (convnext_tiny, (3, 32, 32)),
    "densenet": (densenet_small, (3, 32, 32)),
    "inception_v3": (InceptionV3, (3, 19, 19)),
    "segmentation": (Segmentation, (3, 32, 32)),
    "video_r2plus1d_mc3": (Video, (3, 4, 16, 16)),
    "norms": (Norms, (3, 12, 12)),
}


def generate():
    for name, (make, shape) in FAMILIES.items():
        for opset in OPSETS:
            export("families", "%s_opset%d" % (name, opset), make, shape, opset)
    for opset in (19, 21):  # torch 1.13 does not export deform_conv2d; DeformConv is an opset 19 op
        ops.deform_conv("families", "dcn_block_opset%d" % opset, opset, size=(12, 12), block=True)
