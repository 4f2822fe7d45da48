"""The rekd backbones, in PyTorch, layer for layer as in src/runtime/nn (CIFAR-style stems for
28-32 px input, conv without bias before BatchNorm, padding k // 2): the benchmark's reference
models and the twins that `rekdc export-weights --to torch` files load into
(src/runtime/nn/torch-names.ts maps the names). Inside a block, modules carry rekd's names; a
conv-BatchNorm unit is an nn.Sequential (conv 0, BatchNorm 1, activation 2)."""
import math
from collections import OrderedDict

import torch
from torch import nn


def js_round(value: float) -> int:
    # JavaScript's Math.round (half up).
    return int(math.floor(value + 0.5))


def scale_channels(channels: int, width: float) -> int:
    # As scaleChannels in src/runtime/nn/backbones/types.ts.
    return max(1, js_round(channels * width))


def make_divisible(value: float, divisor: int = 8) -> int:
    # As makeDivisible in src/runtime/nn/layers.ts: a multiple of divisor, never below 90% of value.
    rounded = max(divisor, int(math.floor((value + divisor / 2) / divisor)) * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


ACTIVATIONS = {"relu": lambda: nn.ReLU(inplace=True), "relu6": lambda: nn.ReLU6(inplace=True), "hardswish": nn.Hardswish, "swish": nn.SiLU, "none": nn.Identity}


def conv_bn_act(cin: int, cout: int, kernel: int, stride: int = 1, activation: str = "relu", depthwise: bool = False) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=cin if depthwise else 1, bias=False),
        nn.BatchNorm2d(cout),
        ACTIVATIONS[activation](),
    )


class PooledBackbone(nn.Module):
    """Layers (a list, numbered, or an OrderedDict, named), then global average pooling: what every
    rekd backbone ends with."""

    def __init__(self, layers, feature_dim: int):
        super().__init__()
        self.body = nn.Sequential(layers) if isinstance(layers, OrderedDict) else nn.Sequential(*layers)
        self.feature_dim = feature_dim

    def forward(self, x):
        return self.body(x).mean(dim=(2, 3))


ALEXNET_LAYERS = [(64, 5, 2, True), (192, 5, 1, True), (384, 3, 1, False), (256, 3, 1, False), (256, 3, 1, False)]


def alexnet(width: float, in_channels: int) -> PooledBackbone:
    layers, cin = [], in_channels
    for channels, kernel, stride, pool in ALEXNET_LAYERS:
        cout = scale_channels(channels, width)
        layers.append(conv_bn_act(cin, cout, kernel, stride))
        if pool:
            layers.append(nn.MaxPool2d(2))
        cin = cout
    return PooledBackbone(layers, cin)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = conv_bn_act(cin, cout, 3, stride)
        self.conv2 = conv_bn_act(cout, cout, 3, 1, "none")
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = conv_bn_act(cin, cout, 1, stride, "none")

    def forward(self, x):
        return torch.relu(self.conv2(self.conv1(x)) + self.shortcut(x))


def resnet(blocks_per_stage: list, width: float, in_channels: int) -> PooledBackbone:
    cin = scale_channels(64, width)
    layers = [conv_bn_act(in_channels, cin, 3)]
    for stage, count in enumerate(blocks_per_stage):
        cout = scale_channels(64 * 2**stage, width)
        for i in range(count):
            layers.append(BasicBlock(cin, cout, 2 if stage > 0 and i == 0 else 1))
            cin = cout
    return PooledBackbone(layers, cin)


class SqueezeExcite(nn.Module):
    """Channel gates from pooled features through two linear layers, multiplied onto the input."""

    def __init__(self, channels: int, squeeze: int, activation: str, gate: str):
        super().__init__()
        self.reduce = nn.Linear(channels, squeeze)
        self.expand = nn.Linear(squeeze, channels)
        self.activation = ACTIVATIONS[activation]()
        self.gate = nn.Sigmoid() if gate == "sigmoid" else nn.Hardsigmoid()

    def forward(self, x):
        weights = self.gate(self.expand(self.activation(self.reduce(x.mean(dim=(2, 3))))))
        return x * weights[:, :, None, None]


class InvertedResidual(nn.Sequential):
    """MBConv: 1x1 expansion (when it widens), depthwise conv, optional squeeze-excitation
    (squeeze, activation, gate), linear 1x1 projection, identity shortcut when the shape is kept."""

    def __init__(self, cin: int, expanded: int, cout: int, kernel: int, stride: int, activation: str, excite=None):
        steps = OrderedDict()
        if expanded != cin:
            steps["expand"] = conv_bn_act(cin, expanded, 1, 1, activation)
        steps["depthwise"] = conv_bn_act(expanded, expanded, kernel, stride, activation, depthwise=True)
        if excite:
            steps["se"] = SqueezeExcite(expanded, *excite)
        steps["project"] = conv_bn_act(expanded, cout, 1, 1, "none")
        super().__init__(steps)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = super().forward(x)
        return x + y if self.residual else y


# [expansion, channels, repeats, first stride] per stage.
MOBILENETV2_STAGES = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenetv2(width: float, in_channels: int) -> PooledBackbone:
    cin = make_divisible(32 * width)
    layers = OrderedDict(stem=conv_bn_act(in_channels, cin, 3, 1, "relu6"))
    for stage, (expansion, channels, repeats, first_stride) in enumerate(MOBILENETV2_STAGES):
        cout = make_divisible(channels * width)
        for i in range(repeats):
            layers[f"stage{stage + 1}_{i}"] = InvertedResidual(cin, js_round(cin * expansion), cout, 3, first_stride if i == 0 else 1, "relu6")
            cin = cout
    feature_dim = make_divisible(1280 * max(1, width))
    layers["last"] = conv_bn_act(cin, feature_dim, 1, 1, "relu6")
    return PooledBackbone(layers, feature_dim)


# [kernel, expanded, out, squeeze-excite, activation, stride] per block.
MOBILENETV3_BLOCKS = {
    "small": [
        (3, 16, 16, True, "relu", 2), (3, 72, 24, False, "relu", 2), (3, 88, 24, False, "relu", 1),
        (5, 96, 40, True, "hardswish", 2), (5, 240, 40, True, "hardswish", 1), (5, 240, 40, True, "hardswish", 1),
        (5, 120, 48, True, "hardswish", 1), (5, 144, 48, True, "hardswish", 1), (5, 288, 96, True, "hardswish", 2),
        (5, 576, 96, True, "hardswish", 1), (5, 576, 96, True, "hardswish", 1),
    ],
    "large": [
        (3, 16, 16, False, "relu", 1), (3, 64, 24, False, "relu", 2), (3, 72, 24, False, "relu", 1),
        (5, 72, 40, True, "relu", 2), (5, 120, 40, True, "relu", 1), (5, 120, 40, True, "relu", 1),
        (3, 240, 80, False, "hardswish", 2), (3, 200, 80, False, "hardswish", 1), (3, 184, 80, False, "hardswish", 1),
        (3, 184, 80, False, "hardswish", 1), (3, 480, 112, True, "hardswish", 1), (3, 672, 112, True, "hardswish", 1),
        (5, 672, 160, True, "hardswish", 2), (5, 960, 160, True, "hardswish", 1), (5, 960, 160, True, "hardswish", 1),
    ],
}


def mobilenetv3(width: float, in_channels: int, variant: str) -> PooledBackbone:
    cin = make_divisible(16 * width)
    layers = OrderedDict(stem=conv_bn_act(in_channels, cin, 3, 1, "hardswish"))
    for i, (kernel, expanded_base, out, excite, activation, stride) in enumerate(MOBILENETV3_BLOCKS[variant]):
        expanded = make_divisible(expanded_base * width)
        cout = make_divisible(out * width)
        squeeze = (make_divisible(expanded / 4), "relu", "hardsigmoid") if excite else None
        layers[f"block{i + 1}"] = InvertedResidual(cin, expanded, cout, kernel, stride, activation, squeeze)
        cin = cout
    layers["last"] = conv_bn_act(cin, 6 * cin, 1, 1, "hardswish")
    return PooledBackbone(layers, 6 * cin)


def channel_shuffle(x, groups: int):
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


def shuffle_branch(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(OrderedDict(
        pw1=conv_bn_act(cin, cout, 1, 1, "relu"),
        dw=conv_bn_act(cout, cout, 3, stride, "none", depthwise=True),
        pw2=conv_bn_act(cout, cout, 1, 1, "relu"),
    ))


class ShuffleUnit(nn.Module):
    """Stride 1: split the channels, transform one half. Stride 2: transform both copies, doubling width."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        half = cout // 2
        self.stride = stride
        if stride == 1:
            self.branch2 = shuffle_branch(half, half, 1)
        else:
            self.branch1 = nn.Sequential(OrderedDict(
                dw=conv_bn_act(cin, cin, 3, stride, "none", depthwise=True),
                pw=conv_bn_act(cin, half, 1, 1, "relu"),
            ))
            self.branch2 = shuffle_branch(cin, half, stride)

    def forward(self, x):
        if self.stride == 1:
            kept, transformed = x.chunk(2, dim=1)
            y = torch.cat([kept, self.branch2(transformed)], dim=1)
        else:
            y = torch.cat([self.branch1(x), self.branch2(x)], dim=1)
        return channel_shuffle(y, 2)


SHUFFLENETV2_STAGES = [(116, 4), (232, 8), (464, 4)]


def shufflenetv2(width: float, in_channels: int) -> PooledBackbone:
    cin = 24
    layers = OrderedDict(stem=conv_bn_act(in_channels, cin, 3, 1, "relu"))
    for stage, (channels, repeats) in enumerate(SHUFFLENETV2_STAGES):
        cout = make_divisible(channels * width, 4)
        for i in range(repeats):
            layers[f"stage{stage + 2}_{i}"] = ShuffleUnit(cin, cout, 2 if i == 0 else 1)
            cin = cout
    feature_dim = 2048 if width >= 2 else 1024
    layers["conv5"] = conv_bn_act(cin, feature_dim, 1, 1, "relu")
    return PooledBackbone(layers, feature_dim)


# [expansion, kernel, first stride, channels, repeats] per stage.
EFFICIENTNET_B0_STAGES = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]


def efficientnet_b0(width: float, in_channels: int) -> PooledBackbone:
    cin = make_divisible(32 * width)
    layers = OrderedDict(stem=conv_bn_act(in_channels, cin, 3, 1, "swish"))
    for stage, (expansion, kernel, first_stride, channels, repeats) in enumerate(EFFICIENTNET_B0_STAGES):
        cout = make_divisible(channels * width)
        for i in range(repeats):
            excite = (max(1, cin // 4), "swish", "sigmoid")
            layers[f"stage{stage + 1}_{i}"] = InvertedResidual(
                cin, make_divisible(cin * expansion), cout, kernel, first_stride if i == 0 else 1, "swish", excite)
            cin = cout
    layers["head"] = conv_bn_act(cin, 4 * cin, 1, 1, "swish")
    return PooledBackbone(layers, 4 * cin)


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


BACKBONES = {
    "alexnet": alexnet,
    "mobilenetv2": mobilenetv2,
    "mobilenetv3": mobilenetv3,
    "shufflenetv2": shufflenetv2,
    "efficientnet_b0": efficientnet_b0,
    "resnet18": lambda width, in_channels: resnet([2, 2, 2, 2], width, in_channels),
    "resnet34": lambda width, in_channels: resnet([3, 4, 6, 3], width, in_channels),
}


def create_encoder(kind: str, width: float, embed: int, in_channels: int, hidden: int = 0, variant: str = "small") -> Encoder:
    if kind not in BACKBONES:
        raise ValueError(f"no reference model for backbone '{kind}'")
    backbone = mobilenetv3(width, in_channels, variant) if kind == "mobilenetv3" else BACKBONES[kind](width, in_channels)
    return Encoder(backbone, embed, hidden)
