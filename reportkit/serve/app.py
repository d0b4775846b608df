"""The Flask application: the clerk's page, the secretariat's desk and the JSON API.

Everything is read from and filed into one input folder (``DIR``). Uploads are written under a
temporary folder the server owns, with a name the server chooses, checked with the same guards
as ``reportkit validate`` (the reader refuses zip bombs, DTDs and oversize files before
inflating anything), and only ``accept`` ever writes into the cards folder.

Every place a code is checked (the login form, a bearer code on any route) first asks the limiter,
which counts failures per address, per (address, division) and across all addresses (limits.py): a
guesser is stopped without locking the division's own clerks out from their own PCs. A browser's session is a record on the
server (``sessions``), ended by logout, by a replaced code and by its absolute lifetime. A project
belongs to its division in ``expected.json``, a new project to the division that filed it first:
another division can neither check nor file it; the secretariat can.
"""

from __future__ import annotations

import hmac
import io
import json
import re
import secrets
import shutil
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request, send_file, session, url_for
from werkzeug.exceptions import HTTPException

from ..collect.accept import AcceptError, accept
from ..files.textsafe import safe_file_name
from ..collect.expected import load_expected
from ..collect.status import STATE_LABELS, CollectionStatus, collection_status, status_data
from ..inputs.config import load_config
from ..errors import ReportkitError
from ..issues import SEVERITY_LABELS, Issue, first_issues
from ..inputs.expected_record import LastYear
from ..inputs.input_folder import default_outputs
from ..japanese import nendo
from ..checks.validate import folder_last_year, non_workbook_issue, shared_name_on_filing, validate_card_file
from ..inputs.recovery import finish_accepts, finish_builds
from ..workbook.reader import MAX_FILE_BYTES
from .access import ACCESS_FILE, SECRETARIAT, AccessCodes, Principal, state_folder
from .accesslog import LOG_FILE, OLD_LOG_FILE, AccessLog
from .leftovers import sweep, uploads_prefix
from .limits import ADDRESS_ATTEMPTS, LOGIN_ATTEMPTS, LOGIN_WINDOW, PRINCIPAL_LOGINS, CodeGuard, RateLimiter  # noqa: F401 (tests)
from .policy import Hosts, set_headers
from .private import tighten, write_private
from .sessions import LIFETIME, SESSIONS_FILE, Sessions
from .cardview import PART_TITLES, card_view, issue_place
from .desk import (DRAFT_FILES, DRAFT_LABEL, OUTPUT_FILES, BuildJob, division_error_text, draft_folder,
                   output_files, pdf_available, policy_figures,
                   report_freshness)

SECRET_FILE = "session_key"
UPLOAD_SLACK = 64 * 1024  # multipart headers around a file of MAX_FILE_BYTES
# waitress refuses a body declared larger than this before reading it (its own short 413); up to it the
# body is spooled to a temporary file by waitress and the app answers 413 in Japanese from Content-Length.
SERVER_BODY_LIMIT = 3 * MAX_FILE_BYTES
MAX_ANSWER_ISSUES = 500  # issues one upload answers (the rest counted in one more-issues); a real card has a few
_SUFFIX = re.compile(r"\.[A-Za-z]{2,7}")


class Intake:
    """The server's state: the folder, the codes, the accept lock, the upload area, the build job."""

    def __init__(self, folder: Path, outputs: Path | None = None, previous: Path | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.config = load_config(self.folder)  # an unusable folder stops the server before it starts
        self.outputs = Path(outputs) if outputs else default_outputs(self.folder)
        # what to say at start: secrets left readable by others tightened, a killed accept's or build's moves
        # finished, a killed server's leftovers swept
        self.notices = tighten(state_folder(self.folder), (ACCESS_FILE, LOG_FILE, OLD_LOG_FILE, SESSIONS_FILE),
                               SECRET_FILE)
        self.notices += finish_accepts(self.folder) + finish_builds(self.outputs)
        self.notices += sweep(self.folder, [self.outputs, draft_folder(self.outputs)])
        self.codes = AccessCodes(self.folder)
        self.sessions = Sessions(self.folder, self.codes)
        self.accept_lock = threading.Lock()
        self.access_log = AccessLog(state_folder(self.folder))
        self.uploads = Path(tempfile.mkdtemp(prefix=uploads_prefix(self.folder)))
        self.previous = Path(previous) if previous else None
        self.build = BuildJob(self.folder, self.outputs)
        self.failures = CodeGuard()  # wrong codes per address and across all addresses
        self.logins = RateLimiter(LOGIN_ATTEMPTS, LOGIN_WINDOW)  # per (address, division)
        self.principal_logins = RateLimiter(PRINCIPAL_LOGINS, LOGIN_WINDOW)  # right codes per principal

    def close(self) -> None:
        """Remove the upload area (what is in it was never filed: filed cards are in the input folder)."""
        shutil.rmtree(self.uploads, ignore_errors=True)

    def status(self, principal: Principal) -> CollectionStatus:
        status = collection_status(self.folder)
        if principal.secretariat:
            return status
        return status.model_copy(update={
            "flags": [],  # the whole round's counts are the secretariat's
            "divisions": [d for d in status.divisions if d.division == principal.division],
            "projects": [p for p in status.projects if p.division == principal.division]})

    def last_year(self) -> LastYear | None:
        """Last year's record (expected.json, read at each upload: a rollover may write it while serving)."""
        return folder_last_year(self.folder)

    def expected_divisions(self) -> dict[str, str] | None:
        try:
            return {p.project_id: p.division for p in load_expected(self.folder).projects}
        except ReportkitError:
            return None

    def owner(self, project_id: str) -> str:
        """The division a project belongs to: its division in expected.json, or for a new project that of
        the card filed for it ("" before any)."""
        from ..collect.received import received_files

        expected = self.expected_divisions() or {}
        if project_id in expected:
            return expected[project_id]
        filed = [f.division for f in received_files(self.folder).by_project().get(project_id, []) if f.division]
        return filed[0] if filed else ""

    def upload_folder(self) -> Path:
        """A new folder in the upload area (made again if something removed it)."""
        self.uploads.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.uploads))

    def log(self, fields: list[str]) -> None:
        """One line per request (accesslog: each field escaped and cut, the file turned over by size)."""
        self.access_log.write(fields)


_QUOTED_FILENAME = re.compile(r'filename="([^"]*)"', re.IGNORECASE)


def upload_name(storage) -> str:
    """The uploaded file's own name, without the folders an old browser sends with it.

    Edge in IE mode sends ``filename="C:\\Users\\…\\043.xlsx"`` with bare backslashes, which
    Werkzeug 3.1.9 and later read as escapes (``C:Users…043.xlsx``): when the part's raw header has a
    backslash in its quoted name (and no ``filename*``), the name is taken from the raw header."""
    name = storage.filename or ""
    raw = storage.headers.get("Content-Disposition", "") if storage.headers else ""
    quoted = _QUOTED_FILENAME.search(raw)
    if quoted and "\\" in quoted.group(1) and "filename*" not in raw.lower():
        name = quoted.group(1)
    return re.split(r"[\\/]", name)[-1][:200] or "upload.xlsx"


class Upload:
    """One uploaded workbook in its own server-owned folder, checked on its own."""

    def __init__(self, intake: Intake, storage) -> None:
        self.display = upload_name(storage)
        suffix = Path(self.display).suffix
        suffix = suffix.lower() if _SUFFIX.fullmatch(suffix) else ".xlsx"
        self.folder = intake.upload_folder()
        self.last_year = intake.last_year()  # its cost and name checked against it, and its cost shown beside
        self.path = self.folder / f"upload{suffix}"  # never the browser's name
        try:
            self._check(intake, storage)
        except BaseException:  # whatever stops the request, nothing of the upload stays on disk
            self.close()
            raise

    def _check(self, intake: Intake, storage) -> None:
        storage.save(str(self.path))
        issue = non_workbook_issue(self.path, self.display)
        if issue is not None:
            self.sourced, self.issues = None, [issue]
        else:
            # never through the card cache: an upload's entry (under its upload name) would never be read
            # again, and a check promises to save nothing
            self.sourced, issues = validate_card_file(self.path, intake.config, self.last_year, cache=False)
            if self.sourced is not None:  # a 事業名 of another project's card: this card's error, once filed
                issues += shared_name_on_filing(self.sourced, intake.folder, self.last_year)
            self.issues = first_issues([i.model_copy(update={"file": self.display}) for i in issues],
                                       MAX_ANSWER_ISSUES, self.display)  # what one upload answers stays bounded
        self.project_id, self.name, self.division = "", "", ""
        if self.sourced is not None:
            card = self.sourced.card
            self.project_id, self.name = card.project_id, card.one_line_name
            self.division = card.department if card.department in intake.config.divisions else ""
        elif issue is None:
            from ..collect.received import workbook_identity
            self.project_id, self.name, self.division, _ = workbook_identity(self.path, intake.config, cache=False)

    def owner_problem(self, intake: Intake, principal: Principal) -> str:
        """A Japanese reason when ``principal`` may not send this project ("" when it may)."""
        if principal.secretariat:
            return ""
        if self.division and self.division != principal.division:
            return f"このカードの担当課は「{self.division}」です。{principal.division}のコードでは扱えません。"
        owner = intake.owner(self.project_id) if self.project_id else ""
        if owner and owner != principal.division:
            return (f"管理番号 {self.project_id} は「{owner}」の事業です。{principal.division}のコードでは扱えません。"
                    "担当課を移すときは、事務局に相談してください。")
        return ""

    def file_into(self, intake: Intake, principal: Principal):
        """accept() the workbook under the process-wide lock (the owner checked again under it, so two
        divisions sending one new project at once cannot both file it); returns the Filed record."""
        named = self.folder / f"{safe_file_name(self.project_id or 'card')}.xlsx"
        self.path.rename(named)
        self.path = named
        with intake.accept_lock:
            problem = self.owner_problem(intake, principal)
            if problem:
                abort(403, problem)
            (filed,) = accept([named], intake.folder)
        return filed

    def state(self, intake: Intake, issues: list[Issue]) -> str:
        expected = intake.expected_divisions()
        if expected is not None and self.project_id not in expected:
            return "new"
        if any(i.severity == "error" for i in issues):
            return "errors"
        return "warnings" if issues else "ok"

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _session_key(folder: Path) -> bytes:
    path = state_folder(folder) / SECRET_FILE
    if path.is_file():
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 64:
            return bytes.fromhex(text)
    key = secrets.token_bytes(32)
    write_private(path, key.hex() + "\n")
    return key


def create_app(folder: Path, *, outputs: Path | None = None, previous: Path | None = None,
               host: str = "127.0.0.1", allowed_hosts: tuple[str, ...] = ()) -> Flask:
    """The desk over ``folder``; ``host`` (the address it listens on) and ``allowed_hosts`` add to the
    host names it answers to (policy.Hosts)."""
    intake = Intake(folder, outputs, previous)
    hosts = Hosts(host, allowed_hosts)
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.config.update(
        SECRET_KEY=_session_key(intake.folder),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="reportkit_session",
        MAX_CONTENT_LENGTH=MAX_FILE_BYTES + UPLOAD_SLACK,
        PERMANENT_SESSION_LIFETIME=LIFETIME,  # the server's record decides; the cookie goes with it
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.extensions["reportkit"] = intake
    app.jinja_env.globals.update(STATE_LABELS=STATE_LABELS, SEVERITY_LABELS=SEVERITY_LABELS,
                                 PART_TITLES=PART_TITLES, issue_place=issue_place, SECRETARIAT=SECRETARIAT,
                                 nendo=nendo)

    # -- who is asking ------------------------------------------------------------------------------

    def bearer() -> Principal | None:
        """The principal of the request's Authorization header; an address that has failed too often
        gets 429 before its code is looked at, whatever the route."""
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        if "bearer" not in g:  # checked (and a failure counted) once per request
            address = request.remote_addr or "-"
            if intake.failures.blocked(address):
                g.note = "bearer blocked"
                abort(429)
            g.bearer = intake.codes.check(header[7:].strip()) if header.lower().startswith("bearer ") else None
            if g.bearer is None:
                intake.failures.fail(address)
            else:
                intake.failures.succeeded(address)
        return g.bearer

    def current() -> Principal | None:
        if "principal" not in g:
            principal = None
            if request.headers.get("Authorization"):
                principal = bearer()
            elif session.get("sid"):
                principal = intake.sessions.principal(session["sid"])
                if principal is None:  # ended: logout, a replaced code or its lifetime
                    session.clear()
            g.principal = principal
        return g.principal

    def api_principal() -> Principal:
        principal = bearer()
        if principal is None:
            abort(401)
        g.principal = principal
        return principal

    def page_principal(secretariat: bool = False) -> Principal:
        principal = current() if not request.headers.get("Authorization") else None
        if principal is None:
            abort(redirect(url_for("login")))
        if secretariat and not principal.secretariat:
            abort(403)
        return principal

    def csrf_token() -> str:
        token = session.get("csrf")
        if not token:
            token = session["csrf"] = secrets.token_urlsafe(32)
        return token

    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        g.note = ""
        if not hosts.allows(request.host):  # a DNS-rebinding page on a clerk's PC is refused unread
            g.note = "host refused"
            abort(421)
        if request.method == "POST" and not request.path.startswith("/api/"):
            sent = request.form.get("csrf", "")
            if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(400, "csrf")

    @app.after_request
    def _log(response: Response) -> Response:
        principal = g.get("principal")
        who = principal.label if principal else "-"
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        intake.log([datetime.now().isoformat(timespec="seconds"), request.remote_addr or "-", who, request.method,
                    request.full_path.rstrip("?"), str(response.status_code), f"{elapsed:.0f}ms", g.get("note", "")])
        set_headers(response.headers)  # no-store, the Content-Security-Policy (policy.py)
        if principal is not None:  # how long a code check took is nothing to tell a guesser
            response.headers["X-Elapsed-Ms"] = f"{elapsed:.1f}"
        return response

    ERROR_TEXT = {
        400: "要求が正しくありません。ページを読み込み直してから、もう一度操作してください。",
        401: "アクセスコードがないか、正しくありません。",
        403: "この操作をする権限がありません。",
        404: "ページまたはファイルが見つかりません。",
        413: f"ファイルが大きすぎます（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）。事業カードのブックを送ってください。",
        421: "このアドレス（ホスト名）では受け付けていません。受付の担当者から聞いたアドレスを開いてください。",
        429: "失敗が続いたため、しばらく受け付けません。10 分ほど待ってから、もう一度試してください。",
    }

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.response is not None:  # abort(redirect(...))
            return exc.response
        code = exc.code or 500
        message = ERROR_TEXT.get(code, "処理できませんでした。")
        if code == 400 and exc.description == "csrf":
            message = "フォームの有効期限が切れました。ページを読み込み直してから、もう一度操作してください。"
        elif code == 403 and isinstance(exc.description, str) and exc.description and not exc.description.startswith("You"):
            message = exc.description
        if request.path.startswith("/api/"):
            response = jsonify({"error": message, "status": code})
            if code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="reportkit"'
            return response, code
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(ReportkitError)
    def _reportkit_error(exc: ReportkitError):
        if request.path.startswith("/api/"):
            return jsonify({"error": str(exc), "status": 422}), 422
        return render_template("error.html", code=422, message=str(exc)), 422

    # -- pages: login ---------------------------------------------------------------------------------

    @app.get("/")
    def index():
        principal = current()
        if principal is None:
            return redirect(url_for("login"))
        return redirect(url_for("desk" if principal.secretariat else "clerk"))

    @app.route("/login", methods=["GET", "POST"])
    def login():
        divisions = intake.config.divisions
        if request.method == "GET":
            return render_template("login.html", divisions=divisions, error="", chosen="")
        division = request.form.get("division", "")
        code = request.form.get("code", "")
        address = request.remote_addr or "-"
        known = division in divisions + [SECRETARIAT]
        pair = f"{address}\t{division if known else '?'}"  # a guesser elsewhere cannot lock this division out here
        if intake.failures.blocked(address) or intake.logins.blocked(pair):
            g.note = f"login blocked {division[:40]}"
            return render_template("login.html", divisions=divisions, error=ERROR_TEXT[429], chosen=division), 429
        principal = intake.codes.check(code, division)  # the hash is computed even for a division that is not one
        if not known:
            principal = None
        if principal is None:
            intake.failures.fail(address)
            intake.logins.fail(pair)
            g.note = f"login failed {division[:40]}"
            return render_template("login.html", divisions=divisions, chosen=division,
                                   error="担当課かアクセスコードが正しくありません。"), 401
        intake.failures.succeeded(address)
        who = f"{principal.role}\t{principal.division}"
        if intake.principal_logins.blocked(who):  # logins in a loop with one code: refused, nobody else's ended
            g.note = f"login limited {division[:40]}"
            return render_template("login.html", divisions=divisions, error=ERROR_TEXT[429], chosen=division), 429
        intake.principal_logins.fail(who)
        session.clear()
        session["sid"] = intake.sessions.open(principal)
        session["csrf"] = secrets.token_urlsafe(32)
        session.permanent = True
        g.principal = principal
        g.note = "login"
        return redirect(url_for("index"))

    @app.post("/logout")
    def logout():
        current()
        intake.sessions.end(session.get("sid", ""))
        session.clear()
        return redirect(url_for("login"))

    # -- pages: the clerk ---------------------------------------------------------------------------

    def division_for_page(principal: Principal) -> str:
        if principal.secretariat:
            chosen = request.values.get("division", "")
            return chosen if chosen in intake.config.divisions else ""
        return principal.division

    @app.get("/clerk")
    def clerk():
        principal = page_principal()
        division = division_for_page(principal)
        if principal.secretariat and not division:
            return redirect(url_for("desk"))
        status = intake.status(Principal("division", division))
        return render_template("clerk.html", principal=principal, division=division, status=status,
                               row=status.divisions[0] if status.divisions else None)

    @app.get("/download/project/<project_id>")
    def download_project(project_id: str):
        principal = page_principal()
        status = intake.status(principal)
        project = next((p for p in status.projects if p.project_id == project_id and p.file), None)
        if project is None:
            abort(404)
        path = (intake.folder / project.file).resolve()
        if intake.folder not in path.parents or not path.is_file():
            abort(404)
        g.note = f"download {project_id}"
        return send_file(path, as_attachment=True, download_name=path.name)

    @app.get("/download/blank")
    def download_blank():
        from ..workbook.template import new_project_id, write_workbook

        principal = page_principal()
        division = division_for_page(principal) or None
        folder = intake.upload_folder()
        try:
            project_id = new_project_id()
            target = folder / "blank.xlsx"
            write_workbook(intake.config, target, {"project_id": project_id}, department=division, mailed=True)
            data = target.read_bytes()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        g.note = f"blank {project_id}"
        return send_file(io.BytesIO(data), as_attachment=True, download_name=f"事業カード_{project_id}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.post("/upload")
    def upload():
        principal = page_principal()
        storage = request.files.get("file")
        if storage is None or not storage.filename:
            return render_template("error.html", code=400, message="ファイルを選んでください。"), 400
        action = "submit" if request.form.get("action") == "submit" else "check"
        item = Upload(intake, storage)
        try:
            problem = item.owner_problem(intake, principal)
            if problem:
                abort(403, problem)
            filed, refused = None, ""
            if action == "submit":
                try:
                    filed = item.file_into(intake, principal)
                except AcceptError as exc:
                    refused = str(exc)
            state = item.state(intake, item.issues)
            g.note = f"{action} {item.project_id} {state}"
            view = card_view(item.sourced, item.issues, intake.config, item.last_year)
            division = division_for_page(principal) or item.division
            return render_template("result.html", principal=principal, item=item, view=view, action=action,
                                   filed=filed, refused=refused, state=state, division=division)
        finally:
            item.close()

    # -- pages: the secretariat ---------------------------------------------------------------------

    @app.get("/desk")
    def desk():
        principal = page_principal(secretariat=True)
        try:
            status, status_problem = intake.status(principal), ""
        except ReportkitError as exc:  # e.g. a folder without expected.json: the desk still builds
            status, status_problem = None, str(exc)
        figures, figures_note = policy_figures(intake.folder, intake.config)
        return render_template("desk.html", principal=principal, status=status, figures=figures,
                               figures_note=figures_note, status_problem=status_problem, build=intake.build.snapshot(),
                               finals=output_files(intake.outputs, OUTPUT_FILES),
                               drafts=output_files(draft_folder(intake.outputs), DRAFT_FILES),
                               pdf=pdf_available(), outputs=intake.outputs, previous=intake.previous,
                               freshness=report_freshness(intake.folder, intake.outputs))

    def _abolition(undo: bool, values) -> tuple[str, object]:
        """Record (or take back) a project's 事業廃止 under the accept lock; (division, the entry)."""
        from ..collect.abolish import abolish, restore

        project_id = str(values.get("project_id", "") or "")
        with intake.accept_lock:
            entry = restore(intake.folder, project_id) if undo else abolish(
                intake.folder, project_id, str(values.get("reason", "") or ""), by=SECRETARIAT)
        g.note = f"{'restore' if undo else 'abolish'} {entry.project_id}"
        return entry.division, entry

    @app.post("/desk/abolish")
    def abolish_project():
        page_principal(secretariat=True)
        division, _ = _abolition(request.form.get("undo") == "1", request.form)
        if division in intake.config.divisions:
            return redirect(url_for("clerk", division=division))
        return redirect(url_for("desk"))

    @app.post("/api/abolish")
    def api_abolish():
        """The secretariat's 事業廃止 (JSON or form: project_id, reason; undo=true takes it back)."""
        if not api_principal().secretariat:
            abort(403)
        values = request.get_json(silent=True) if request.is_json else request.form
        if not isinstance(values, dict) and not hasattr(values, "get"):
            abort(400)
        undo = str(values.get("undo", "")).lower() in ("1", "true")
        _, entry = _abolition(undo, values)
        return jsonify({**entry.model_dump(mode="json"), "state": "restored" if undo else "abolished"})

    @app.get("/desk/errors/<division>.txt")
    def division_errors(division: str):
        page_principal(secretariat=True)
        if division not in intake.config.divisions + ["担当課不明"]:
            abort(404)
        text = division_error_text(intake.folder, division)
        return Response(text, mimetype="text/plain; charset=utf-8",
                        headers={"Content-Disposition": _attachment(f"{division}.txt")})

    @app.post("/desk/build")
    def start_build():
        page_principal(secretariat=True)
        draft = request.form.get("kind") == "draft"
        pdf = request.form.get("pdf") == "on" and pdf_available()
        started = intake.build.start(draft=draft, pdf=pdf)
        g.note = f"build {'draft' if draft else 'final'}{' pdf' if pdf else ''} " + ("started" if started else "busy")
        return redirect(url_for("desk"))

    @app.get("/desk/download/<name>")
    def download_output(name: str):
        page_principal(secretariat=True)
        if name not in OUTPUT_FILES:
            abort(404)
        path = intake.outputs / name
        if not path.is_file():
            abort(404)
        g.note = f"download {name}"
        return send_file(path, as_attachment=True, download_name=name)

    @app.get("/desk/download/draft/<name>")
    def download_draft(name: str):
        """A 素案 from outputs/draft/, named so it is never taken for the final report."""
        page_principal(secretariat=True)
        if name not in DRAFT_FILES:
            abort(404)
        path = draft_folder(intake.outputs) / name
        if not path.is_file():
            abort(404)
        g.note = f"download draft/{name}"
        stem, suffix = name.rsplit(".", 1)
        return send_file(path, as_attachment=True, download_name=f"{stem}_{DRAFT_LABEL}.{suffix}")

    @app.get("/desk/diff")
    def diff_page():
        page_principal(secretariat=True)
        from .desk import year_over_year

        seen = year_over_year(intake.previous, intake.outputs, intake.folder)
        return render_template("diff.html", seen=seen, diff=seen.diff, problem=seen.problem)

    @app.get("/desk/diff/<name>")
    def diff_download(name: str):
        """diff.xlsx, diff.html or redline.docx, written into outputs/diff/ from the comparison as it is now."""
        page_principal(secretariat=True)
        from .desk import year_over_year, year_over_year_file

        seen = year_over_year(intake.previous, intake.outputs, intake.folder)
        if name not in seen.files:
            abort(404)
        g.note = f"download diff/{name}"
        path = year_over_year_file(intake.previous, intake.outputs, name, seen)  # a ReportkitError: the 422 page
        return send_file(path, as_attachment=True, download_name=name)

    # -- JSON API ----------------------------------------------------------------------------------

    def _api_upload() -> Upload:
        """The uploaded workbook of an API call by a code that may send it (401/403/400 otherwise)."""
        principal = api_principal()
        storage = request.files.get("file")
        if storage is None:
            abort(400)
        item = Upload(intake, storage)
        problem = item.owner_problem(intake, principal)
        if problem:
            item.close()
            abort(403, problem)
        return item

    @app.post("/api/check")
    def api_check():
        item = _api_upload()
        try:
            g.note = f"check {item.project_id}"
            return jsonify([issue.model_dump() for issue in item.issues])
        finally:
            item.close()

    @app.post("/api/submit")
    def api_submit():
        item = _api_upload()
        try:
            filed = item.file_into(intake, g.principal)  # AcceptError: 422 with the reason
            state = item.state(intake, item.issues)
            g.note = f"submit {item.project_id} {state} {filed.target.relative_to(intake.folder).as_posix()}"
            return jsonify({"project_id": item.project_id, "state": state,
                            "issues": [issue.model_dump() for issue in item.issues]})
        finally:
            item.close()

    @app.get("/api/status")
    def api_status():
        principal = current() or api_principal()
        if principal is None:
            abort(401)
        return Response(json.dumps(status_data(intake.status(principal)), ensure_ascii=False),
                        mimetype="application/json")

    @app.get("/api/build")
    def api_build():
        principal = current()
        if principal is None:
            api_principal()
            principal = g.principal
        if not principal.secretariat:
            abort(403)
        return jsonify({**intake.build.snapshot(), "reports": report_freshness(intake.folder, intake.outputs)})

    from .secretariat import register

    register(app, intake, api_principal, page_principal)  # the secretariat's year: codes, packs, accept, rollover
    return app


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"errors.txt\"; filename*=UTF-8''{quote(name)}"
