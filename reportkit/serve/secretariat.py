"""The secretariat's year on the desk: codes for every division, the packs, mailed returns, the build
and the next year's folder, each as a page (a form, CSRF-checked) and as a JSON route (the
secretariat's code as ``Authorization: Bearer``; a division's code is refused with 403).

Each action writes what its command writes and keeps what was there: ``packs`` into a new
``outputs/packs/<time>/`` each time, ``accept`` archiving the earlier version of a card, ``rollover``
into a new folder beside this one (refused when it exists). After a rollover the desk serves the new
folder, the report it built last as ``--previous``; its access codes, session key and sessions go
with it, so the secretariat stays logged in.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, abort, g, jsonify, render_template, request, send_file

from ..collect.accept import Filed, accept, free_name
from ..inputs.config import load_config
from ..errors import AcceptError, FolderExists, NarrativeRefused, ReportkitError
from ..files.atomic import atomic_path
from ..files.textsafe import safe_file_name
from ..inputs.input_folder import REPORT_JSON, default_outputs, next_year_folder
from ..japanese import nendo, nendo_or_western
from ..workbook.reader import MAX_FILE_BYTES
from .access import ACCESS_FILE, AccessCodes, new_division_codes, state_folder
from .accesslog import AccessLog
from .desk import BuildJob, pdf_available, report_freshness
from .private import write_private
from .sessions import SESSIONS_FILE, Sessions
from .yearfiles import measures_in_order, narrative_parts, narrative_path, place_project, store_narrative

PACKS_FOLDER = "packs"  # outputs/packs/<time>/: every pack made from the desk, none replaced
MOST_FILES = 200  # workbooks one accept request may carry
ACCEPT_BODY_LIMIT = 3 * MAX_FILE_BYTES  # what waitress lets through at the most (app.SERVER_BODY_LIMIT)


# -- the actions, shared by the pages and the JSON routes ------------------------------------------

def issue_codes(intake) -> dict[str, str]:
    """A new code for every division of config.toml (their earlier codes, and sessions, end)."""
    return new_division_codes(intake.folder)


def make_packs(intake) -> Path:
    """Every division's pack as ``packs --zip`` makes it, into a new ``outputs/packs/<time>/``; the one
    zip of the divisions' zips beside it (returned)."""
    from ..collect.packs import write_packs

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = free_name(intake.outputs / PACKS_FOLDER / stamp)
    result = write_packs(intake.folder, out_dir, zip_packs=True)
    target = out_dir.with_name(f"{out_dir.name}.zip")
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
            for pack in result.packs:
                archive.write(pack.zip_file, pack.zip_file.name)
    return target


def accept_uploads(intake, storages) -> list[dict]:
    """File each uploaded workbook on its own with ``accept`` (its rules, its archive); one answer per file."""
    from .app import upload_name

    answers = []
    for storage in storages:
        display = upload_name(storage)
        folder = intake.upload_folder()
        try:
            path = folder / safe_file_name(display)
            storage.save(str(path))
            with intake.accept_lock:
                try:
                    (filed,) = accept([path], intake.folder)
                except AcceptError as exc:
                    answers.append({"file": display, "filed": False, "error": _refusal(str(exc), path, display)})
                    continue
            answers.append(_filed_answer(intake, filed, display))
        finally:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    return answers


def _refusal(message: str, path: Path, display: str) -> str:
    """accept's reason for one file, without its header line and with the browser's name for the file."""
    lines = [line.strip() for line in message.splitlines()[1:] if line.strip()] or [message]
    return "\n".join(line.replace(str(path), display) for line in lines)


def _filed_answer(intake, filed: Filed, display: str) -> dict:
    expected = intake.expected_divisions()
    if expected is not None and filed.project_id not in expected:
        state = "new"
    else:
        state = "errors" if filed.errors else "warnings" if filed.warnings else "ok"
    issues = [i.model_copy(update={"file": display}).model_dump() for i in filed.issues]
    return {"file": display, "filed": True, "project_id": filed.project_id, "name": filed.name,
            "division": filed.division, "target": _relative(filed.target, intake.folder),
            "archived": [_relative(now, intake.folder) for _, now in filed.archived], "state": state,
            "errors": filed.errors, "warnings": filed.warnings, "issues": issues}


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(path).resolve().relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def roll_over(intake, to_year: int) -> dict:
    """Next year's folder beside this one (``rollover``), then served by the desk; what was made."""
    from ..yoy.rollover import rollover

    with intake.accept_lock:  # nothing filed into the old folder while it turns over
        if intake.build.snapshot()["state"] == "running":
            raise FolderExists("報告書を作成中です。作成が終わってから、次年度の入力フォルダを作ってください。")
        target = next_year_folder(intake.folder, intake.config.fiscal_year, to_year)
        if target.exists():
            raise FolderExists(f"次年度の入力フォルダ {target} はすでにあります。上書きはしません。"
                               "そのフォルダで受付を始めるときは、reportkit serve で指定してください。")
        result = rollover(intake.folder, to_year, target)
        report = intake.outputs / REPORT_JSON
        previous = report if report.is_file() else None
        serve_folder(intake, target, previous)
    return {"folder": str(target), "fiscal_year": to_year, "label": nendo_or_western(to_year, western_suffix="年度"),
            "cards": len(result.cards), "outputs": str(intake.outputs),
            "previous": str(previous) if previous else None, "notices": result.notices}


def serve_folder(intake, folder: Path, previous: Path | None) -> None:
    """Point the desk at ``folder``: its outputs by the usual rule, the state files carried over."""
    from .app import SECRET_FILE

    old_state, new_state = state_folder(intake.folder), state_folder(folder)
    for name in (ACCESS_FILE, SECRET_FILE, SESSIONS_FILE):
        if (old_state / name).is_file():
            write_private(new_state / name, (old_state / name).read_text(encoding="utf-8"))
    intake.folder = Path(folder).resolve()
    intake.config = load_config(intake.folder)
    intake.outputs = default_outputs(intake.folder)
    intake.codes = AccessCodes(intake.folder)
    intake.sessions = Sessions(intake.folder, intake.codes)
    intake.access_log = AccessLog(new_state)
    intake.previous = previous
    intake.build = BuildJob(intake.folder, intake.outputs)


def year_argument(value) -> int:
    """The year of a form or JSON body (2014, "2014", "平成26年度"); a ReportkitError (422) when it is none."""
    from ..errors import ParseError
    from ..japanese import parse_fiscal_year

    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return parse_fiscal_year(str(value or "").strip())
    except ParseError:
        raise ReportkitError(f"年度「{value}」を読めません。2014 や 平成26年度 のように入力してください。") from None


# -- routes ----------------------------------------------------------------------------------------

def register(app, intake, api_principal, page_principal) -> None:
    """Add the secretariat's routes to ``app``; ``api_principal``/``page_principal`` as app.py checks codes."""
    bp = Blueprint("secretariat", __name__)

    def larger_body():  # before the CSRF check reads the form: several workbooks in one request
        if request.path in ("/desk/accept", "/api/accept"):
            request.max_content_length = ACCEPT_BODY_LIMIT

    app.before_request_funcs.setdefault(None, []).insert(0, larger_body)

    def api_secretariat():
        principal = api_principal()
        if not principal.secretariat:
            abort(403)
        return principal

    def page():
        return page_principal(secretariat=True)

    def year_page(**extra):
        return render_template("year.html", principal=g.principal, fiscal_year=intake.config.fiscal_year,
                               divisions=intake.config.divisions, folder=intake.folder, outputs=intake.outputs,
                               freshness=report_freshness(intake.folder, intake.outputs),
                               build=intake.build.snapshot(), pdf=pdf_available(), most_files=MOST_FILES, **extra)

    @bp.get("/desk/year")
    def year():
        g.principal = page()
        return year_page()

    # codes
    def issued() -> dict[str, str]:
        codes = issue_codes(intake)
        g.note = f"codes {len(codes)}"
        return codes

    @bp.post("/desk/codes")
    def codes_page():
        g.principal = page()
        return render_template("codes.html", principal=g.principal, codes=issued(), address=request.host_url,
                               year=nendo(intake.config.fiscal_year), made=datetime.now().strftime("%Y-%m-%d %H:%M"))

    @bp.post("/api/codes")
    def api_codes():
        api_secretariat()
        return Response(json.dumps({"codes": issued()}, ensure_ascii=False), mimetype="application/json")  # config order

    # packs
    def packs_download():
        path = make_packs(intake)
        g.note = f"packs {path.name}"
        return send_file(path, as_attachment=True, download_name=f"配布用パック_{path.name}",
                         mimetype="application/zip")

    @bp.get("/desk/packs.zip")
    def packs_page():
        g.principal = page()
        return packs_download()

    @bp.get("/api/packs.zip")
    def api_packs():
        api_secretariat()
        return packs_download()

    # mailed returns
    def uploaded_files():
        storages = [s for s in request.files.getlist("files") if s and s.filename]
        if not storages:
            abort(400, "files")
        if len(storages) > MOST_FILES:
            abort(400, "files")
        return storages

    @bp.post("/desk/accept")
    def accept_page():
        g.principal = page()
        answers = accept_uploads(intake, uploaded_files())
        g.note = f"accept {sum(a['filed'] for a in answers)}/{len(answers)}"
        return year_page(accepted=answers)

    @bp.post("/api/accept")
    def api_accept():
        api_secretariat()
        answers = accept_uploads(intake, uploaded_files())
        g.note = f"accept {sum(a['filed'] for a in answers)}/{len(answers)}"
        return jsonify({"results": answers})

    def api_body() -> dict:
        """The JSON object a secretariat's call sends (401/403 first, 400 when it is no object)."""
        api_secretariat()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        return body

    # build
    @bp.post("/api/build")
    def api_build_start():
        body = api_body()
        draft, pdf = bool(body.get("draft", False)), bool(body.get("pdf", False))
        if pdf and not pdf_available():
            return jsonify({"error": "PDF は LibreOffice がないため作れません。\"pdf\": false で作成してください。",
                            "status": 422}), 422
        started = intake.build.start(draft=draft, pdf=pdf)
        g.note = f"build {'draft' if draft else 'final'}{' pdf' if pdf else ''} " + ("started" if started else "busy")
        answer = intake.build.snapshot()
        if not started:
            answer["error"] = "報告書を作成中です。終わってから、もう一度作成してください。"
        return jsonify(answer), 202 if started else 409

    # next year
    def rollover_answer(to_year: int):
        try:
            return roll_over(intake, to_year), None
        except FolderExists as exc:
            return None, str(exc)

    @bp.post("/desk/rollover")
    def rollover_page():
        g.principal = page()
        status = 409
        try:
            made, refused = rollover_answer(year_argument(request.form.get("to_year")))
        except ReportkitError as exc:  # the folder has errors, a year that is not after this one
            made, refused, status = None, str(exc), 422
        g.note = "rollover " + ("done" if made else "refused")
        return year_page(rolled=made, rollover_refused=refused), 200 if made else status

    @bp.post("/api/rollover")
    def api_rollover():
        body = api_body()
        made, refused = rollover_answer(year_argument(body.get("to_year")))
        if refused:
            return jsonify({"error": refused, "status": 409}), 409
        g.note = f"rollover {made['fiscal_year']}"
        return jsonify(made)

    # narratives
    def narrative_answer(issues) -> dict:
        listed = [{**i.model_dump(), "place": i.params.get("line", "")} for i in issues]
        return {"errors": [i for i in listed if i["severity"] == "error"],
                "warnings": [i for i in listed if i["severity"] != "error"]}

    def narrative_file(name: str) -> Path:
        path = narrative_path(intake.folder, intake.config, name)
        if path is None or not path.is_file():
            abort(404)
        g.note = f"narrative {name}"
        return path

    def narratives_page(**extra):
        return render_template("narratives.html", principal=g.principal,
                               parts=narrative_parts(intake.folder, intake.config), **extra)

    @bp.get("/desk/narratives")
    def narratives():
        g.principal = page()
        return narratives_page()

    @bp.get("/desk/narratives/<name>.docx")
    def narrative_download(name: str):
        g.principal = page()
        path = narrative_file(name)
        return send_file(path, as_attachment=True, download_name=path.name)

    @bp.post("/desk/narratives/<name>")
    def narrative_upload(name: str):
        g.principal = page()
        storage = request.files.get("file")
        if storage is None or not storage.filename:
            return narratives_page(part=name, refused="ファイルを選んでください。"), 400
        try:
            kept, issues = store_narrative(intake.folder, intake.config, name, storage.read())
        except ReportkitError as exc:
            g.note = f"narrative {name} refused"
            return narratives_page(part=name, refused=str(exc)), 422
        g.note = f"narrative {name} stored"
        return narratives_page(part=name, stored=narrative_answer(issues),
                               kept=_relative(kept, intake.folder) if kept else "")

    @bp.get("/api/narratives")
    def api_narratives():
        api_secretariat()
        return jsonify({"narratives": [vars(p) for p in narrative_parts(intake.folder, intake.config)]})

    @bp.get("/api/narratives/<name>")
    def api_narrative(name: str):
        api_secretariat()
        path = narrative_file(name)
        return send_file(path, as_attachment=True, download_name=path.name)

    @bp.put("/api/narratives/<name>")
    def api_narrative_put(name: str):
        api_secretariat()
        try:
            kept, issues = store_narrative(intake.folder, intake.config, name, request.get_data())
        except NarrativeRefused as exc:
            return jsonify({"error": str(exc), "status": 422}), 422
        g.note = f"narrative {name} stored"
        return jsonify({"name": name, "archived": _relative(kept, intake.folder) if kept else None,
                        **narrative_answer(issues)})

    # the order of the projects
    def order_page(**extra):
        return render_template("order.html", principal=g.principal, measures=measures_in_order(intake.folder),
                               **extra)

    @bp.get("/desk/order")
    def order():
        g.principal = page()
        return order_page()

    @bp.post("/desk/order")
    def order_move():
        g.principal = page()
        project_id, after = request.form.get("project_id", ""), request.form.get("after", "")
        try:
            place_project(intake.folder, project_id, after)
        except ReportkitError as exc:
            return order_page(refused=str(exc)), 422
        g.note = f"placement {project_id} after {after or '-'}"
        return order_page(moved=project_id, after=after)

    @bp.get("/api/placements")
    def api_placements():
        api_secretariat()
        return jsonify({"measures": [vars(m) for m in measures_in_order(intake.folder)]})

    @bp.post("/api/placements")
    def api_placements_post():
        body = api_body()
        project_id, after = str(body.get("project_id", "")), str(body.get("after") or "")
        kept = place_project(intake.folder, project_id, after)  # a ReportkitError: 422 with the reason
        g.note = f"placement {project_id} after {after or '-'}"
        measure = next(m for m in measures_in_order(intake.folder) if project_id in dict(m.projects))
        return jsonify({"project_id": project_id, "after": after, "archived": _relative(kept, intake.folder),
                        "measure": vars(measure)})

    app.register_blueprint(bp)
