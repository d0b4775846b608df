"""The chart cache: a rebuild with the same figures reuses the PNG, and the bytes never change."""

from __future__ import annotations

from reportkit.render import charts


def test_cached_chart_is_the_same_png_and_is_not_redrawn(tmp_path):
    labels, series = ["22", "23", "24"], {"件数": [1.0, 3.0, 2.0]}
    fresh = charts.line_chart("テスト", labels, series)
    first = charts.line_chart("テスト", labels, series, tmp_path)
    assert first == fresh and fresh.startswith(b"\x89PNG")
    assert len(list(tmp_path.glob("line-*.png"))) == 1
    calls = []
    again = charts.cached_png(tmp_path, "line", ["テスト", labels, series], lambda: calls.append(1) or b"")
    assert again == fresh and calls == []


def test_other_figures_get_another_chart(tmp_path):
    one = charts.line_chart("テスト", ["22", "23"], {"件数": [1.0, 2.0]}, tmp_path)
    two = charts.line_chart("テスト", ["22", "23"], {"件数": [1.0, 5.0]}, tmp_path)
    assert one != two
    assert len(list(tmp_path.glob("line-*.png"))) == 2


def test_an_unwritable_cache_only_costs_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    png = charts.line_chart("テスト", ["22"], {"件数": [1.0]}, blocker / "charts")
    assert png.startswith(b"\x89PNG")
