"""Geometry of the report's radar chart, drawn server-side as SVG (pure Python, no JavaScript).

One axis per dimension, clockwise from the top. A score ``s`` on the 1–5 scale lies at distance
``RADIUS * s / MAX_SCORE`` from the centre, so the rings 1–5 are evenly spaced and a score of 1 is
still visible. A dimension without a score (not enough answers yet) gets no vertex of its own: its
point sits at the centre and its label says "geen score".

The template ``templates/_radar.svg.j2`` turns a :class:`Radar` into markup.
"""

import math
from dataclasses import dataclass

MAX_SCORE = 5
WIDTH = 560
HEIGHT = 380
CENTER = (WIDTH / 2, HEIGHT / 2)
RADIUS = 120.0
LABEL_GAP = 16.0


def _r(value: float) -> float:
    return round(value, 1)


def _fmt(value: float) -> str:
    """A coordinate for an SVG attribute: one decimal, no trailing '.0', no '-0'."""
    return format(_r(value) + 0.0, "g")


def axis_angle(index: int, count: int) -> float:
    """Angle in radians of axis ``index`` of ``count``: the first points up, then clockwise."""
    return -math.pi / 2 + 2 * math.pi * index / count


def point_at(index: int, count: int, value: float) -> tuple[float, float]:
    """SVG coordinates of ``value`` (0–5) on axis ``index`` of ``count``, rounded to 0.1."""
    angle = axis_angle(index, count)
    distance = RADIUS * max(0.0, min(value, MAX_SCORE)) / MAX_SCORE
    return _r(CENTER[0] + distance * math.cos(angle)), _r(CENTER[1] + distance * math.sin(angle))


def points_attr(points: list[tuple[float, float]]) -> str:
    """The ``points`` attribute of an SVG polygon."""
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)


@dataclass(frozen=True)
class RadarAxis:
    id: str
    label: str
    score: float | None
    level: str | None
    score_text: str  # "3,3 · matig" or "geen score"
    end: tuple[float, float]  # the axis line's outer end (score 5)
    point: tuple[float, float]  # the score's vertex
    label_at: tuple[float, float]
    anchor: str  # text-anchor of the label: start | middle | end
    baseline_shift: float  # vertical offset of the label block, so labels above the chart sit above it


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    center: tuple[float, float]
    axes: list[RadarAxis]
    rings: list[tuple[int, str, tuple[float, float]]]  # (value, polygon points, where its number goes)
    polygon: str  # points of the score polygon
    has_scores: bool


def build_radar(axes: list[tuple[str, str, float | None, str | None, str]]) -> Radar:
    """A radar for ``(id, label, score, level, score_text)`` per dimension, in display order."""
    count = len(axes)
    if count < 3:
        raise ValueError("a radar chart needs at least three axes")
    out: list[RadarAxis] = []
    for index, (axis_id, label, score, level, score_text) in enumerate(axes):
        angle = axis_angle(index, count)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        distance = RADIUS + LABEL_GAP
        label_at = (_r(CENTER[0] + distance * cos), _r(CENTER[1] + distance * sin))
        # two text lines (label, score): above the chart the block ends at the axis, below it starts there
        baseline_shift = -24.0 if sin < -0.3 else (16.0 if sin > 0.3 else -6.0)
        out.append(RadarAxis(
            id=axis_id, label=label, score=score, level=level, score_text=score_text,
            end=point_at(index, count, MAX_SCORE),
            point=point_at(index, count, score if score is not None else 0.0),
            label_at=label_at, anchor=anchor, baseline_shift=baseline_shift,
        ))
    rings = []
    for value in range(1, MAX_SCORE + 1):
        corners = [point_at(i, count, value) for i in range(count)]
        # the ring's number sits on its edge between the first two axes, away from the score vertices
        at = (_r((corners[0][0] + corners[1][0]) / 2 + 3), _r((corners[0][1] + corners[1][1]) / 2 - 3))
        rings.append((value, points_attr(corners), at))
    return Radar(
        width=WIDTH, height=HEIGHT, center=CENTER, axes=out, rings=rings,
        polygon=points_attr([axis.point for axis in out]),
        has_scores=any(axis.score is not None for axis in out),
    )
