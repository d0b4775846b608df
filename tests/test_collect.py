"""The collection round on the real sample: rolled to 平成26年度, packs out, some workbooks returned.

The round (fixtures ``sample``, ``rolled`` and ``round_`` in collect_helpers.py): 001 and 012
returned clean, 003 broken, a new project of 学校教育課, 002 twice (first broken, then clean);
everything else still the prefilled workbook rollover wrote, i.e. missing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

from openpyxl import load_workbook

from reportkit.cli import main as cli
from reportkit.collect.checklist import CHECKLIST_FILE, CHECKLIST_HEADINGS
from reportkit.collect.packs import BLANK_FILE
from reportkit.collect.received import received_files, workbook_identity
from reportkit.collect.status import collection_status
from reportkit.inputs.config import load_config
from reportkit.workbook.template import write_workbook

from collect_helpers import LABOUR, SCHOOL, digest as _digest
from yoy_helpers import edit, sample_card

def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- rollover's record -----------------------------------------------------------------------------

def test_rollover_records_last_years_projects(rolled, sample):
    record = json.loads((rolled / "expected.json").read_text(encoding="utf-8"))
    assert record["fiscal_year"] == 2013
    assert len(record["projects"]) == 119
    by_id = {p["project_id"]: p for p in record["projects"]}
    assert set(by_id) == set(sample)
    for project_id, card in sample.items():
        entry = by_id[project_id]
        assert (entry["division"], entry["cost"]) == (card.department, card.cost)
        assert entry["sha256"] == hashlib.sha256((rolled / entry["file"]).read_bytes()).hexdigest()


# -- status ----------------------------------------------------------------------------------------

def test_status_of_the_rolled_folder_is_everything_missing(rolled, capsys):
    code, out, _ = _run(capsys, "status", rolled, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["fiscal_year"] == 2014
    assert sum(d["expected"] for d in data["divisions"]) == 119
    assert all(d["missing"] == d["expected"] and d["received"] == 0 for d in data["divisions"])
    assert {p["state"] for p in data["projects"]} == {"missing"}


def test_accept_exit_codes(round_):
    _, _, _, _, outputs = round_
    assert outputs == [1, 0]  # the first batch holds broken workbooks; the second is clean


def test_status_per_division(round_, rolled, capsys):
    folder = round_[0]
    code, out, _ = _run(capsys, "status", folder, "--format", "json")
    assert code == 1
    data = json.loads(out)
    divisions = {d["division"]: d for d in data["divisions"]}
    keys = ("expected", "received", "ok", "with_errors", "missing", "new")
    assert {k: divisions[LABOUR][k] for k in keys} == dict(
        expected=13, received=3, ok=2, with_errors=1, missing=10, new=0)
    assert {k: divisions[SCHOOL][k] for k in keys} == dict(
        expected=2, received=2, ok=2, with_errors=0, missing=1, new=1)
    record = json.loads((rolled / "expected.json").read_text(encoding="utf-8"))
    for name, row in divisions.items():
        if name not in (LABOUR, SCHOOL):
            expected = sum(1 for p in record["projects"] if p["division"] == name)
            assert (row["expected"], row["received"], row["missing"]) == (expected, 0, expected), name


def test_status_per_project(round_, capsys):
    folder = round_[0]
    code, out, _ = _run(capsys, "status", folder, "--format", "json")
    projects = json.loads(out)["projects"]
    assert len(projects) == 120  # 119 expected, one new
    states = {p["project_id"]: p for p in projects}
    assert {pid: states[pid]["state"] for pid in ("AOM-001", "AOM-002", "AOM-003", "AOM-012", "NEW-900", "AOM-013")} \
        == {"AOM-001": "ok", "AOM-002": "ok", "AOM-003": "errors", "AOM-012": "ok", "NEW-900": "new",
            "AOM-013": "missing"}
    assert sum(1 for p in projects if p["state"] == "missing") == 119 - 4
    assert states["AOM-001"]["file"] == f"cards/{LABOUR}/{sample_card('001').name}"
    assert states["NEW-900"]["division"] == SCHOOL and states["NEW-900"]["file"] == f"cards/{SCHOOL}/900_新規テスト事業.xlsx"
    assert states["AOM-013"]["file"] == f"cards/{sample_card('013').name}"  # still the prefilled one
    assert all(set(p) >= {"project_id", "name", "division", "state", "file"} for p in projects)


def test_status_text_and_xlsx(round_, capsys, tmp_path):
    folder = round_[0]
    code, out, _ = _run(capsys, "status", folder)
    assert code == 1
    assert f"  {LABOUR}: 予定 13、受付 3、正常 2、要修正 1、警告あり 0、未提出 10、新規 0" in out
    assert "新規（1 件）" in out and "NEW-900" in out
    target = tmp_path / "回収状況.xlsx"
    code, out, _ = _run(capsys, "status", folder, "--format", "xlsx", "-o", target)
    assert code == 1 and target.is_file()
    wb = load_workbook(target, read_only=True)
    rows = list(wb["担当課別"].iter_rows(values_only=True))
    assert rows[0][:7] == ("担当課", "予定", "受付", "正常", "要修正", "警告あり", "未提出")
    assert (LABOUR, 13, 3, 2, 1, 0, 10, 0, 0, 0) in rows  # …, 新規, 終了, 廃止
    projects = list(wb["事業別"].iter_rows(values_only=True))
    assert len(projects) == 1 + 120


def test_status_complete_exits_0_with_a_report_json(round_, tmp_path, capsys):
    folder = tmp_path / "done"
    shutil.copytree(round_[0], folder)
    for path in (folder / "cards").glob("*.xlsx"):  # the prefilled ones left
        path.unlink()
    (folder / "cards" / LABOUR / sample_card("003").name).unlink()
    report = {"fiscal_year": 2013, "projects": [
        {"project_id": "AOM-001", "name": "訓練校事業費（指導員派遣研修費）", "department": LABOUR, "cost": 1237},
        {"project_id": "AOM-002", "name": "訓練校事業費（訓練事業費）", "department": LABOUR, "cost": 6120}]}
    (tmp_path / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    status = collection_status(folder, tmp_path / "report.json")
    assert status.complete
    assert {p.project_id: p.state for p in status.projects} == {
        "AOM-001": "ok", "AOM-002": "ok", "AOM-012": "new", "NEW-900": "new"}
    code, _, _ = _run(capsys, "status", folder, "--expected", tmp_path / "report.json")
    assert code == 0


def test_status_of_an_unusable_folder_exits_2(tmp_path, rolled, capsys):
    code, _, err = _run(capsys, "status", tmp_path / "nothing-here")
    assert code == 2 and "エラー" in err
    folder = tmp_path / "no-record"
    shutil.copytree(rolled, folder)
    (folder / "expected.json").unlink()  # no record: shown as a first year (test_first_year), not refused
    code, out, err = _run(capsys, "status", folder, "--format", "json")
    assert code == 1 and "--expected" in json.loads(out)["note"]  # the prefilled cards' emptied costs
    code, _, err = _run(capsys, "status", folder, "--expected", tmp_path / "no-such.json")
    assert code == 2 and "見つかりません" in err


# -- accept ----------------------------------------------------------------------------------------

def test_accept_files_by_division_and_keeps_both_versions(round_, rolled):
    folder, returns, files, before, _ = round_
    assert _digest(returns) == before  # the returns are copied, never moved or changed
    name = sample_card("002").name
    current = folder / "cards" / LABOUR / name
    assert current.read_bytes() == files["002v2"].read_bytes()
    archived = sorted((folder / "archive" / "AOM-002").iterdir())
    assert [p.name.endswith("_" + name) for p in archived] == [True, True]
    # the prefilled workbook (archived at the first return) and the first return, byte for byte
    assert sorted(p.read_bytes() for p in archived) == sorted(
        [(rolled / "cards" / name).read_bytes(), files["002v1"].read_bytes()])
    assert not (folder / "cards" / name).exists()  # the prefilled one is out of cards/
    assert not any((folder / "cards").rglob("archive"))
    names = sorted(p.relative_to(folder / "cards").as_posix() for p in (folder / "cards").rglob("*.xlsx")
                   if p.parent != folder / "cards")
    assert names == sorted([f"{LABOUR}/{sample_card(p).name}" for p in ("001", "002", "003")]
                           + [f"{SCHOOL}/{sample_card('012').name}", f"{SCHOOL}/900_新規テスト事業.xlsx"])


def test_accept_refuses_a_workbook_without_a_known_division(round_, tmp_path, capsys):
    folder = tmp_path / "r14"
    shutil.copytree(round_[0], folder)
    before = _digest(folder)
    nameless = tmp_path / "in" / "005.xlsx"
    nameless.parent.mkdir()
    shutil.copy(folder / "cards" / sample_card("005").name, nameless)
    edit(nameless, {"department": None})
    broken = tmp_path / "in" / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    good = round_[2]["012"]
    code, out, err = _run(capsys, "accept", good, nameless, broken, "--into", folder)
    assert code == 2
    assert "担当課" in err and "broken.xlsx" in err and "どのファイルも移動・コピーしていません" in err
    assert _digest(folder) == before


def test_two_files_of_one_project_under_cards_remain_an_error(round_, tmp_path):
    folder = tmp_path / "r14"
    shutil.copytree(round_[0], folder)
    twin = folder / "cards" / "商工政策課" / "copy_of_001.xlsx"
    twin.parent.mkdir()
    shutil.copy(folder / "cards" / LABOUR / sample_card("001").name, twin)
    received = received_files(folder)
    codes = {(i.file, i.code) for i in received.validation.issues if i.code == "duplicate-project-id"}
    assert {file.split("/")[-1] for file, _ in codes} == {"copy_of_001.xlsx", sample_card("001").name}
    states = [p.state for p in collection_status(folder).projects if p.project_id == "AOM-001"]
    assert states == ["errors", "errors"]


def test_accept_never_overwrites_a_taken_name(round_, tmp_path, capsys):
    folder = tmp_path / "r14"
    shutil.copytree(round_[0], folder)
    other = tmp_path / "in" / sample_card("012").name  # same file name as 012, another project
    other.parent.mkdir()
    config = load_config(folder)
    write_workbook(config, other, {"project_id": "NEW-901", "department": SCHOOL, "project_name": "別の新規事業"})
    taken = folder / "cards" / SCHOOL / sample_card("012").name
    before = taken.read_bytes()
    code, out, _ = _run(capsys, "accept", other, "--into", folder)
    assert taken.read_bytes() == before
    assert (taken.with_name(f"{taken.stem}_2.xlsx")).read_bytes() == other.read_bytes()
    assert "受け付けました" in out


# -- packs -----------------------------------------------------------------------------------------

def test_packs_one_folder_per_division(rolled, sample, tmp_path, capsys):
    before = _digest(rolled)
    code, out, _ = _run(capsys, "packs", rolled, "-o", tmp_path / "packs", "--zip")
    assert code == 0
    assert _digest(rolled) == before
    packs = tmp_path / "packs"
    divisions = sorted({card.department for card in sample.values()})
    assert sorted(p.name for p in packs.iterdir() if p.is_dir()) == divisions
    assert sorted(p.name for p in packs.glob("*.zip")) == sorted(f"{d}.zip" for d in divisions)
    for division in divisions:
        mine = sorted(sample_card(c.project_id[-3:]).name for c in sample.values() if c.department == division)
        assert sorted(p.name for p in (packs / division).iterdir()) == sorted(mine + [CHECKLIST_FILE, BLANK_FILE])
        for name in mine:  # copies of the prefilled workbooks
            assert (packs / division / name).read_bytes() == (rolled / "cards" / name).read_bytes()
        with zipfile.ZipFile(packs / f"{division}.zip") as archive:
            assert sorted(archive.namelist()) == sorted(f"{division}/{n}" for n in mine + [CHECKLIST_FILE, BLANK_FILE])
    rows = list(load_workbook(packs / LABOUR / CHECKLIST_FILE).active.iter_rows(values_only=True))
    assert rows[0] == CHECKLIST_HEADINGS
    labour = {pid: card for pid, card in sample.items() if card.department == LABOUR}
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        (pid, labour[pid].one_line_name, labour[pid].cost, None) for pid in sorted(labour)]
    project_id, _, division, _ = workbook_identity(packs / LABOUR / BLANK_FILE, load_config(rolled))
    assert division == LABOUR and project_id and project_id not in sample


def test_packs_print_the_deadline_and_refuse_a_non_empty_outdir(rolled, tmp_path, capsys):
    folder = tmp_path / "r14"
    shutil.copytree(rolled, folder)
    config = folder / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "secretariat =", 'deadline = "平成26年5月30日"\nsecretariat =', 1), encoding="utf-8")
    code, _, _ = _run(capsys, "packs", folder, "-o", tmp_path / "packs")
    assert code == 0
    rows = list(load_workbook(tmp_path / "packs" / SCHOOL / CHECKLIST_FILE).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["平成26年5月30日", "平成26年5月30日"]
    before = _digest(tmp_path / "packs")
    code, _, err = _run(capsys, "packs", folder, "-o", tmp_path / "packs")
    assert code == 2 and "空ではありません" in err
    assert _digest(tmp_path / "packs") == before


def test_accept_refuses_a_folder_whose_cards_are_not_in_cards(tmp_path, round_, capsys):
    folder = tmp_path / "flat"
    folder.mkdir()
    shutil.copy(round_[0] / "config.toml", folder / "config.toml")
    shutil.copy(sample_card("001"), folder)
    code, _, err = _run(capsys, "accept", round_[2]["012"], "--into", folder)
    assert code == 2 and "cards フォルダの外" in err
    assert sorted(p.name for p in folder.iterdir()) == sorted(["config.toml", sample_card("001").name])


def test_deadline_may_be_a_toml_date(rolled, tmp_path):
    from reportkit.collect.packs import write_packs

    folder = tmp_path / "r14"
    shutil.copytree(rolled, folder)
    config = folder / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "secretariat =", "deadline = 2014-05-30\nsecretariat =", 1), encoding="utf-8")
    assert load_config(folder).deadline_text == "2014年5月30日"
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "config.toml").write_text(config.read_text(encoding="utf-8").replace(
        "deadline = 2014-05-30", '"提出期限" = "５月３０日（金）"'), encoding="utf-8")
    assert load_config(tmp_path / "ja").deadline_text == "５月３０日（金）"
    result = write_packs(folder, tmp_path / "packs")
    assert not result.notices
    rows = list(load_workbook(tmp_path / "packs" / LABOUR / CHECKLIST_FILE).active.iter_rows(values_only=True))
    assert {r[3] for r in rows[1:]} == {"2014年5月30日"}



def test_an_ended_project_whose_workbook_was_deleted_is_ended_not_missing(rolled, tmp_path, capsys):
    """Rollover's notice: 事業期間 over → delete the workbook if it is not continued. Status and draft follow it."""
    from reportkit.collect.draft import draft_inputs
    from reportkit.collect.expected import load_expected
    from reportkit.checks.validate import validate_folder

    folder = tmp_path / "r14"
    shutil.copytree(rolled, folder)
    record = load_expected(folder)
    ended = [p for p in record.projects if p.period_end is not None and p.period_end <= record.fiscal_year]
    running = [p for p in record.projects if p.period_end is None or p.period_end > record.fiscal_year]
    assert len(ended) >= 2 and running  # the sample has projects whose period ends with 平成25年度
    deleted, kept, gone_running = ended[0], ended[1], running[0]
    (folder / deleted.file).unlink()  # the secretariat ended it
    (folder / gone_running.file).unlink()  # deleted although it runs on: still awaited
    status = collection_status(folder)
    states = {p.project_id: p.state for p in status.projects}
    assert states[deleted.project_id] == "ended"
    assert states[kept.project_id] == "missing"  # its workbook is still there: nobody has decided
    assert states[gone_running.project_id] == "missing"
    row = next(d for d in status.divisions if d.division == deleted.division)
    in_division = [p for p in record.projects if p.division == deleted.division]
    assert row.ended == 1 and row.expected == len(in_division) - 1
    assert status.total.ended == 1 and status.total.expected == len(record.projects) - 1
    assert status.total.missing == len(record.projects) - 1
    code, out, _ = _run(capsys, "status", folder)
    assert "終了（1 件）" in out and deleted.project_id in out.split("終了（1 件）")[1]
    inputs = draft_inputs(validate_folder(folder), record)
    assert deleted.project_id not in inputs.placeholders
    assert inputs.placeholders[gone_running.project_id].state == "missing"
    assert any(deleted.project_id in n and "終了した事業" in n and "平成２５年度まで" in n for n in inputs.notices)
    # every ended project's workbook deleted: one notice, one line per 担当課 (as rollover lists them)
    for project in ended[1:]:
        (folder / project.file).unlink(missing_ok=True)
    inputs = draft_inputs(validate_folder(folder), record)
    (notice,) = [n for n in inputs.notices if "終了した事業として" in n]
    divisions = {p.division for p in ended}
    assert f" {len(ended)} 件は" in notice and len(notice.splitlines()) == 1 + len(divisions)
    assert all(p.project_id in notice for p in ended)


FLAGS = ("priority", "key_result", "emergency")


def test_status_sets_the_year_s_flags_against_last_year_s(round_, sample, tmp_path):
    """重点, 主要成果 and 緊急雇用 are emptied by rollover: status counts last year's (expected.json) and this year's
    (the workbooks returned: 001, 002, 003 and 012 of the sample, the new project) in its text, JSON and xlsx."""
    from command_helpers import run_reportkit

    folder = round_[0]
    last = [sum(getattr(card, flag) for card in sample.values()) for flag in FLAGS]
    now = [sum(getattr(sample[i], flag) for i in ("AOM-001", "AOM-002", "AOM-003", "AOM-012")) for flag in FLAGS]
    assert last[0] > 50 and now == [2, 0, 0]  # 003 and 012 were 重点 and are returned so
    run = run_reportkit("status", folder, "--format", "json")
    assert [(f["flag"], f["label"], f["last_year"], f["this_year"]) for f in json.loads(run.stdout)["flags"]] == [
        ("priority", "重点", last[0], 2), ("key_result", "主要成果", last[1], 0), ("emergency", "緊急雇用", last[2], 0)]
    lines = run_reportkit("status", folder).stdout.splitlines()
    at = lines.index(f"  年度ごとの指定（前年度 → 今年度）: 重点 {last[0]} → 2、主要成果 {last[1]} → 0、緊急雇用 {last[2]} → 0")
    assert lines[at + 1].startswith("  今年度の主要成果・緊急雇用はまだ１件もありません")
    assert at < lines.index("未提出（115 件）")  # with the counts, before the projects to chase
    target = tmp_path / "回収状況.xlsx"
    assert run_reportkit("status", folder, "--format", "xlsx", "-o", target).returncode == 1
    rows = list(load_workbook(target, read_only=True)["年度ごとの指定"].iter_rows(values_only=True))
    assert rows == [("指定", "前年度", "今年度"), ("重点", last[0], 2), ("主要成果", last[1], 0), ("緊急雇用", last[2], 0)]


def test_status_of_a_record_without_flags_says_last_year_s_are_not_known(round_, tmp_path):
    """An expected.json written before the flags were kept (or a report.json without them) still reads."""
    from command_helpers import run_reportkit

    folder = shutil.copytree(round_[0], tmp_path / "old")
    data = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    for project in data["projects"]:
        for flag in FLAGS:
            del project[flag]
    (folder / "expected.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = run_reportkit("status", folder)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert "  年度ごとの指定（前年度 → 今年度）: 重点 不明 → 2、主要成果 不明 → 0、緊急雇用 不明 → 0" in lines
    assert any(line.startswith("  前年度の数は expected.json に記録がありません") for line in lines)
    assert not any("まだ１件もありません" in line for line in lines)  # no reminder on what is not known


def test_status_against_a_report_json_counts_last_year_s_flags_from_it(round_, tmp_path):
    """``--expected report.json``: last year's 重点, 主要成果 and 緊急雇用 are the report's own."""
    report = {"fiscal_year": 2013, "projects": [
        {"project_id": "AOM-001", "name": "訓練校事業費（指導員派遣研修費）", "department": LABOUR, "cost": 1237,
         "priority": True, "key_result": True, "emergency": False},
        {"project_id": "AOM-003", "name": "離職者等再就職訓練事業", "department": LABOUR, "cost": 100,
         "priority": True, "key_result": False, "emergency": False}]}
    (tmp_path / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    status = collection_status(round_[0], tmp_path / "report.json")
    assert [(f.label, f.last_year, f.this_year) for f in status.flags] == [
        ("重点", 2, 2), ("主要成果", 1, 0), ("緊急雇用", 0, 0)]
