"""Charts as PNG bytes (matplotlib, Japanese labels, deterministic output)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

from ..aggregate import Report
from ..japanese import era_short
from .text import short_nendo

MANY_YEARS = 12  # more years than this: compact, rotated labels on the trend chart
_FONTS = ["IPAexGothic", "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", "MS Gothic", "Yu Gothic", "Hiragino Sans",
          "DejaVu Sans"]


def _matplotlib():
    """Import matplotlib on first use only (it costs ~0.3 s); the Agg canvas, never a GUI backend."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    return matplotlib, font_manager, Figure, FigureCanvasAgg


def _font_family(font_manager) -> list[str]:
    available = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in _FONTS if name in available] or ["DejaVu Sans"]


def _figure(size: tuple[float, float]):
    """A bare Figure on an Agg canvas (no pyplot state) and the rc settings to draw it with."""
    matplotlib, font_manager, Figure, FigureCanvasAgg = _matplotlib()
    rc = {"font.family": _font_family(font_manager), "font.size": 9, "svg.hashsalt": "reportkit"}
    return matplotlib, Figure, FigureCanvasAgg, rc


def _png(figure, canvas_class) -> bytes:
    buffer = io.BytesIO()
    canvas_class(figure)
    # No Software/date metadata: the same data gives the same bytes.
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def cached_png(cache: Path | None, kind: str, data: object, draw: Callable[[], bytes]) -> bytes:
    """``draw()``, or the PNG it gave before for the same data and drawing code (kept in ``cache``).

    Importing and running matplotlib costs most of a render; a secretariat rebuilds the report many
    times with the same figures. The key covers the data, this module's source and matplotlib's version,
    and the cached bytes are the very bytes ``draw`` gives, so a cache never changes the output.
    """
    if cache is None:
        return draw()
    from ..usercache import package_stamp

    source = Path(__file__).read_bytes()
    key = hashlib.sha256(json.dumps([kind, data, package_stamp("matplotlib")], ensure_ascii=False,
                                    sort_keys=True, default=str).encode("utf-8") + source).hexdigest()[:32]
    path = Path(cache) / f"{kind}-{key}.png"
    try:
        return path.read_bytes()
    except OSError:
        pass
    png = draw()
    try:
        from ..files.atomic import write_bytes_atomic

        write_bytes_atomic(path, png)
    except OSError:  # a read-only output folder only costs the speed-up
        pass
    return png


def trend_chart(report: Report, cache: Path | None = None) -> bytes:
    """Project counts (line, 件) and costs (bars, 億円) per fiscal year, as the edition draws them."""
    data = [(column.year, column.count, column.amount) for column in report.years]
    return cached_png(cache, "trend", data, lambda: _draw_trend(report))


def _draw_trend(report: Report) -> bytes:
    matplotlib, Figure, canvas, rc = _figure((6.2, 3.4))
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(6.2, 3.4))
        bars_axis = figure.add_subplot()
        many = len(report.years) > MANY_YEARS
        # The edition's ２５年度 labels fit up to a dozen years; beyond, H19 … R元 … R12 on end.
        labels = [era_short(c.year) if many else short_nendo(c.year) for c in report.years]
        amounts = [column.amount / 100_000 for column in report.years]  # 千円 → 億円
        counts = [column.count for column in report.years]
        bars_axis.bar(labels, amounts, color="#7f9fbf", label="事業費（億円）")
        bars_axis.set_ylabel("（億円）", rotation=0, labelpad=14)
        bars_axis.spines["top"].set_visible(False)
        line_axis = bars_axis.twinx()
        line_axis.plot(labels, counts, color="#c0392b", marker="o", label="事業数（件）")
        line_axis.set_ylabel("（件）", rotation=0, labelpad=12)
        line_axis.set_ylim(0, max(counts + [1]) * 1.25)
        line_axis.spines["top"].set_visible(False)
        for x, y in zip(labels, counts):
            line_axis.annotate(str(y), (x, y), textcoords="offset points", xytext=(0, 5), ha="center",
                               va="bottom", fontsize=7 if many else 8, rotation=90 if many else 0)
        handles = bars_axis.get_legend_handles_labels()
        more = line_axis.get_legend_handles_labels()
        if many:  # above the plot, where no bar or count can run into it
            bars_axis.tick_params(axis="x", labelrotation=90, labelsize=8)
            line_axis.set_ylim(0, max(counts + [1]) * 1.4)
            bars_axis.legend(handles[0] + more[0], handles[1] + more[1], loc="lower center",
                             bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
        else:
            bars_axis.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left", fontsize=8,
                             frameon=False)
        figure.tight_layout()
        return _png(figure, canvas)


def line_chart(title: str, x_labels: list[str], series: dict[str, list[float | None]],
               cache: Path | None = None) -> bytes:
    """A plain line chart of a statistics CSV (first column = x axis)."""
    return cached_png(cache, "line", [title, x_labels, series], lambda: _draw_line(title, x_labels, series))


def _draw_line(title: str, x_labels: list[str], series: dict[str, list[float | None]]) -> bytes:
    matplotlib, Figure, canvas, rc = _figure((6.2, 3.2))
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(6.2, 3.2))
        axis = figure.add_subplot()
        for name, values in series.items():
            axis.plot(x_labels, values, marker="o", markersize=3, label=name)
        axis.legend(fontsize=8, frameon=False)
        axis.tick_params(axis="x", labelrotation=45)
        figure.tight_layout()
        return _png(figure, canvas)
