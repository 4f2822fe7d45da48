"""The rekd backbones used by the benchmark, in PyTorch, layer for layer as in src/runtime/nn
(CIFAR-style stems for 28-32 px input, conv without bias before BatchNorm, padding k // 2)."""
import math

import torch
from torch import nn


def scale_channels(channels: int, width: float) -> int:
    # JavaScript's Math.round (half up), as scaleChannels in src/runtime/nn/backbones/types.ts.
    return max(1, int(math.floor(channels * width + 0.5)))


def conv_bn_relu(cin: int, cout: int, kernel: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class PooledBackbone(nn.Module):
    """Layers, then global average pooling: what every rekd backbone ends with."""

    def __init__(self, layers: list, feature_dim: int):
        super().__init__()
        self.body = nn.Sequential(*layers)
        self.feature_dim = feature_dim

    def forward(self, x):
        return self.body(x).mean(dim=(2, 3))


ALEXNET_LAYERS = [(64, 5, 2, True), (192, 5, 1, True), (384, 3, 1, False), (256, 3, 1, False), (256, 3, 1, False)]


def alexnet(width: float, in_channels: int) -> PooledBackbone:
    layers, cin = [], in_channels
    for channels, kernel, stride, pool in ALEXNET_LAYERS:
        cout = scale_channels(channels, width)
        layers.append(conv_bn_relu(cin, cout, kernel, stride))
        if pool:
            layers.append(nn.MaxPool2d(2))
        cin = cout
    return PooledBackbone(layers, cin)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = conv_bn_relu(cin, cout, 3, stride)
        self.conv2 = nn.Sequential(nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return torch.relu(self.conv2(self.conv1(x)) + self.shortcut(x))


def resnet(blocks_per_stage: list, width: float, in_channels: int) -> PooledBackbone:
    cin = scale_channels(64, width)
    layers = [conv_bn_relu(in_channels, cin, 3)]
    for stage, count in enumerate(blocks_per_stage):
        cout = scale_channels(64 * 2**stage, width)
        for i in range(count):
            layers.append(BasicBlock(cin, cout, 2 if stage > 0 and i == 0 else 1))
            cin = cout
    return PooledBackbone(layers, cin)


class Encoder(nn.Module):
    """Backbone + projection head (linear, BatchNorm, ReLU, linear), L2-normalised embedding."""

    def __init__(self, backbone: nn.Module, embed: int, hidden: int = 0):
        super().__init__()
        hidden = hidden or 2 * backbone.feature_dim
        self.backbone = backbone
        self.head = nn.Sequential(
            nn.Linear(backbone.feature_dim, hidden, bias=False),
            nn.BatchNorm1d(hidden),
            nn.ReLU(inplace=True),
            nn.Linear(hidden, embed),
        )

    def forward(self, x):
        return nn.functional.normalize(self.head(self.backbone(x)), dim=1, eps=1e-12)


def create_encoder(kind: str, width: float, embed: int, in_channels: int, hidden: int = 0) -> Encoder:
    if kind == "alexnet":
        backbone = alexnet(width, in_channels)
    elif kind == "resnet18":
        backbone = resnet([2, 2, 2, 2], width, in_channels)
    elif kind == "resnet34":
        backbone = resnet([3, 4, 6, 3], width, in_channels)
    else:
        raise ValueError(f"no reference model for backbone '{kind}'")
    return Encoder(backbone, embed, hidden)
