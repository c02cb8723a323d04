#!/usr/bin/python3
"""Makes an int8 copy of a docqa-trained reader folder (dynamic quantization of every Linear layer).

`docqa train` writes fp32 TorchScript so that a reader stays trainable. For serving on CPU an int8 copy runs the
forward in about half the time, at some accuracy cost: compare both with `docqa eval DEV.json --gold --reader ...`
before switching. The copy cannot be trained further (train the fp32 folder, then quantize again).

    /usr/bin/python3 src/tools/quantize_reader.py --reader /work/runs/minilm-squad --out /work/runs/minilm-squad-int8

The reader must be a BERT-shaped reader made from a base of make_base_reader.py (its config.json names the shapes):
the eager module of that tool is rebuilt, given the folder's weights, quantized and scripted again. tokenizer.json and
config.json are copied; serving.properties is copied with option.modelName renamed and docqa.int8=true added.
Debian's interpreter with python3-torch and python3-onnx (make_base_reader.py imports onnx; the python3 first on PATH
is a pyenv shim that cannot see them).
"""

import argparse
import json
import os
import shutil
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from make_base_reader import BertForQuestionAnswering  # noqa: E402
from make_test_models import without_debug_info, write  # noqa: E402


def properties(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


def model_name(serving: list) -> str:
    return next(line.split("=", 1)[1].strip() for line in serving if line.startswith("option.modelName="))


SMOKE_IDS = torch.tensor([[101, 2054, 102, 3231, 2003, 102]])


def smoke_logits(module) -> tuple:
    """Start and end logits of `module` on one tiny question/context pair (both token-type segments)."""
    with torch.no_grad():
        return module(SMOKE_IDS, torch.ones_like(SMOKE_IDS), torch.tensor([[0, 0, 0, 1, 1, 1]]))


def write_reader(out: str, scripted, source: str, serving: list) -> int:
    """Writes reader folder `out`: the scripted module as <name>.pt, tokenizer.json and config.json from reader folder
    `source`, and `serving` (properties lines) with option.modelName renamed to the folder's name. Returns the .pt size.
    """
    out_name = os.path.basename(os.path.normpath(out))
    os.makedirs(out)
    model_file = os.path.join(out, out_name + ".pt")
    write(model_file, without_debug_info(scripted))
    for file in ("tokenizer.json", "config.json"):
        shutil.copyfile(os.path.join(source, file), os.path.join(out, file))
    lines = [("option.modelName=" + out_name) if line.startswith("option.modelName=") else line for line in serving]
    with open(os.path.join(out, "serving.properties"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return os.path.getsize(model_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", required=True, help="an fp32 reader folder written by docqa train")
    parser.add_argument("--out", required=True, help="the int8 folder to write (must not exist)")
    args = parser.parse_args()
    if os.path.exists(args.out):
        raise SystemExit(f"quantize_reader: {args.out} already exists")
    torch.set_num_threads(1)
    serving = properties(os.path.join(args.reader, "serving.properties"))
    with open(os.path.join(args.reader, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config.setdefault("mask_value", float(torch.finfo(torch.float32).min))
    model = BertForQuestionAnswering(config)
    model.load_state_dict(torch.jit.load(os.path.join(args.reader, model_name(serving) + ".pt")).state_dict())
    model.eval()
    engines = torch.backends.quantized.supported_engines
    torch.backends.quantized.engine = "fbgemm" if "fbgemm" in engines else "qnnpack"
    quantized = torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    scripted = torch.jit.script(quantized)
    start, end = smoke_logits(scripted)
    ref_start, _ = smoke_logits(model)
    if not (torch.isfinite(start).all() and torch.isfinite(end).all()):
        raise SystemExit("quantize_reader: the int8 module returns non-finite logits")
    size = write_reader(args.out, scripted, args.reader, serving + ["docqa.int8=true"])
    print(json.dumps({"out": args.out, "bytes": size,
                      "max_start_logit_difference": float((start - ref_start).abs().max())}))


if __name__ == "__main__":
    main()
