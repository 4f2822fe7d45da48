"""rekd weights in PyTorch, without the safetensors package: read and write safetensors files with
json/struct/numpy, build the PyTorch twin (models.py) of a file written by
`rekdc export-weights <run> --to torch` and load it, and save a twin's state dict for rekd to load
as an offline teacher's `checkpoint`.

    python3 rekd_torch.py embed WEIGHTS IMAGES N H W C OUT
        embeddings (float32, N x embed) of the raw float32 NHWC images in IMAGES, written to OUT
    python3 rekd_torch.py save-twin KIND WIDTH EMBED IN_CHANNELS SEED OUT [VARIANT]
        a twin with seeded weights and BatchNorm statistics, its state dict written to OUT
        (VARIANT: mobilenetv3's, small or large; default small)
    python3 rekd_torch.py batch JOBS
        each command of the JSON file JOBS (a list of argument lists) in turn, torch loaded once
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}
NAMES = {np.dtype(dtype): name for name, dtype in DTYPES.items()}


def read_safetensors(path: str):
    """(metadata: dict of str, tensors: dict of name -> numpy array) of a safetensors file."""
    with open(path, "rb") as file:
        data = file.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        raw = data[8 + length + begin : 8 + length + end]
        tensors[name] = np.frombuffer(raw, dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")).reshape(entry["shape"])
    return metadata, tensors


def write_safetensors(path: str, tensors: dict, metadata: dict) -> None:
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": NAMES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def load_encoder(path: str):
    """The twin of an exported file, its weights loaded (every name checked), in eval mode."""
    import torch
    from models import create_encoder

    metadata, tensors = read_safetensors(path)
    settings = json.loads(metadata["encoder"])
    model = create_encoder(settings["kind"], settings["width"], settings["embed"], settings["in_channels"], settings["hidden"], settings.get("variant", "small"))
    model.load_state_dict({name: torch.from_numpy(array.copy()) for name, array in tensors.items()}, strict=True)
    return model.eval()


def embed(model, images: np.ndarray) -> np.ndarray:
    """Embeddings of NHWC images (rekd's layout) by a twin (NCHW)."""
    import torch

    with torch.no_grad():
        return model(torch.from_numpy(images.transpose(0, 3, 1, 2).copy())).numpy().astype(np.float32)


def read_images(path: str, shape) -> np.ndarray:
    return np.fromfile(path, dtype="<f4").reshape([int(n) for n in shape])


def save_twin(kind: str, width: float, embed_size: int, in_channels: int, seed: int, out: str, variant: str = "small") -> None:
    import torch
    from models import create_encoder

    torch.manual_seed(seed)
    model = create_encoder(kind, width, embed_size, in_channels, variant=variant)
    # Trained-looking statistics: the running mean and variance are what eval-mode BatchNorm applies.
    for module in model.modules():
        if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    settings = {"kind": kind, "width": width, "embed": embed_size, "in_channels": in_channels, "hidden": 0, "variant": variant}
    write_safetensors(out, {name: tensor.numpy() for name, tensor in model.state_dict().items()}, {"encoder": json.dumps(settings)})


def main(argv) -> None:
    command, *args = argv
    if command == "embed":
        weights, images, *shape, out = args
        embed(load_encoder(weights), read_images(images, shape)).tofile(out)
    elif command == "save-twin":
        kind, width, embed_size, in_channels, seed, out, *variant = args
        save_twin(kind, float(width), int(embed_size), int(in_channels), int(seed), out, *variant)
    elif command == "batch":
        (jobs,) = args
        with open(jobs) as file:
            for job in json.load(file):
                main(job)
    else:
        sys.exit(f"unknown command '{command}' (embed, save-twin, batch)")


if __name__ == "__main__":
    main(sys.argv[1:])
