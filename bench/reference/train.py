"""Times training steps of the reference encoders. Usage:
  python3 train.py '<json: {"batch": 128, "size": 28, "channels": 1, "steps": 5, "warmup": 1, "threads": [1, 2],
                            "models": [{"name": ..., "kind": ..., "width": ..., "embed": ...}]}>'
Prints one JSON object: torch version, BLAS library, and per model and thread count (torch.set_num_threads)
each step's time (ms).
The step is the one bench/train.ts times: forward, mean squared error of the embedding against a
fixed target, backward, plain SGD update."""
import json
import sys
import time

import torch

from models import create_encoder


def blas_library() -> str:
    """The BLAS shared object this process mapped (Debian's torch uses whatever libblas.so.3 is)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line.lower()}
    return ", ".join(sorted(names)) or "unknown"


def time_model(spec: dict, batch: int, size: int, channels: int, steps: int, warmup: int) -> list:
    torch.manual_seed(0)
    model = create_encoder(spec["kind"], spec["width"], spec["embed"], channels)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    images = torch.rand(batch, channels, size, size)
    target = torch.nn.functional.normalize(torch.randn(batch, spec["embed"]), dim=1)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = ((model(images) - target) ** 2).mean()
        loss.backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    config = json.loads(sys.argv[1])
    models = []
    for spec in config["models"]:
        by_threads = {}
        for threads in config["threads"]:
            torch.set_num_threads(threads)
            by_threads[str(threads)] = time_model(spec, config["batch"], config["size"], config["channels"],
                                                  config["steps"], config["warmup"])
        models.append({"name": spec["name"], "step_ms": by_threads})
    results = {"torch": torch.__version__, "blas": blas_library(), "models": models}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
