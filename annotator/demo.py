"""The demo project: the bundled seed pair, imported into an empty store on first start."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import func, select

from annotator.importing import import_pairs
from annotator.model import Project
from annotator.pairing import PairFiles
from annotator.projects import create_project
from annotator.store import Store

DEMO_PROJECT = "Demo: Austin–Gallant call (en–ar)"
SEED_NAME = "austin-gallant-call"


def seed_files() -> PairFiles:
    """Return the bundled seed pair: the English article and its Arabic version."""
    folder = Path(str(resources.files("seeds")))
    return PairFiles(SEED_NAME, folder / f"{SEED_NAME}.en.txt", folder / f"{SEED_NAME}.ar.txt")


def ensure_demo_project(store: Store, actor: str) -> int | None:
    """Import the seed pair as a demo project into a store without projects; return its pair id."""
    with store.write() as session:
        if session.scalar(select(func.count()).select_from(Project)):
            return None
        project = create_project(session, DEMO_PROJECT, "en", "ar", actor)
        report = import_pairs(session, project, [seed_files()], actor)
        return report.imported[0][0]
