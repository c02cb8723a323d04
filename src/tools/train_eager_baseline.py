#!/usr/bin/python3
"""Times a plain PyTorch eager training loop over a docqa base reader: the peer `docqa train --benchmark` is
compared with (the ratio of their windows/s is docqa's training efficiency).

Same model (the eager nn.Module of make_base_reader.py, loaded with the weights of the base's TorchScript file), same
synthetic batches (random word-piece ids, every token real, one gold span per window, 1/8 of a window question), same
steps (forward, mean start/end cross-entropy, backward, global-norm clipping at 1.0, torch.optim.AdamW with decay 0.01
on weight matrices only), same threads. Prints one JSON line.

    /usr/bin/python3 src/tools/train_eager_baseline.py --base /work/bases/minilm-base --threads 2

Use Debian's interpreter (python3-torch); with libopenblas0-pthread installed Debian's torch uses OpenBLAS.
"""

import argparse
import json
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from make_base_reader import BertForQuestionAnswering  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="a base reader folder made by make_base_reader.py")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lengths", default="128,256,384")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.base, "config.json")) as f:
        config = json.load(f)
    config.setdefault("mask_value", float(torch.finfo(torch.float32).min))
    name = [line.split("=", 1)[1].strip() for line in open(os.path.join(args.base, "serving.properties"))
            if line.startswith("option.modelName=")][0]
    scripted = torch.jit.load(os.path.join(args.base, name + ".pt"))
    model = BertForQuestionAnswering(config)
    model.load_state_dict(scripted.state_dict())
    model.train()
    decay = [p for p in model.parameters() if p.dim() > 1]
    no_decay = [p for p in model.parameters() if p.dim() <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-5, eps=1e-8)
    generator = torch.Generator().manual_seed(20261202)
    rows = []
    for length in [int(x) for x in args.lengths.split(",")]:
        b = args.batch_size
        ids = torch.randint(1000, 21000, (b, length), generator=generator)
        mask = torch.ones((b, length), dtype=torch.long)
        types = torch.zeros((b, length), dtype=torch.long)
        types[:, length // 8:] = 1
        starts = torch.randint(length // 8, length - 4, (b,), generator=generator)
        ends = starts + torch.randint(0, 4, (b,), generator=generator)

        def step() -> None:
            optimizer.zero_grad(set_to_none=False)
            start_logits, end_logits = model(ids, mask, types)
            loss = (nn.functional.cross_entropy(start_logits, starts) + nn.functional.cross_entropy(end_logits, ends)) / 2
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()

        for _ in range(args.warmup):
            step()
        began = time.perf_counter()
        for _ in range(args.steps):
            step()
        seconds = time.perf_counter() - began
        rows.append({"length": length, "batch_size": b, "steps": args.steps, "seconds": round(seconds, 3),
                     "windows_per_second": round(b * args.steps / seconds, 3)})
    print(json.dumps({"model": args.base, "threads": args.threads, "torch": torch.__version__, "steps": rows}))


if __name__ == "__main__":
    main()
