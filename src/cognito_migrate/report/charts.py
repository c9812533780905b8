"""Bar charts (by value, or a series in date order) as inline SVG, drawn by matplotlib (the ``report`` extra).

matplotlib's object API (``Figure``, no ``pyplot``): no global state, no GUI backend, nothing shown.
Text stays ``<text>`` (``svg.fonttype = none``) so a chart is a few kilobytes and its labels can be found
in the page; the browser draws them with its own fonts.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Final, Literal

from cognito_migrate.errors import BackendNotAvailableError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

MAX_BARS: Final = 15
_COLOURS: Final = {"default": "#3b6ea5", "bad": "#c0392b", "ok": "#2e8b57"}
_STYLE: Final[Any] = {  # matplotlib types rcParams keys as Literals; these are known keys
    "svg.fonttype": "none",
    "svg.hashsalt": "cognito-migrate",  # stable ids: the same data gives the same bytes
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        raise BackendNotAvailableError("an HTML report with charts", "report") from None
    return Figure


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, int]],
    *,
    xlabel: str = "users",
    colour: str = "default",
) -> str:
    """A horizontal bar chart of ``(label, value)``, largest first, as an ``<svg>`` element (no XML header).

    More than :data:`MAX_BARS` bars are cut to the largest ones, and the title says so.
    """
    shown = sorted(bars, key=lambda bar: bar[1], reverse=True)[:MAX_BARS]
    if len(bars) > MAX_BARS:
        title = f"{title} (largest {MAX_BARS} of {len(bars)})"
    labels = [label for label, _ in shown][::-1]
    values = [value for _, value in shown][::-1]

    def draw(axes: Any) -> None:
        drawn = axes.barh(labels, values, color=_COLOURS.get(colour, _COLOURS["default"]))
        axes.bar_label(drawn, labels=[f"{v:,}" for v in values], padding=3)
        axes.set_xlim(0, max(values) * 1.15 or 1)

    return _chart(title, 0.9 + 0.32 * max(len(shown), 1), "x", xlabel, draw if shown else None)


def series_chart(
    title: str,
    points: Sequence[tuple[str, int]],
    *,
    ylabel: str = "users",
    colour: str = "ok",
) -> str:
    """Vertical bars of ``(label, value)`` in the order given (dates, oldest first), as an ``<svg>`` element.

    Unlike :func:`bar_chart` nothing is sorted or cut: a time series keeps its order and every point.
    At most :data:`MAX_BARS` labels are written under the axis so that they do not overlap.
    """
    labels = [label for label, _ in points]
    values = [value for _, value in points]

    def draw(axes: Any) -> None:
        positions = range(len(points))
        axes.bar(positions, values, color=_COLOURS.get(colour, _COLOURS["default"]))
        step = -(-len(points) // MAX_BARS)  # ceiling division: every step-th label
        axes.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
        axes.set_ylim(0, max(values) * 1.15 or 1)

    return _chart(title, 3.2, "y", ylabel, draw if points else None)


def _chart(
    title: str, height: float, value_axis: Literal["x", "y"], value_label: str, draw: Callable[[Any], None] | None
) -> str:
    """One figure in the house style: ``draw`` puts the bars on its axes (None: "nothing to show"); the
    value axis counts in whole numbers (no 0.5 users) and carries ``value_label``."""
    figure_class = _figure_class()
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    category_axis = "y" if value_axis == "x" else "x"
    with matplotlib.rc_context(_STYLE):
        figure = figure_class(figsize=(7.5, height), layout="constrained")
        axes = figure.add_subplot()
        if draw is not None:
            draw(axes)
            getattr(axes, f"{value_axis}axis").set_major_locator(MaxNLocator(integer=True))
        else:
            axes.text(0.5, 0.5, "nothing to show", ha="center", va="center", transform=axes.transAxes)
            getattr(axes, f"set_{category_axis}ticks")([])
        axes.set_title(title, loc="left", fontweight="bold")
        getattr(axes, f"set_{value_axis}label")(value_label)
        return _svg(figure)


def _svg(figure: Any) -> str:
    """The figure as an ``<svg>`` element, without the XML header and with no date (same data, same bytes)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
