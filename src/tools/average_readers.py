#!/usr/bin/python3
"""Averages the weights of docqa readers fine-tuned from one another (a "model soup", Wortsman et al. 2022).

Readers on one fine-tuning trajectory (a reader and the reader `docqa train --base` made from it, or checkpoints of
one run) sit in one basin of the loss; the mean of their weights often reads better than either. The result is an
fp32 reader folder like the inputs, trainable again; compare it with `docqa eval DEV.json --gold --reader ...`.

    /usr/bin/python3 src/tools/average_readers.py --reader /work/runs/r3 --reader /work/runs/e2 --out /work/runs/soup
    /usr/bin/python3 src/tools/average_readers.py --reader A --reader B --weights 0.3,0.7 --out /work/runs/soup-37

Every reader must be a BERT-shaped reader made from a base of make_base_reader.py with the same config.json and
tokenizer.json. The eager module of that tool is rebuilt, given the averaged weights and scripted again (as
quantize_reader.py does). tokenizer.json and config.json are copied from the first reader, and so is its
serving.properties, with option.modelName renamed, the training lineage of the first reader kept and
docqa.averagedFrom / docqa.averageWeights added; a calibrated docqa.nullThreshold is dropped (calibrate again).
Debian's interpreter with python3-torch and python3-onnx (make_base_reader.py imports onnx; the python3 first on PATH
is a pyenv shim that cannot see them).
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from make_base_reader import BertForQuestionAnswering  # noqa: E402
from quantize_reader import model_name, properties, smoke_logits, write_reader  # noqa: E402


def read_file(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", action="append", required=True, help="an fp32 reader folder (two or more)")
    parser.add_argument("--weights", help="comma-separated weights, one per reader, summing to 1; default equal")
    parser.add_argument("--out", required=True, help="the folder to write (must not exist)")
    args = parser.parse_args()
    readers = args.reader
    if len(readers) < 2:
        raise SystemExit("average_readers: give at least two --reader folders")
    weights = [1.0 / len(readers)] * len(readers)
    if args.weights:
        weights = [float(w) for w in args.weights.split(",")]
        if len(weights) != len(readers) or abs(sum(weights) - 1.0) > 1e-6 or min(weights) < 0:
            raise SystemExit(f"average_readers: --weights needs {len(readers)} non-negative values summing to 1; "
                             f"--weights={args.weights}")
    if os.path.exists(args.out):
        raise SystemExit(f"average_readers: {args.out} already exists")
    def shape(reader: str) -> str:  # config.json without docqa_note, which names each reader's own base
        config = json.loads(read_file(os.path.join(reader, "config.json")))
        config.pop("docqa_note", None)
        return json.dumps(config, sort_keys=True) + read_file(os.path.join(reader, "tokenizer.json"))
    if len({shape(r) for r in readers}) != 1:
        raise SystemExit("average_readers: the readers differ in config.json or tokenizer.json; only readers of one "
                         "base can be averaged")
    torch.set_num_threads(1)
    config = json.loads(read_file(os.path.join(readers[0], "config.json")))
    config.setdefault("mask_value", float(torch.finfo(torch.float32).min))
    averaged = {}
    for reader, weight in zip(readers, weights):
        serving = properties(os.path.join(reader, "serving.properties"))
        if any(line.startswith("docqa.int8=true") for line in serving):
            raise SystemExit(f"average_readers: {reader} is an int8 copy; average the fp32 readers")
        state = torch.jit.load(os.path.join(reader, model_name(serving) + ".pt")).state_dict()
        if averaged and state.keys() != averaged.keys():
            raise SystemExit(f"average_readers: {reader} has other parameters than {readers[0]}")
        for key, value in state.items():
            if not value.is_floating_point():
                averaged.setdefault(key, value)  # integer buffers (position ids) are the same in every reader
                continue
            averaged[key] = averaged.get(key, torch.zeros_like(value)) + weight * value
    model = BertForQuestionAnswering(config)
    model.load_state_dict(averaged)
    model.eval()
    scripted = torch.jit.script(model)
    start, end = smoke_logits(scripted)
    if not (torch.isfinite(start).all() and torch.isfinite(end).all()):
        raise SystemExit("average_readers: the averaged module returns non-finite logits")
    lines = [line for line in properties(os.path.join(readers[0], "serving.properties"))
             if not line.startswith("docqa.nullThreshold")]
    lines.append("docqa.averagedFrom=" + " + ".join(os.path.abspath(r) for r in readers))
    lines.append("docqa.averageWeights=" + ",".join(f"{w:g}" for w in weights))
    size = write_reader(args.out, scripted, readers[0], lines)
    print(json.dumps({"out": args.out, "readers": readers, "weights": weights, "bytes": size}))


if __name__ == "__main__":
    main()
