"""Running the aligner off the GUI thread: the window stays responsive, the result comes back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QThread, Signal

from annotator.alignment.beads import AlignedBead
from annotator.alignment.embedding_cache import read_vectors
from annotator.alignment.engine import realign
from annotator.alignment.pair_alignment import LayerSentences
from annotator.store import Store


@dataclass(frozen=True)
class AlignJob:
    """Everything the aligner needs, read from the store on the GUI thread."""

    sentences: LayerSentences
    beads: Sequence[AlignedBead]
    confirmed: Sequence[bool]
    start_bead: int


class _ReadThroughCache:
    """Reads vectors from the store, keeps new ones in memory to be written with the result."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.new: dict[str, dict[str, npt.NDArray[np.float32]]] = {}

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        with self.store.read() as session:
            found = read_vectors(session, model, keys)
        found.update({k: v for k, v in self.new.get(model, {}).items() if k in set(keys)})
        return found

    def put_many(self, model: str, vectors: Mapping[str, npt.NDArray[np.float32]]) -> None:
        self.new.setdefault(model, {}).update(vectors)


class AlignWorker(QThread):
    """Align in a thread; emits `aligned(beads, new_vectors)` or `failed(message)`."""

    aligned = Signal(object, object)
    failed = Signal(str)

    def __init__(self, store: Store, job: AlignJob) -> None:
        super().__init__()
        self.job = job
        self.cache = _ReadThroughCache(store)
        self.cancelled = False

    def run(self) -> None:
        job = self.job
        found = job.sentences
        try:
            beads = realign(
                found.source,
                found.target,
                job.beads,
                job.confirmed,
                job.start_bead,
                src_lang=found.source_lang,
                tgt_lang=found.target_lang,
                cache=self.cache,
                src_paragraphs=found.source_paragraphs,
                tgt_paragraphs=found.target_paragraphs,
                known_names=found.known_names,
            )
        except Exception as exc:  # reported to the window; the thread must not die silently
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.aligned.emit(beads, self.cache.new)
