"""Label colours must be told apart by every annotator, colour-blind ones included.

Each colour is taken as the window paints it (at the highlight's alpha over white), passed
through Machado et al.'s (2009) full-severity simulations of protanopia, deuteranopia and
tritanopia in linear RGB, and compared in CIELAB: every two labels must differ by ΔE ≥ 10.
"""

from __future__ import annotations

import itertools
import json

import pytest

from tests.conftest import REPO

ALPHA = 110 / 255  # ui.annotate.controller paints label backgrounds at this alpha
SIMULATIONS = {
    "normal": None,
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
Matrix = tuple[tuple[float, float, float], ...]


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _lab(colour: str, matrix: Matrix | None) -> tuple[float, float, float]:
    rgb = [1 - ALPHA + ALPHA * int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [_linear(c) for c in rgb]
    if matrix is not None:
        lin = [
            max(0.0, min(1.0, sum(m * c for m, c in zip(row, lin, strict=True))))
            for row in matrix
        ]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize("vision", sorted(SIMULATIONS))
def test_every_two_label_colours_stay_apart(vision: str) -> None:
    schema = json.loads((REPO / "resources" / "schemas" / "news.json").read_text("utf-8"))
    colours = {label["name"]: label["color"] for label in schema["labels"]}
    matrix = SIMULATIONS[vision]
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        la, lb = _lab(ca, matrix), _lab(cb, matrix)
        distance = sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5
        assert distance >= 10, f"{a} and {b} look alike with {vision}: ΔE {distance:.1f}"
