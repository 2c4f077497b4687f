"""A tiny pre-norm Transformer trained with torch on CPU, exported as a CTranslate2 model.

The torch layout mirrors CTranslate2's `TransformerSpec` one to one (fused QKV projection,
pre-norm layers, final norms, embeddings scaled by sqrt(d_model) plus a fixed position table),
so the exported model decodes exactly as the trained one does. torch is imported by this
module only; nothing on the translation path imports it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIAL_TOKENS = ["<blank>", "<unk>", "<s>", "</s>"]
LAYER_NORM_EPSILON = 1e-6
# Longer inputs are truncated by the engine; the table must cover every position CTranslate2 can see.
MAX_POSITIONS = 1024


@dataclass(frozen=True)
class ModelShape:
    d_model: int = 128
    heads: int = 4
    ffn: int = 512
    encoder_layers: int = 2
    decoder_layers: int = 2


@dataclass(frozen=True)
class TrainingState:
    steps: int
    exact: int
    total: int


class _Attention(nn.Module):
    def __init__(self, d_model: int, heads: int, *, cross: bool) -> None:
        super().__init__()
        self.heads = heads
        self.cross = cross
        if cross:
            self.query = nn.Linear(d_model, d_model)
            self.key_value = nn.Linear(d_model, 2 * d_model)
        else:
            self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x: Tensor, memory: Tensor | None, mask: Tensor) -> Tensor:
        if self.cross:
            assert memory is not None
            q = self.query(x)
            k, v = self.key_value(memory).chunk(2, dim=-1)
        else:
            q, k, v = self.qkv(x).chunk(3, dim=-1)
        batch, length, width = q.shape

        def heads(t: Tensor) -> Tensor:
            return t.view(batch, t.shape[1], self.heads, width // self.heads).transpose(1, 2)

        attended = F.scaled_dot_product_attention(heads(q), heads(k), heads(v), attn_mask=mask)
        projected: Tensor = self.out(attended.transpose(1, 2).reshape(batch, length, width))
        return projected


class _FeedForward(nn.Module):
    def __init__(self, d_model: int, ffn: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(d_model, eps=LAYER_NORM_EPSILON)
        self.inner = nn.Linear(d_model, ffn)
        self.outer = nn.Linear(ffn, d_model)

    def forward(self, x: Tensor) -> Tensor:
        update: Tensor = self.outer(F.relu(self.inner(self.norm(x))))
        return x + update


class _EncoderLayer(nn.Module):
    def __init__(self, shape: ModelShape) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(shape.d_model, eps=LAYER_NORM_EPSILON)
        self.attention = _Attention(shape.d_model, shape.heads, cross=False)
        self.ffn = _FeedForward(shape.d_model, shape.ffn)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        x = x + self.attention(self.norm(x), None, mask)
        return self.ffn.forward(x)


class _DecoderLayer(nn.Module):
    def __init__(self, shape: ModelShape) -> None:
        super().__init__()
        self.self_norm = nn.LayerNorm(shape.d_model, eps=LAYER_NORM_EPSILON)
        self.self_attention = _Attention(shape.d_model, shape.heads, cross=False)
        self.cross_norm = nn.LayerNorm(shape.d_model, eps=LAYER_NORM_EPSILON)
        self.cross_attention = _Attention(shape.d_model, shape.heads, cross=True)
        self.ffn = _FeedForward(shape.d_model, shape.ffn)

    def forward(self, x: Tensor, memory: Tensor, self_mask: Tensor, memory_mask: Tensor) -> Tensor:
        x = x + self.self_attention(self.self_norm(x), None, self_mask)
        x = x + self.cross_attention(self.cross_norm(x), memory, memory_mask)
        return self.ffn.forward(x)


class TinyTransformer(nn.Module):
    def __init__(self, vocab_size: int, shape: ModelShape) -> None:
        super().__init__()
        self.shape = shape
        # padding_idx keeps the padding rows at zero and out of training (a known pitfall of this
        # recipe: a drifting pad row changes what padded batches compute).
        self.source_embeddings = nn.Embedding(vocab_size, shape.d_model, padding_idx=PAD)
        self.target_embeddings = nn.Embedding(vocab_size, shape.d_model, padding_idx=PAD)
        self.register_buffer("positions", sinusoid_table(MAX_POSITIONS, shape.d_model), persistent=False)
        self.encoder = nn.ModuleList(_EncoderLayer(shape) for _ in range(shape.encoder_layers))
        self.encoder_layers = cast(list[_EncoderLayer], list(self.encoder))
        self.encoder_norm = nn.LayerNorm(shape.d_model, eps=LAYER_NORM_EPSILON)
        self.decoder = nn.ModuleList(_DecoderLayer(shape) for _ in range(shape.decoder_layers))
        self.decoder_layers = cast(list[_DecoderLayer], list(self.decoder))
        self.decoder_norm = nn.LayerNorm(shape.d_model, eps=LAYER_NORM_EPSILON)
        self.projection = nn.Linear(shape.d_model, vocab_size)
        for embeddings in (self.source_embeddings, self.target_embeddings):
            nn.init.normal_(embeddings.weight, std=shape.d_model**-0.5)
            with torch.no_grad():
                embeddings.weight[PAD].zero_()

    def _embed(self, table: nn.Embedding, tokens: Tensor) -> Tensor:
        positions: Tensor = self.positions  # type: ignore[assignment]
        embedded: Tensor = table(tokens)
        return embedded * math.sqrt(self.shape.d_model) + positions[: tokens.shape[1]]

    def forward(self, source: Tensor, target_in: Tensor) -> Tensor:
        memory_mask = (source != PAD)[:, None, None, :]
        x = self._embed(self.source_embeddings, source)
        for encoder_layer in self.encoder_layers:
            x = encoder_layer(x, memory_mask)
        memory = self.encoder_norm(x)
        length = target_in.shape[1]
        causal = torch.ones(length, length, dtype=torch.bool).tril()[None, None]
        y = self._embed(self.target_embeddings, target_in)
        for decoder_layer in self.decoder_layers:
            y = decoder_layer(y, memory, causal, memory_mask)
        logits: Tensor = self.projection(self.decoder_norm(y))
        return logits


def sinusoid_table(length: int, width: int) -> Tensor:
    position = torch.arange(length, dtype=torch.float32)[:, None]
    rates = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(length, width)
    table[:, 0::2] = torch.sin(position * rates)
    table[:, 1::2] = torch.cos(position * rates)
    return table


@dataclass
class _Batch:
    source: Tensor
    target_in: Tensor
    target_out: Tensor


def _pad(rows: Sequence[Sequence[int]]) -> Tensor:
    width = max(len(row) for row in rows)
    return torch.tensor([list(row) + [PAD] * (width - len(row)) for row in rows], dtype=torch.long)


def _make_batch(pairs: Sequence[tuple[list[int], list[int]]]) -> _Batch:
    return _Batch(
        source=_pad([source for source, _ in pairs]),
        target_in=_pad([[BOS, *target] for _, target in pairs]),
        target_out=_pad([[*target, EOS] for _, target in pairs]),
    )


@contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class Trainer:
    """Trains until every pair is reproduced by greedy decoding with a safety margin, or time runs out.

    Teacher-forced argmax equal to the reference at every position means greedy decoding yields
    exactly the reference; the margin keeps CTranslate2's slightly different float arithmetic
    from flipping a near tie.
    """

    def __init__(
        self,
        pairs: Sequence[tuple[list[int], list[int]]],
        vocab_size: int,
        *,
        seed: int,
        shape: ModelShape | None = None,
        batch_size: int = 32,
        learning_rate: float = 2e-3,
        margin: float = 2.0,
    ) -> None:
        torch.manual_seed(seed)
        self.pairs = list(pairs)
        self.model = TinyTransformer(vocab_size, shape or ModelShape())
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=learning_rate, betas=(0.9, 0.98))
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.margin = margin
        self.generator = torch.Generator().manual_seed(seed)
        # Sorting by length keeps padding (wasted work) low inside the evaluation batches.
        self.order = sorted(range(len(self.pairs)), key=lambda i: len(self.pairs[i][0]))
        self.steps = 0

    def _step(self, batch: _Batch) -> None:
        warmup = 100
        step = self.steps + 1
        # Linear warm-up, then inverse square root decay: a constant rate keeps knocking the
        # last few pairs out once the rest are learned.
        scale = min(step / warmup, (warmup / step) ** 0.5)
        for group in self.optimizer.param_groups:
            group["lr"] = self.learning_rate * scale
        logits = self.model(batch.source, batch.target_in)
        loss = F.cross_entropy(logits.flatten(0, 1), batch.target_out.flatten(), ignore_index=PAD)
        self.optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss)
        nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.steps += 1

    def run_epoch(self) -> None:
        self.model.train()
        permutation = torch.randperm(len(self.pairs), generator=self.generator).tolist()
        for start in range(0, len(permutation), self.batch_size):
            self._step(_make_batch([self.pairs[i] for i in permutation[start : start + self.batch_size]]))

    @torch.no_grad()
    def inexact(self) -> list[int]:
        """Indices of pairs that greedy decoding would not reproduce with the required margin."""
        self.model.eval()
        wrong: list[int] = []
        for start in range(0, len(self.order), 128):
            indices = self.order[start : start + 128]
            batch = _make_batch([self.pairs[i] for i in indices])
            logits = self.model(batch.source, batch.target_in)
            reference = batch.target_out.clamp(min=0)
            gold = logits.gather(-1, reference[..., None]).squeeze(-1)
            rivals = logits.scatter(-1, reference[..., None], float("-inf")).amax(-1)
            ok = (gold - rivals >= self.margin) | (batch.target_out == PAD)
            wrong.extend(
                index for index, row_ok in zip(indices, ok.all(dim=1).tolist(), strict=True) if not row_ok
            )
        return wrong

    def train(
        self, out_of_time: Callable[[], bool], on_epoch: Callable[[TrainingState], None] | None = None
    ) -> int:
        """Train until every pair is exact or `out_of_time()`; returns how many pairs are still wrong."""
        while True:
            self.run_epoch()
            wrong = self.inexact()
            if on_epoch is not None:
                on_epoch(
                    TrainingState(steps=self.steps, exact=len(self.pairs) - len(wrong), total=len(self.pairs))
                )
            if not wrong or out_of_time():
                return len(wrong)


def export_ctranslate2(model: TinyTransformer, vocabulary: list[str], out_dir: Path) -> None:
    """Write `model` as a CTranslate2 Transformer model directory (model.bin, config.json, vocabulary)."""
    from ctranslate2.specs import transformer_spec

    shape = model.shape
    spec = transformer_spec.TransformerSpec.from_config(
        (shape.encoder_layers, shape.decoder_layers), shape.heads, pre_norm=True
    )
    spec.config.layer_norm_epsilon = LAYER_NORM_EPSILON
    spec.config.decoder_start_token = "<s>"
    positions = _array(model.positions)  # type: ignore[arg-type]
    spec.encoder.embeddings[0].weight = _array(model.source_embeddings.weight)
    spec.encoder.position_encodings.encodings = positions
    _set_norm(spec.encoder.layer_norm, model.encoder_norm)
    for layer_spec, layer in zip(spec.encoder.layer, model.encoder_layers, strict=True):
        _set_norm(layer_spec.self_attention.layer_norm, layer.norm)
        _set_linear(layer_spec.self_attention.linear[0], layer.attention.qkv)
        _set_linear(layer_spec.self_attention.linear[1], layer.attention.out)
        _set_ffn(layer_spec.ffn, layer.ffn)
    spec.decoder.embeddings.weight = _array(model.target_embeddings.weight)
    spec.decoder.position_encodings.encodings = positions
    _set_norm(spec.decoder.layer_norm, model.decoder_norm)
    for decoder_spec, decoder_layer in zip(spec.decoder.layer, model.decoder_layers, strict=True):
        _set_norm(decoder_spec.self_attention.layer_norm, decoder_layer.self_norm)
        _set_linear(decoder_spec.self_attention.linear[0], decoder_layer.self_attention.qkv)
        _set_linear(decoder_spec.self_attention.linear[1], decoder_layer.self_attention.out)
        _set_norm(decoder_spec.attention.layer_norm, decoder_layer.cross_norm)
        _set_linear(decoder_spec.attention.linear[0], decoder_layer.cross_attention.query)
        _set_linear(decoder_spec.attention.linear[1], decoder_layer.cross_attention.key_value)
        _set_linear(decoder_spec.attention.linear[2], decoder_layer.cross_attention.out)
        _set_ffn(decoder_spec.ffn, decoder_layer.ffn)
    _set_linear(spec.decoder.projection, model.projection)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=None)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))


def _array(tensor: Tensor) -> np.ndarray:  # type: ignore[type-arg]
    return tensor.detach().to(torch.float32).cpu().numpy().copy()


def _set_norm(spec: object, norm: nn.LayerNorm) -> None:
    spec.gamma = _array(norm.weight)  # type: ignore[attr-defined]
    spec.beta = _array(norm.bias)  # type: ignore[attr-defined]


def _set_linear(spec: object, linear: nn.Linear) -> None:
    spec.weight = _array(linear.weight)  # type: ignore[attr-defined]
    spec.bias = _array(linear.bias)  # type: ignore[attr-defined]


def _set_ffn(spec: object, ffn: _FeedForward) -> None:
    _set_norm(spec.layer_norm, ffn.norm)  # type: ignore[attr-defined]
    _set_linear(spec.linear_0, ffn.inner)  # type: ignore[attr-defined]
    _set_linear(spec.linear_1, ffn.outer)  # type: ignore[attr-defined]
