"""A division mails back its whole pack: the checklist and the cards it did not touch are skipped, one line each.

Real packs written by ``reportkit packs`` from the rolled sample, real ``reportkit accept`` and
``reportkit status`` in subprocesses, and the real server for the desk's one card at a time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportkit.collect.checklist import CHECKLIST_FILE
from reportkit.collect.packs import BLANK_FILE, write_packs
from reportkit.serve.access import new_code

from collect_helpers import LABOUR, digest
from command_helpers import run_reportkit
from serve_helpers import http, multipart, running_server
from yoy_helpers import edit, year_values


@pytest.fixture(scope="module")
def packs(rolled, tmp_path_factory) -> Path:
    return write_packs(rolled, tmp_path_factory.mktemp("packs") / "packs").out_dir


def mailed_back(pack: Path, target: Path) -> Path:
    """The division's pack as it comes back by mail: a copy of every file, the 提出日 of the checklist typed in."""
    shutil.copytree(pack, target)
    checklist = load_workbook(target / CHECKLIST_FILE)
    checklist.active.cell(row=2, column=6).value = "6/2"
    checklist.save(target / CHECKLIST_FILE)
    return target


def test_accept_of_a_whole_pack_files_only_what_was_written_in(rolled, packs, sample, tmp_path):
    folder = tmp_path / "inputs2014"
    shutil.copytree(rolled, folder)
    back = mailed_back(packs / LABOUR, tmp_path / "返信")
    cards = sorted(p for p in back.glob("*.xlsx") if p.name not in (CHECKLIST_FILE, BLANK_FILE))
    filled = next(p for p in cards if p.name.startswith("001_"))
    edit(filled, year_values(sample["AOM-001"]))
    saved = next(p for p in cards if p is not filled)
    load_workbook(saved).save(saved)  # opened and saved again, nothing typed: other bytes, same values
    untouched = [p for p in cards if p is not filled]
    before = digest(folder)

    done = run_reportkit("accept", *sorted(back.iterdir()), "--into", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    skipped = [line for line in done.stdout.splitlines() if line.startswith("飛ばしました: ")]
    assert len(skipped) == len(untouched) + 2
    assert f"飛ばしました: {back / CHECKLIST_FILE}: 配布した提出チェックリストです（事業カードではありません）。" in done.stdout
    assert f"飛ばしました: {back / BLANK_FILE}: 新規事業用の空のカードで、何も記入されていません。" in done.stdout
    for path in untouched:
        line = next(line for line in skipped if line.startswith(f"飛ばしました: {path}: "))
        assert "配布したときのまま変更されていません" in line and "受付の状況は変わりません" in line
    assert f"1 件を受け付けました（エラーのあるブック 0 件、飛ばしたファイル {len(untouched) + 2} 件）。" in done.stdout
    assert (folder / "cards" / LABOUR / filled.name).read_bytes() == filled.read_bytes()
    after = digest(folder)
    assert set(before) - set(after) == {f"cards/{filled.name}"}  # the prefilled 001, archived
    added = {name for name in set(after) - set(before) if not name.startswith(".reportkit/")}  # the toolkit's state
    assert f"cards/{LABOUR}/{filled.name}" in added and len(added) == 2
    assert all(after[name] == sha for name, sha in before.items() if name in after)

    status = json.loads(run_reportkit("status", folder, "--format", "json").stdout)
    states = {p["project_id"]: p["state"] for p in status["projects"]}
    assert states["AOM-001"] in ("ok", "warnings")
    assert not [p for p in status["projects"] if p["state"] == "new"]
    assert sum(1 for p in status["projects"] if p["division"] == LABOUR and p["state"] == "missing") == len(untouched)


def test_a_card_written_in_is_filed_even_if_it_came_in_a_pack(rolled, packs, tmp_path):
    folder = tmp_path / "inputs2014"
    shutil.copytree(rolled, folder)
    back = tmp_path / "返信"
    shutil.copytree(packs / LABOUR, back)
    edit(back / BLANK_FILE, {"project_name": "若年者デジタル人材育成事業"})
    done = run_reportkit("accept", back / BLANK_FILE, "--into", folder)
    assert done.returncode == 1  # filed, with the errors of a card barely begun
    assert "受け付けました: " in done.stdout and "飛ばしました" not in done.stdout
    assert (folder / "cards" / LABOUR / BLANK_FILE).is_file()


def test_a_prefilled_card_of_an_older_rollover_is_known_by_its_digest(rolled, tmp_path):
    """Cards rolled before the fingerprint was written: untouched is the very file rollover wrote."""
    folder = tmp_path / "inputs2014"
    shutil.copytree(rolled, folder)
    card = next((folder / "cards").glob("001_*.xlsx"))
    workbook = load_workbook(card)
    del workbook.defined_names["rk_written"]
    workbook.save(card)
    record = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    for project in record["projects"]:
        if project["project_id"] == "AOM-001":
            project["sha256"] = hashlib.sha256(card.read_bytes()).hexdigest()
    (folder / "expected.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    returned = tmp_path / "返信" / card.name
    returned.parent.mkdir()
    shutil.copy2(card, returned)
    done = run_reportkit("accept", returned, "--into", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"飛ばしました: {returned}: AOM-001 " in done.stdout
    assert not [p for p in (folder / "archive").rglob("*") if p.is_file()]  # nothing filed, nothing archived
    assert card.is_file()


def test_the_desk_refuses_an_untouched_card_and_files_nothing(rolled, packs, tmp_path):
    folder = tmp_path / "inputs2014"
    shutil.copytree(rolled, folder)
    labour = new_code(folder, division=LABOUR)
    before = digest(folder)
    with running_server(folder) as base:
        for name in (BLANK_FILE, next(p.name for p in (packs / LABOUR).glob("001_*.xlsx"))):
            data, content_type = multipart(packs / LABOUR / name, name)
            status, body = http(f"{base}/api/submit", code=labour, data=data, content_type=content_type)
            text = body.decode("utf-8")
            assert status == 422, text
            assert "このブックは受け付けられません" in text and ("空のカード" in text or "変更されていません" in text)
    assert {k: v for k, v in digest(folder).items() if not k.startswith(".reportkit")} == {
        k: v for k, v in before.items() if not k.startswith(".reportkit")}


def test_a_card_saved_again_by_libreoffice_is_still_untouched(soffice, rolled, packs, tmp_path):
    """The fingerprint is a defined name LibreOffice keeps when it saves (as Excel does)."""
    import subprocess

    from reportkit.workbook.fingerprint import untouched
    from reportkit.workbook.reader import read_workbook

    card = next((packs / LABOUR).glob("001_*.xlsx"))
    shutil.copy(card, tmp_path / "card.xlsx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "saved"),
                    str(tmp_path / "card.xlsx")], check=True, capture_output=True, timeout=300)
    saved = tmp_path / "saved" / "card.xlsx"
    assert saved.read_bytes() != card.read_bytes()
    assert untouched(read_workbook(saved)) == "prefilled"
    edit(saved, {"cost": 1200})
    assert untouched(read_workbook(saved)) == ""


def test_a_prefilled_card_saved_again_in_the_folder_is_still_not_returned(rolled, tmp_path):
    """A prefilled card opened and saved again in cards/ (other bytes, the values rollover wrote: its fingerprint)
    is 未提出 in status, a 未提出 page in a draft and named among the cards not returned by a final build —
    not 要修正 for the cost rollover emptied."""
    folder = tmp_path / "inputs2014"
    shutil.copytree(rolled, folder)
    card = next((folder / "cards").rglob("001_*.xlsx"))
    before = card.read_bytes()
    load_workbook(card).save(card)  # opened and saved again, nothing typed
    assert card.read_bytes() != before

    status = run_reportkit("status", folder, "--format", "json")
    projects = {p["project_id"]: p for p in json.loads(status.stdout)["projects"]}
    assert projects["AOM-001"]["state"] == "missing"
    assert {p["state"] for p in projects.values()} == {"missing"}

    draft = run_reportkit("build", folder, "-o", tmp_path / "out", "--draft", "--no-page-numbers")
    assert draft.returncode == 0, draft.stdout + draft.stderr
    assert "未提出 119 件、要修正 0 件" in draft.stdout, draft.stdout

    final = run_reportkit("build", folder, "-o", tmp_path / "final", "--no-page-numbers")
    assert final.returncode != 0
    assert "未提出のカード（rollover で作ったままのブック）: 119 件" in final.stdout + final.stderr
