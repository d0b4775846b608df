"""The per-workbook cache of validated cards (reportkit/checks/card_cache.py): it never changes an output or an issue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import type_into, write_card

from reportkit.checks import card_cache, validate
from reportkit.report.build import build_report
from reportkit.inputs.config import load_config
from reportkit.checks.validate import validate_folder
from reportkit.workbook.reader import read_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "inputs"
OUTPUTS = ("report.docx", "report.json", "projects.xlsx")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPORTKIT_CACHE", str(folder))
    return folder


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The workbooks actually read (not served from the cache)."""
    seen: list[str] = []

    def counting(path, display_name=None, **options):
        seen.append(display_name or Path(path).name)
        return read_workbook(path, display_name, **options)

    monkeypatch.setattr(validate, "read_workbook", counting)
    return seen


def _sample_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_cached_build_is_byte_identical_and_reads_only_the_changed_workbook(tmp_path, cache, reads, monkeypatch):
    inputs = _sample_copy(tmp_path)
    build_report(inputs, tmp_path / "cold", page_numbers=False)
    assert len(reads) == 119 and any(cache.joinpath("cards").rglob("*.json"))
    reads.clear()
    build_report(inputs, tmp_path / "warm", page_numbers=False)
    assert reads == []
    monkeypatch.setenv("REPORTKIT_CACHE", "off")
    build_report(inputs, tmp_path / "off", page_numbers=False)
    for name in OUTPUTS:
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name
        assert (tmp_path / "off" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name

    # One workbook changed: only it is read again, and its new value is in the report.
    monkeypatch.setenv("REPORTKIT_CACHE", str(cache))
    changed = sorted((inputs / "cards").rglob("*.xlsx"))[0]
    sourced, _ = validate.validate_card_file(changed, load_config(inputs))
    type_into(changed, sourced.source.cells["project_name"], "キャッシュ確認用の新しい事業名")
    reads.clear()
    build_report(inputs, tmp_path / "changed", page_numbers=False)
    assert reads == [changed.relative_to(inputs).as_posix()]
    assert "キャッシュ確認用の新しい事業名" in (tmp_path / "changed" / "report.json").read_text(encoding="utf-8")
    monkeypatch.setenv("REPORTKIT_CACHE", "off")
    build_report(inputs, tmp_path / "changed-off", page_numbers=False)
    for name in OUTPUTS:
        assert (tmp_path / "changed" / name).read_bytes() == (tmp_path / "changed-off" / name).read_bytes(), name


def _folder_with_problems(card_folder: Path, config) -> Path:
    cards = card_folder / "cards"
    cards.mkdir()
    write_card(cards / "clean.xlsx", config, project_id="RK-SAME")
    write_card(cards / "bad.xlsx", config, cost="abc", period_start="H99")
    write_card(cards / "same-id.xlsx", config, project_id="RK-SAME", project_name="別の事業")  # duplicate 管理番号: a folder-wide rule
    (cards / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (cards / "notes.txt").write_text("memo", encoding="utf-8")
    return card_folder


def test_cache_never_changes_what_validate_reports(card_folder, config, cache, reads, monkeypatch):
    folder = _folder_with_problems(card_folder, config)
    monkeypatch.setenv("REPORTKIT_CACHE", "off")
    plain = validate_folder(folder)
    monkeypatch.setenv("REPORTKIT_CACHE", str(cache))
    cold = validate_folder(folder)
    reads.clear()
    warm = validate_folder(folder)
    assert reads == []
    assert any(i.code == "duplicate-project-id" for i in warm.issues)  # folder-wide rules still run on all cards
    assert any(i.code == "corrupt-file" for i in warm.issues)
    for result in (cold, warm):
        assert result.issues == plain.issues
        assert result.cards == plain.cards
        assert result.partial == plain.partial
        assert result.departments == plain.departments


def test_corrupted_or_foreign_entries_are_ignored(card_folder, config, cache, reads, monkeypatch):
    folder = _folder_with_problems(card_folder, config)
    expected = validate_folder(folder)
    entries = sorted(cache.joinpath("cards").rglob("*.json"))
    assert entries
    entries[0].write_bytes(b"{not json")
    if len(entries) > 1:
        entries[1].write_bytes(entries[1].read_bytes().replace(b'"format":1', b'"format":0'))
    reads.clear()
    again = validate_folder(folder)
    assert again.issues == expected.issues and again.cards == expected.cards
    assert 1 <= len(reads) <= 2  # the damaged entries were read again from the workbooks
    # A new toolkit version or another config never reuses an entry.
    reads.clear()
    monkeypatch.setattr(card_cache, "_code_digest", lambda: "another version")
    validate_folder(folder)
    assert len(reads) == 4  # every workbook (the .txt is never read as one)


def test_cache_off_writes_nothing_and_the_inputs_are_untouched(card_folder, config, tmp_path, monkeypatch):
    folder = _folder_with_problems(card_folder, config)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    monkeypatch.setenv("REPORTKIT_CACHE", "off")
    assert card_cache.cards_cache_folder() is None
    validate_folder(folder)
    monkeypatch.setenv("REPORTKIT_CACHE", str(tmp_path / "c"))
    validate_folder(folder)
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_cache_home_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("REPORTKIT_CACHE", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    assert card_cache.cards_cache_folder() == tmp_path / "AppData" / "Local" / "reportkit" / "cards"


def test_entries_are_bounded_one_by_one_and_together(card_folder, config, cache, monkeypatch):
    """An entry over MAX_ENTRY_BYTES is not written; past MAX_CACHE_BYTES the oldest entries go."""
    import os

    write_card(card_folder / "a.xlsx", config)
    monkeypatch.setattr(card_cache, "MAX_ENTRY_BYTES", 100)  # every real entry is larger
    validate_folder(card_folder, config)
    assert list(cache.rglob("*.json")) == []
    monkeypatch.undo()
    monkeypatch.setenv("REPORTKIT_CACHE", str(cache))
    validate_folder(card_folder, config)
    (entry,) = list((cache / "cards").rglob("*.json"))
    old = []
    for i in range(20):  # entries of an earlier version of the code, never read again
        path = cache / "cards" / "00" / f"{i:064x}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
        old.append(path)
    assert card_cache.prune(cache / "cards", limit=entry.stat().st_size + 20_000 + 1) == 0  # within the bound
    limit = 2 * entry.stat().st_size
    deleted = card_cache.prune(cache / "cards", limit=limit)
    assert [p.exists() for p in old] == [False] * deleted + [True] * (20 - deleted) and entry.exists()  # oldest first
    assert sum(p.stat().st_size for p in (cache / "cards").rglob("*.json")) <= limit * 3 // 4
