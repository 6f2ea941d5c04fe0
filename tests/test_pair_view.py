from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextLayout
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.demo import ensure_demo_project
from annotator.importing import PairFiles, import_pairs
from annotator.layers import automatic_layer
from annotator.model import DocumentPair, Project, Side
from annotator.store import Store
from tests.ui_helpers import drag, show_range
from ui.pair_layout import Highlight
from ui.pair_model import ROW_ROLE, PairRowsModel
from ui.pair_view import PairView

pytestmark = pytest.mark.both_engines  # the window on SQLite and on PostgreSQL

AR, EN = Side.TARGET, Side.SOURCE


@pytest.fixture
def view(store: Store, qtbot: QtBot) -> Iterator[PairView]:
    pair_id = ensure_demo_project(store, "tester")
    with store.read() as session:
        layer_id = automatic_layer(session, session.get(DocumentPair, pair_id)).id
    v = PairView(PairRowsModel(store, layer_id))
    qtbot.addWidget(v)
    v.resize(1300, 800)
    v.show()
    qtbot.waitExposed(v)
    yield v


def _span(view: PairView, side: Side, needle: str, nth: int = 0) -> tuple[int, int]:
    text = view.model.texts[side]
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _selected(view: PairView) -> tuple[str, int, int]:
    assert view.selection is not None
    side, start, end = view.selection
    return view.model.texts[side][start:end], start, end


ARABIC_CASES = {
    "name mid-line": "لويد أوستن",
    "Arabic then digits": "للقرار الدولي 1701",
    "inside quotes": "“دعم غزة والفلسطينيين”",
    "one letter": "ل",
    "number alone": "1140",
    "digits between words": "الدولي 1701 الذي",
}
ENGLISH_CASES = {
    "name mid-line": "Lloyd Austin",
    "words then digits": "Resolution 1701",
    "inside quotes": "“supporting Gaza and the Palestinians,”",
    "one letter": "a",
    "number": "1,140",
}


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("case", list(ARABIC_CASES))
def test_drag_selects_exactly_the_arabic_glyphs(
    view: PairView, qtbot: QtBot, case: str, reverse: bool
) -> None:
    start, end = _span(view, AR, ARABIC_CASES[case])
    drag(qtbot, view, AR, start, end, reverse=reverse)
    assert _selected(view) == (ARABIC_CASES[case], start, end)


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("case", list(ENGLISH_CASES))
def test_drag_selects_exactly_the_english_glyphs(
    view: PairView, qtbot: QtBot, case: str, reverse: bool
) -> None:
    start, end = _span(view, EN, ENGLISH_CASES[case])
    drag(qtbot, view, EN, start, end, reverse=reverse)
    assert _selected(view) == (ENGLISH_CASES[case], start, end)


@pytest.mark.parametrize(
    "side,first,last",
    [
        (AR, "الحملة العسكرية", "القتالية الكبرى"),
        (EN, "Thursday with", "will follow major combat operations"),
    ],
)
def test_multi_line_drag(view: PairView, qtbot: QtBot, side: Side, first: str, last: str) -> None:
    start = _span(view, side, first)[0]
    end = _span(view, side, last)[1]
    drag(qtbot, view, side, start, end)
    text, s, e = _selected(view)
    assert (s, e) == (start, end)
    text = view.model.texts[side]
    lines = {round(view.char_box(side, k).top()) for k in range(start, end) if text[k] != " "}
    assert len(lines) >= 2  # the range really wraps


def test_double_click_selects_the_word(view: PairView, qtbot: QtBot) -> None:
    start, end = _span(view, AR, "غالانت")
    show_range(view, AR, start, end)
    center = view.char_box(AR, start + 2).center().toPoint()
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert _selected(view) == ("غالانت", start, end)


def test_double_click_on_a_possessive_selects_the_name(view: PairView, qtbot: QtBot) -> None:
    start, _ = _span(view, EN, "Hezbollah’s")
    show_range(view, EN, start, start + 11)
    center = view.char_box(EN, start + 3).center().toPoint()
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert _selected(view) == ("Hezbollah", start, start + 9)


def test_highlights_do_not_change_the_shaping(view: PairView) -> None:
    start, end = _span(view, AR, "إسرائيل", 1)
    show_range(view, AR, start, end)
    block = next(
        b for _, _, g in view._placed for b in g.blocks[AR] if b.ref.start <= start < b.ref.end
    )

    def glyphs(layout: QTextLayout) -> list[tuple[int, float]]:
        return [
            (int(i), round(p.x(), 2))
            for run in layout.glyphRuns()
            for i, p in zip(run.glyphIndexes(), run.positions(), strict=True)
        ]

    before = glyphs(block.layout)
    view.set_highlights([Highlight(AR, start, end, QColor(255, 200, 0, 120))])
    view.viewport().repaint()
    assert glyphs(block.layout) == before
    # a highlight made by laying the word out on its own would change the glyphs: the check
    # above would catch it (the isolated word's letters take other, unjoined forms)
    word = view.model.texts[AR][start - 1 : end]  # with the attached و
    alone = QTextLayout(word[1:], view._font)
    alone.beginLayout()
    alone.createLine()
    alone.endLayout()
    joined = QTextLayout(word, view._font)
    joined.beginLayout()
    joined.createLine()
    joined.endLayout()
    assert [i for i, _ in glyphs(alone)] != [i for i, _ in glyphs(joined)][: len(glyphs(alone))]


def test_model_passes_qtmodeltester(view: PairView, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(view.model)
    row = view.model.data(view.model.index(4, 0), ROW_ROLE)
    assert [r.number for r in row.source] == [4, 5]  # paragraph 4: its two sentences
    assert view.model.data(view.model.index(4, 0)) == "5 · 2:1"


def test_offsets_survive_characters_outside_the_bmp(
    store: Store, project_id: int, qtbot: QtBot, tmp_path
) -> None:
    (tmp_path / "e.en.txt").write_text("Rocket 🚀 and 𠀀 before Lloyd Austin spoke.", "utf-8")
    (tmp_path / "e.ar.txt").write_text("صاروخ 🚀 و 𠀀 قبل أن يتحدث لويد أوستن.", "utf-8")
    with store.write() as session:
        project = session.get(Project, project_id)
        import_pairs(
            session,
            project,
            [PairFiles("e", tmp_path / "e.en.txt", tmp_path / "e.ar.txt")],
            "tester",
        )
        layer_id = automatic_layer(session, session.scalars(select(DocumentPair)).one()).id
    v = PairView(PairRowsModel(store, layer_id))
    qtbot.addWidget(v)
    v.resize(1000, 400)
    v.show()
    qtbot.waitExposed(v)
    for side, name in ((AR, "لويد أوستن"), (EN, "Lloyd Austin")):
        start, end = _span(v, side, name)
        drag(qtbot, v, side, start, end)
        assert _selected(v) == (name, start, end)
        assert len(v.model.texts[side][:start].encode("utf-16-le")) // 2 == start + 2
