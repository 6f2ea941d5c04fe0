"""Caches of sentence vectors keyed by (model name, SHA-256 of the text), in memory or in the store.

Vectors are float32; the store keeps them as raw little-endian float32 bytes in the
``embedding_cache`` table. `cached_vectors` is the one way the aligner asks for vectors: it hashes
each distinct text once, reads what the cache holds in bulk, computes only the rest (one call for
all of them) and writes those back in bulk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.errors import IntegrityError
from annotator.model import EmbeddingCacheEntry
from annotator.store import Store

FloatArray = npt.NDArray[np.float32]

_CHUNK: Final = 500  # keys per IN (...) query: below SQLite's bound-parameter limit


def text_key(text: str) -> str:
    """Return the cache key of a text: the hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache(Protocol):
    """Vectors by model name and text key; a missing key is simply absent from `get_many`."""

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, FloatArray]:
        """Return the cached vectors of those keys that are cached."""
        ...

    def put_many(self, model: str, vectors: Mapping[str, FloatArray]) -> None:
        """Store vectors by key (a key already stored keeps its vector)."""
        ...


class MemoryEmbeddingCache:
    """An `EmbeddingCache` in a dict, for one process."""

    def __init__(self) -> None:
        """Start empty."""
        self._vectors: dict[tuple[str, str], FloatArray] = {}

    def __len__(self) -> int:
        """Return how many vectors are held, all models together."""
        return len(self._vectors)

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, FloatArray]:
        """Return the held vectors of those keys that are held."""
        found: dict[str, FloatArray] = {}
        for key in keys:
            vector = self._vectors.get((model, key))
            if vector is not None:
                found[key] = vector
        return found

    def put_many(self, model: str, vectors: Mapping[str, FloatArray]) -> None:
        """Hold copies of the vectors (a key already held keeps its vector)."""
        for key, vector in vectors.items():
            self._vectors.setdefault((model, key), np.array(vector, dtype=np.float32))

    def held(self, model: str) -> dict[str, FloatArray]:
        """Return every vector held for the model, by key."""
        return {key: v for (name, key), v in self._vectors.items() if name == model}


def _chunks(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    """Yield the keys in slices of at most _CHUNK."""
    for start in range(0, len(keys), _CHUNK):
        yield keys[start : start + _CHUNK]


def read_vectors(session: Session, model: str, keys: Sequence[str]) -> dict[str, FloatArray]:
    """Return the stored vectors of those keys that are in the session's store."""
    found: dict[str, FloatArray] = {}
    for chunk in _chunks(list(dict.fromkeys(keys))):
        rows = session.execute(
            select(
                EmbeddingCacheEntry.text_sha256,
                EmbeddingCacheEntry.dimension,
                EmbeddingCacheEntry.vector,
            ).where(
                EmbeddingCacheEntry.model == model,
                EmbeddingCacheEntry.text_sha256.in_(chunk),
            )
        )
        for key, dimension, blob in rows:
            vector = np.frombuffer(blob, dtype="<f4")
            if vector.shape == (dimension,):  # a truncated blob is treated as absent
                found[key] = vector.astype(np.float32)
    return found


def write_vectors(session: Session, model: str, vectors: Mapping[str, FloatArray]) -> None:
    """Add the vectors not yet stored to the session's transaction."""
    keys = list(vectors)
    present: set[str] = set()
    for chunk in _chunks(keys):
        present.update(
            session.scalars(
                select(EmbeddingCacheEntry.text_sha256).where(
                    EmbeddingCacheEntry.model == model,
                    EmbeddingCacheEntry.text_sha256.in_(chunk),
                )
            )
        )
    session.add_all(
        EmbeddingCacheEntry(
            model=model,
            text_sha256=key,
            dimension=int(vectors[key].shape[0]),
            vector=np.ascontiguousarray(vectors[key], dtype="<f4").tobytes(),
        )
        for key in keys
        if key not in present
    )


class StoreEmbeddingCache:
    """An `EmbeddingCache` in the store's ``embedding_cache`` table (float32 bytes).

    Each `put_many` is its own write transaction: cached vectors are derived data, kept even when
    the alignment that computed them is discarded.
    """

    def __init__(self, store: Store) -> None:
        """Use the given open store."""
        self._store = store

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, FloatArray]:
        """Return the stored vectors of those keys that are stored."""
        with self._store.read() as session:
            return read_vectors(session, model, keys)

    def put_many(self, model: str, vectors: Mapping[str, FloatArray]) -> None:
        """Insert the vectors not yet stored, all in one transaction.

        Should another writer store some of the same keys meanwhile, this batch is dropped:
        those vectors are cached already, and the rest will be computed again next time.
        """
        if not vectors:
            return
        try:
            with self._store.write() as session:
                write_vectors(session, model, vectors)
        except IntegrityError:  # the store's mapping of a unique-key violation
            pass


class BufferedEmbeddingCache:
    """Reads the store's cache, keeps new vectors in memory until `flush` writes them.

    For an import that aligns before it takes the write lock: reading never blocks a writer,
    and the new vectors go into the import's own short write transaction.
    """

    def __init__(self, store: Store) -> None:
        """Use the given open store for reading."""
        self._store = store
        self._new = MemoryEmbeddingCache()
        self._models: set[str] = set()

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, FloatArray]:
        """Return the vectors computed here or stored, of those keys that are."""
        found = self._new.get_many(model, keys)
        missing = [key for key in keys if key not in found]
        if missing:
            with self._store.read() as session:
                found.update(read_vectors(session, model, missing))
        return found

    def put_many(self, model: str, vectors: Mapping[str, FloatArray]) -> None:
        """Hold the vectors until `flush`."""
        self._new.put_many(model, vectors)
        self._models.add(model)

    def flush(self, session: Session) -> None:
        """Add the held vectors not yet stored to the caller's (write) transaction."""
        for model in sorted(self._models):
            write_vectors(session, model, self._new.held(model))


class SessionEmbeddingCache:
    """An `EmbeddingCache` that reads and writes inside a caller's transaction (an import)."""

    def __init__(self, session: Session) -> None:
        """Use the caller's session; nothing is committed here."""
        self._session = session

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, FloatArray]:
        """Return the stored vectors of those keys that are stored."""
        return read_vectors(self._session, model, keys)

    def put_many(self, model: str, vectors: Mapping[str, FloatArray]) -> None:
        """Add the vectors not yet stored to the caller's transaction."""
        if vectors:
            write_vectors(self._session, model, vectors)
            self._session.flush()


def cached_vectors(
    texts: Sequence[str],
    model: str,
    compute: Callable[[Sequence[str]], FloatArray],
    cache: EmbeddingCache | None,
) -> FloatArray:
    """Return one vector per text: from the cache, else from one `compute` call on the rest.

    Each distinct text is computed at most once, even without a cache; new vectors are cached.
    """
    distinct = list(dict.fromkeys(texts))
    keys = [text_key(text) for text in distinct]
    found = cache.get_many(model, keys) if cache is not None else {}
    missing = [i for i, key in enumerate(keys) if key not in found]
    vectors: dict[str, FloatArray] = dict(found)
    if missing:
        computed = compute([distinct[i] for i in missing])
        new = {keys[i]: computed[row] for row, i in enumerate(missing)}
        vectors.update(new)
        if cache is not None:
            cache.put_many(model, new)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    by_text = {text: vectors[key] for text, key in zip(distinct, keys, strict=True)}
    return np.stack([by_text[text] for text in texts]).astype(np.float32, copy=False)
