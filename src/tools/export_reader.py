#!/usr/bin/env python3
"""Exports a Hugging Face extractive QA model to docqa's reader layout (TorchScript + tokenizer.json).

Run where the Hugging Face hub is reachable (not on the offline build machine), with torch and transformers installed:

    pip install 'torch<=2.7.1' transformers
    python3 src/tools/export_reader.py                                   # distilbert-base-cased-distilled-squad
    python3 src/tools/export_reader.py --model deepset/roberta-base-squad2 --out models/roberta-base-squad2
    python3 src/tools/export_reader.py --int8 --out models/distilbert-squad-int8    # CPU: about 2x faster

then point docqa at the folder: `src/bin/docqa ask "..." --reader models/distilbert-base-cased-distilled-squad`
(or upload it and use `--reader s3://bucket/prefix`).

The folder holds, like DJL's own converter:
  <name>.pt           TorchScript; forward(input_ids, attention_mask[, token_type_ids]) -> (start_logits, end_logits),
                      int64 inputs of shape (batch, length), float logits of shape (batch, length)
  tokenizer.json      the model's fast tokenizer, truncation and padding removed (the reader sets its own)
  config.json         the model's Hugging Face config
  serving.properties  engine=PyTorch, the model name, and includeTokenTypes (whether forward takes token_type_ids)

--int8 quantizes every Linear layer dynamically (int8 weights, activations quantized on the fly): on CPU the forward
takes about half the time (distilbert-base, 2 cores, measured by `docqa bench`), at some accuracy cost. Compare EM/F1
of both exports with `docqa eval YOUR-SQUAD.json --reader ...` before switching.

docqa runs DJL's libtorch 2.7.1: export with torch 2.7.x or older, since a newer torch may write TorchScript that
libtorch 2.7.1 cannot load.
"""

import argparse
import json
import os
import sys

import torch

DEFAULT_MODEL = "distilbert-base-cased-distilled-squad"
SMOKE_QUESTION = "What does docqa return?"
SMOKE_CONTEXT = ("docqa retrieves passages with Lucene, reads them with an extractive reader and returns the best "
                 "answer span with its score and offsets.")


class QaWithTypes(torch.nn.Module):
    """BERT-style models: segment ids tell the question from the context."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                         return_dict=False)
        return out[0], out[1]


class QaNoTypes(torch.nn.Module):
    """DistilBERT, RoBERTa and the like: no segment ids."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, return_dict=False)
        return out[0], out[1]


def load(model_id, revision):
    from transformers import AutoConfig, AutoModelForQuestionAnswering, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_id, revision=revision, use_fast=True)
    if not tokenizer.is_fast:
        raise SystemExit(f"{model_id} has no fast tokenizer, so no tokenizer.json for DJL's HuggingFaceTokenizer")
    config = AutoConfig.from_pretrained(model_id, revision=revision)
    try:
        # Eager attention: SDPA paths branch on the mask's values, which a trace would freeze.
        model = AutoModelForQuestionAnswering.from_pretrained(
            model_id, revision=revision, torchscript=True, attn_implementation="eager")
    except (TypeError, ValueError):  # transformers older than 4.36 has no attn_implementation (and no SDPA)
        model = AutoModelForQuestionAnswering.from_pretrained(model_id, revision=revision, torchscript=True)
    model.eval()
    return tokenizer, config, model


def encode(tokenizer, questions, contexts, with_types, **kwargs):
    enc = tokenizer(questions, contexts, return_tensors="pt", truncation="only_second", **kwargs)
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if with_types else [])
    return tuple(enc[name].to(torch.long) for name in names)


def export(model_id, revision, out, int8):
    if tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2]) > (2, 7):
        print(f"warning: torch {torch.__version__} is newer than DJL's libtorch 2.7.1; if docqa cannot load the "
              f"model, export again with torch<=2.7.1", file=sys.stderr)
    tokenizer, config, model = load(model_id, revision)
    with_types = "token_type_ids" in tokenizer.model_input_names
    wrapper = QaWithTypes(model) if with_types else QaNoTypes(model)
    if int8:
        torch.backends.quantized.engine = "fbgemm" if "fbgemm" in torch.backends.quantized.supported_engines \
            else "qnnpack"
        wrapper = torch.quantization.quantize_dynamic(wrapper, {torch.nn.Linear}, dtype=torch.qint8)

    # Trace on a padded batch of two, then check other shapes: a trace must not freeze batch size or length.
    example = encode(tokenizer, [SMOKE_QUESTION, "Who reads the passages?"],
                     [SMOKE_CONTEXT, "An extractive reader reads them."], with_types, padding=True)
    with torch.no_grad():
        traced = torch.jit.trace(wrapper, example)
        for check in (encode(tokenizer, [SMOKE_QUESTION], [SMOKE_CONTEXT], with_types),
                      encode(tokenizer, [SMOKE_QUESTION] * 3, [SMOKE_CONTEXT] * 3, with_types,
                             padding="max_length", max_length=384)):
            expected, actual = wrapper(*check), traced(*check)
            for e, a in zip(expected, actual):
                diff = (e - a).abs().max().item()
                if diff > 1e-4:
                    raise SystemExit(f"traced model differs from the original on shape {tuple(check[0].shape)}: "
                                     f"max |diff| = {diff}")

    name = os.path.basename(os.path.normpath(out))
    os.makedirs(out, exist_ok=True)
    traced.save(os.path.join(out, name + ".pt"))

    backend = tokenizer.backend_tokenizer
    backend.no_truncation()
    backend.no_padding()
    backend.save(os.path.join(out, "tokenizer.json"))

    config_json = config.to_dict()
    config_json["docqa_exported_from"] = model_id + ("@" + revision if revision else "")
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config_json, f, indent=2, sort_keys=True)
        f.write("\n")

    with open(os.path.join(out, "serving.properties"), "w", encoding="utf-8") as f:
        f.write("engine=PyTorch\n")
        f.write(f"option.modelName={name}\n")
        f.write("option.mapLocation=true\n")
        f.write("translatorFactory=ai.djl.huggingface.translator.QuestionAnsweringTranslatorFactory\n")
        f.write(f"includeTokenTypes={'true' if with_types else 'false'}\n")

    smoke(tokenizer, traced, with_types)
    print(f"wrote {out} ({name}.pt, tokenizer.json, config.json, serving.properties; "
          f"includeTokenTypes={str(with_types).lower()})")


def smoke(tokenizer, traced, with_types):
    """Prints the traced model's best span for a known question: a trained reader answers sensibly."""
    inputs = encode(tokenizer, [SMOKE_QUESTION], [SMOKE_CONTEXT], with_types)
    with torch.no_grad():
        start_logits, end_logits = traced(*inputs)
    start = int(start_logits[0].argmax())
    end = max(start, int(end_logits[0].argmax()))
    answer = tokenizer.decode(inputs[0][0][start:end + 1])
    print(f"smoke test: {SMOKE_QUESTION!r} -> {answer!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"Hugging Face model id (default {DEFAULT_MODEL})")
    parser.add_argument("--revision", help="model revision (branch, tag or commit) for a reproducible export")
    parser.add_argument("--out", help="output folder (default models/<model name>)")
    parser.add_argument("--int8", action="store_true", help="dynamically quantize the Linear layers to int8")
    args = parser.parse_args()
    out = args.out or os.path.join("models", args.model.rsplit("/", 1)[-1] + ("-int8" if args.int8 else ""))
    export(args.model, args.revision, out, args.int8)


if __name__ == "__main__":
    main()
