"""Qt's visual order, line by line, is the Unicode bidi algorithm's (python-bidi as the oracle)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from bidi import get_display
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.importing import PairFiles, import_pairs
from annotator.layers import automatic_layer
from annotator.model import DocumentPair, Project, Side
from annotator.store import Store
from annotator.text.textfile import has_presentation_forms
from tests.conftest import SEED_AR, SEED_EN
from ui.pair_model import PairRowsModel
from ui.pair_view import PairView

MIXED_AR = (
    "قال لويد أوستن (Lloyd Austin) إن القرار 1701 “يجب أن يُحترم” في 27 أكتوبر 2023، "
    "وأضاف أن ٢١١١٠ شخصاً قُتلوا [وفق حماس] بينما ذكرت Agence France-Presse أن العدد 1,140.\n"
    "سطر ثانٍ: نسبة 3.5% من “الميزانية” (أي 12 مليار $) ذهبت إلى UNRWA في غزة."
)
MIXED_EN = (
    "Lloyd Austin said that resolution 1701 (القرار ١٧٠١) “must be respected” on 27 October.\n"
    "The Arabic name حزب الله appears in English text, as does “غزة” in quotes."
)


def _visual_lines(view: PairView, side: Side, base: str | None = None) -> list[tuple[str, str]]:
    """Return (Qt's visual order, python-bidi's) for every laid-out line of a side."""
    base = base or ("R" if view.model.direction(side) == "rtl" else "L")
    out = []
    for _, _, geometry in view._placed:
        for block in geometry.blocks[side]:
            for n in range(block.layout.lineCount()):
                line = block.layout.lineAt(n)
                boxes = block.line_boxes(line)
                first = block.units.to_code_point(line.textStart())
                last = block.units.to_code_point(line.textStart() + line.textLength())
                logical = block.text[first:last].rstrip()

                def keep(ch: str) -> bool:
                    return not unicodedata.category(ch).startswith("M")

                shown = sorted(
                    (x0, cp)
                    for cp, (x0, _) in boxes.items()
                    if first <= cp < first + len(logical) and keep(block.text[cp])
                )
                qt_order = "".join(block.text[cp] for _, cp in shown)
                reference = "".join(ch for ch in get_display(logical, base_dir=base) if keep(ch))
                out.append((qt_order, reference))
    return out


def _view(store: Store, qtbot: QtBot, layer_id: int, width: int) -> PairView:
    view = PairView(PairRowsModel(store, layer_id))
    qtbot.addWidget(view)
    view.resize(width, 3000)
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # paints every row that fits
    assert view.rows_on_screen()
    return view


def _import(store: Store, project_id: int, en: Path, ar: Path) -> int:
    with store.write() as session:
        project = session.get(Project, project_id)
        import_pairs(session, project, [PairFiles(en.stem, en, ar)], "tester")
        pair = session.scalars(select(DocumentPair).order_by(DocumentPair.id.desc())).first()
        return automatic_layer(session, pair).id


@pytest.mark.parametrize("width", [700, 1300])
def test_seed_lines_match_the_bidi_algorithm(
    store: Store, project_id: int, qtbot: QtBot, width: int
) -> None:
    view = _view(store, qtbot, _import(store, project_id, SEED_EN, SEED_AR), width)
    for side in Side:
        lines = _visual_lines(view, side)
        assert len(lines) > 20
        for qt_order, reference in lines:
            assert qt_order == reference
            assert not has_presentation_forms(qt_order)


@pytest.mark.parametrize("width", [600, 1000, 1600])
def test_mixed_direction_lines_match_the_bidi_algorithm(
    store: Store, project_id: int, qtbot: QtBot, tmp_path: Path, width: int
) -> None:
    (tmp_path / "m.en.txt").write_text(MIXED_EN, "utf-8")
    (tmp_path / "m.ar.txt").write_text(MIXED_AR, "utf-8")
    view = _view(
        store,
        qtbot,
        _import(store, project_id, tmp_path / "m.en.txt", tmp_path / "m.ar.txt"),
        width,
    )
    checked = 0
    for side in Side:
        for qt_order, reference in _visual_lines(view, side):
            assert qt_order == reference
            checked += 1
    assert checked >= 4


def test_the_comparison_catches_a_wrong_base_direction(
    store: Store, project_id: int, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "m.en.txt").write_text(MIXED_EN, "utf-8")
    (tmp_path / "m.ar.txt").write_text(MIXED_AR, "utf-8")
    view = _view(
        store, qtbot, _import(store, project_id, tmp_path / "m.en.txt", tmp_path / "m.ar.txt"), 1000
    )
    wrong = _visual_lines(view, Side.TARGET, base="L") + _visual_lines(view, Side.SOURCE, "R")
    assert any(qt_order != reference for qt_order, reference in wrong)
