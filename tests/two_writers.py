"""Two processes editing one layer through the window's command path, for a test and a bench.

Each writer runs the core Editor on the same annotator layer: tags and row merges (each merge
undone at once, so bead positions move twice); a conflict makes it reload and go on, as the
window does. It prints what it was told was saved, its conflicts, and any other error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.conftest import REPO

WRITER = r"""
import json, sys
from sqlalchemy import select
from annotator.commands import Editor
from annotator.commands.alignment import MergeBeads
from annotator.commands.entities import TagMention
from annotator.errors import ConflictError, InputError
from annotator.model import Bead, Layer
from annotator.store import Store
from annotator.store.invariants import check_layer_alignment
store = Store.open(sys.argv[1])
layer_id, first, step, count = map(int, sys.argv[2:6])
editor = Editor(store, layer_id, "Alice")
with store.read() as session:
    text = session.get(Layer, layer_id).pair.source.text
starts = [i for i in range(len(text) - 1) if text[i].isalpha() and (i == 0 or text[i - 1] == " ")]
saved, conflicts, refused, errors = [], 0, 0, []
for k in range(first, first + step * count, step):
    try:
        if k % 4 < 2:  # tag a word
            start = starts[k % len(starts)]
            editor.execute(TagMention("source", start, start + 1, "MISC"))
            saved.append(start)
        else:  # merge two rows and undo it: bead positions move twice
            with store.read() as session:
                beads = session.scalars(
                    select(Bead.id).where(Bead.layer_id == layer_id).order_by(Bead.position)
                ).all()
            editor.execute(MergeBeads(beads[k % (len(beads) - 1)]))
            editor.undo()
    except ConflictError:
        conflicts += 1
        editor.reload()
    except InputError:  # a word tagged already (the steps wrap around the text): a refusal
        refused += 1
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"saved": saved, "conflicts": conflicts, "refused": refused, "errors": errors}))
"""


def run_two_writers(location: str, layer_id: int, operations: int) -> list[dict[str, Any]]:
    """Run two writers at once, `operations` steps each; return each one's report."""
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                location,
                str(layer_id),
                str(first),
                "2",
                str(operations),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for first in (0, 1)
    ]
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=1800)
        if writer.returncode != 0:
            raise RuntimeError(f"a writer failed: {err.strip()[-500:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results
