"""The page of every bookmark read from Writer's own layout over UNO, and a LibreOffice kept running.

LibreOffice's Python bridge (``uno``) ships with LibreOffice for its own interpreter (Debian:
the ``python3-uno`` package for /usr/bin/python3; Windows: ``program\\python.exe`` of the install),
rarely for the interpreter reportkit runs in. So this file is also a script: ``layout_pages`` runs
it with an interpreter that can import ``uno``; the script loads the .docx hidden and read-only,
moves the view cursor to each bookmark, prints its (physical) page and the page count as JSON and,
when asked, exports the PDF from the same layout. ``uno_python`` returns None when no such
interpreter exists; the caller then converts to PDF as before.

Starting LibreOffice is a third of a pass. ``KeptOffice`` (run by ``reportkit serve``) starts one
headless LibreOffice listening on a private pipe and registers it, in this process and in the
user's cache folder (``libreoffice/<pipe>.json``, one file per server: two servers on one machine
never replace or remove each other's), so every build — the desk's and a ``reportkit build``
on the same machine — loads its document into it instead of starting its own; without one, each
pass starts and ends a private LibreOffice.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from functools import lru_cache
from pathlib import Path

_PROBE = "import uno"
KEPT_PROFILE_PREFIX = "reportkit-kept-"
KEPT_FOLDER = "libreoffice"  # in the user's cache folder: <pipe>.json, the pipe and process of each kept LibreOffice
STARTING_WAIT = 90.0  # seconds a pass waits for a kept LibreOffice this process has just started
REGISTERED_WAIT = 3.0  # … for one another process registered (it is up, or gone)
# The PDF export's filter data, here over UNO and in pages.PDF_FILTER's conversion alike: bookmarks as
# named destinations (the page pass reads them), blank pages kept; a tagged PDF/UA-1 file (structure
# tree, the .docx's title and language, headings as PDF bookmarks). Tagging changes no page.
PDF_EXPORT_OPTIONS = {"ExportBookmarksToPDFDestination": True, "IsSkipEmptyPages": False,
                      "UseTaggedPDF": True, "PDFUACompliance": True, "ExportBookmarks": True}


PROBE_FILE = "uno-python.json"  # in the user's cache folder: the interpreter found, and what it was found with
PROBE_VERSION = 2  # 2: LibreOffice's own interpreter probed without -I (a cache of version 1 is probed again)


def _on_windows() -> bool:
    """Whether this is Windows (one place, so that tests can fake it for the code paths below)."""
    return os.name == "nt"


def _is_office_python(python: str) -> bool:
    """Whether ``python`` is LibreOffice's own interpreter: it sits beside soffice.exe / soffice.bin in ``program``
    (not /usr/bin's, beside a soffice link)."""
    folder = Path(python).parent
    return any((folder / name).exists() for name in ("soffice.exe", "soffice.bin"))


def _python_options(python: str) -> list[str]:
    """How ``python`` runs the helper: ``-I`` (no environment, no user site, not its folder on ``sys.path``),
    except LibreOffice's own interpreter. That one is a launcher (``program\\python.exe`` on Windows,
    ``program/python`` in LibreOffice's Linux packages) which sets PYTHONHOME and PYTHONPATH for the
    interpreter it starts: ``-I`` would drop them and ``uno`` (even the standard library) would not
    import. It gets ``-s`` (no user site) only; the helper's folder on its path holds no module a
    standard one could be taken for.
    """
    return ["-s"] if _is_office_python(python) else ["-I"]


@lru_cache(maxsize=None)
def uno_python(soffice: str | None) -> str | None:
    """An interpreter that imports ``uno`` (``REPORTKIT_UNO_PYTHON``, this one, the system's, LibreOffice's).

    Trying them costs a process each (≈0.05 s); the answer is kept in the user's cache folder
    while the candidates' files are unchanged.
    """
    chosen = os.environ.get("REPORTKIT_UNO_PYTHON")
    if chosen:
        return None if chosen.lower() == "off" else chosen
    candidates = _uno_candidates(soffice)
    stamp = [[candidate, _file_stamp(candidate)] for candidate in [*candidates, soffice or ""]]
    kept = _kept_probe()
    if kept is not None and kept.get("stamp") == stamp and kept.get("version") == PROBE_VERSION:
        return kept.get("python")
    found = None
    for candidate in candidates:
        if not Path(candidate).is_file():
            continue
        try:
            done = subprocess.run([candidate, *_python_options(candidate), "-c", _PROBE], capture_output=True,
                                  timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            found = candidate
            break
    _keep_probe({"stamp": stamp, "python": found, "version": PROBE_VERSION})
    return found


def _uno_candidates(soffice: str | None) -> list[str]:
    """The interpreters that may import ``uno``: this one, the system's, LibreOffice's own (beside ``soffice``)."""
    candidates = [sys.executable, "/usr/bin/python3"]
    if soffice:
        folder = Path(soffice).resolve().parent
        candidates += [str(folder / "python.exe"), str(folder / "python")]
    return candidates


def _file_stamp(path: str) -> list[int] | None:
    try:
        status = Path(path).stat()
    except (OSError, ValueError):
        return None
    return [status.st_size, status.st_mtime_ns]


def _cache_file(name: str) -> Path | None:
    """``name`` in the user's cache folder (None when caching is off)."""
    from ..usercache import cache_home

    home = cache_home()
    return None if home is None else home / name


def _read_json(path: Path | None) -> dict | None:
    """The JSON object in ``path``; None when there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path is not None else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _kept_probe() -> dict | None:
    return _read_json(_cache_file(PROBE_FILE))


def _keep_probe(entry: dict) -> None:
    _write_json(_cache_file(PROBE_FILE), entry)  # when it cannot be written, the next process probes again


def _write_json(path: Path | None, data: dict) -> None:
    """Write ``data`` to ``path`` atomically; nothing when there is no path or it cannot be written (read-only cache)."""
    if path is None:
        return
    from ..files.atomic import write_text_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(data))
    except OSError:
        pass


# The document names Word's Japanese fonts. Where they are missing (LibreOffice on Linux), Writer's
# own list finds IPA fonts for Japanese text but fontconfig gives digits, ①–⑧, ○ ◎ and leaders
# DejaVu, wider than the half-width glyphs: lines and pages would differ from Word's. IPA明朝 /
# IPAゴシック have the same fixed advance widths (full width 1 em, half width ½ em) as ＭＳ 明朝 /
# ＭＳ ゴシック, and IPA P明朝 / P ゴシック are the proportional pair of ＭＳ Ｐ明朝 / Ｐゴシック; the
# replacement table of the page pass's profile maps one to the other for every character ("Always":
# LibreOffice takes the MS names for available through fontconfig's aliases). A PC that has the MS
# fonts (Windows, or them installed) gets no table: LibreOffice uses them.
FONT_REPLACEMENTS = (
    ("ＭＳ 明朝", "IPAMincho"), ("MS Mincho", "IPAMincho"),
    ("ＭＳ ゴシック", "IPAGothic"), ("MS Gothic", "IPAGothic"),
    ("ＭＳ Ｐ明朝", "IPAPMincho"), ("MS PMincho", "IPAPMincho"),
    ("ＭＳ Ｐゴシック", "IPAPGothic"), ("MS PGothic", "IPAPGothic"),
)
PROFILE_SETTINGS = "registrymodifications.xcu"  # in the profile's user/ folder


def _font_replacement_xcu(pairs=FONT_REPLACEMENTS) -> str:
    """LibreOffice's user settings with the font replacement table (Tools ▸ Options ▸ Fonts) on."""
    base = "/org.openoffice.Office.Common/Font/Substitution"
    items = [f'<item oor:path="{base}"><prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>']
    for number, (replaced, substitute) in enumerate(pairs):
        props = "".join(f'<prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop>'
                        for name, value in (("Always", "true"), ("OnScreenOnly", "false"),
                                            ("ReplaceFont", replaced), ("SubstituteFont", substitute)))
        items.append(f'<item oor:path="{base}/FontPairs"><node oor:name="_{number}" oor:op="replace">'
                     f'{props}</node></item>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            + "\n".join(items) + "\n</oor:items>\n")


@lru_cache(maxsize=None)
def has_ms_fonts() -> bool:
    """Whether ＭＳ 明朝 is installed: in Windows' font folders, else as fontconfig lists it."""
    if os.name == "nt":
        folders = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        if os.environ.get("LOCALAPPDATA"):
            folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
        return any((folder / "msmincho.ttc").is_file() for folder in folders)
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        listed = subprocess.run([fc_list, ":family=MS Mincho", "family"], capture_output=True, text=True,
                                timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.strip())


def prepare_profile(profile: Path, *, replace_fonts: bool | None = None) -> Path:
    """Write the page pass's settings into a fresh LibreOffice profile folder (before LibreOffice starts):
    the font replacement table, unless the MS fonts are installed (``replace_fonts`` decides instead)."""
    user = Path(profile) / "user"
    user.mkdir(parents=True, exist_ok=True)
    if replace_fonts if replace_fonts is not None else not has_ms_fonts():
        (user / PROFILE_SETTINGS).write_text(_font_replacement_xcu(), encoding="utf-8")
    return Path(profile)


def office_command(soffice: str, profile: Path, pipe: str) -> list[str]:
    """A headless LibreOffice with a private profile, listening for UNO on ``pipe``."""
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
            "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"]


def start_office(command: list[str]) -> subprocess.Popen:
    """Start LibreOffice in a process group of its own (soffice starts soffice.bin: ``kill_office`` ends both)."""
    if _on_windows():  # a group of its own: Ctrl+C in serve's console reaches serve, which ends it
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def kill_office(process: subprocess.Popen) -> None:
    """End a LibreOffice at once, with what it started (soffice.exe → soffice.bin)."""
    _kill_group(process.pid)
    if process.poll() is None:  # what taskkill could not end
        process.kill()
    process.wait()


def _kill_group(pid: int) -> None:
    """End the LibreOffice launched as ``pid`` and every process it started: SIGKILL to its process group
    on POSIX (``start_office`` gives each LibreOffice its own), ``taskkill /T /F`` (the process tree) on Windows."""
    if _on_windows():
        try:
            subprocess.run(["taskkill", "/PID", str(pid), "/T", "/F"], capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
        return
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _script_command(python: str, *arguments: str) -> list[str]:
    """The command that runs this file as a script with ``python`` (an interpreter that has ``uno``).

    By its path, not ``-m``: that interpreter (LibreOffice's own, say) has no reportkit installed, so
    the file imports only the standard library at its top level; ``_python_options``: ``-I`` keeps its
    folder (and the user's site-packages) off ``sys.path``, except for LibreOffice's own interpreter.
    """
    return [python, *_python_options(python), str(Path(__file__).resolve()), *arguments]


def _ask_to_terminate(python: str, pipe: str) -> bool:
    """Ask the LibreOffice on ``pipe`` to end, over UNO; True when it was asked (it then ends by itself)."""
    try:
        return subprocess.run(_script_command(python, "terminate", pipe), capture_output=True, timeout=30,
                              check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def layout_pages(docx: Path, soffice: str, python: str, timeout: int, *, pdf: Path | None = None,
                 pipe: str | None = None, wait: float = 0.0) -> tuple[dict[str, int], int]:
    """(bookmark → physical page, page count) of ``docx`` as Writer lays it out. Raises RuntimeError.

    ``pdf``: also export the PDF there (bookmarks as named destinations, blank pages kept).
    ``pipe``: use the LibreOffice listening there (waiting up to ``wait`` seconds for it) instead of
    starting one; raises RuntimeError when it does not answer.
    """
    from ..word.facts import layout_facts  # Word XML is read in word/; the helper gets the facts as data

    command = _script_command(python, "layout", soffice, str(Path(docx).resolve()), str(timeout))
    if pdf is not None:
        command += ["--pdf", str(Path(pdf).resolve())]
    if pipe:
        command += ["--pipe", pipe, "--wait", str(wait)]
    handle, facts = tempfile.mkstemp(prefix="reportkit-facts-", suffix=".json")
    os.close(handle)
    try:
        Path(facts).write_text(json.dumps(layout_facts(Path(docx)), ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([*command, "--facts", facts], capture_output=True, timeout=timeout + wait + 30,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"LibreOffice のレイアウトが {timeout} 秒で終わりませんでした") from exc
    finally:
        Path(facts).unlink(missing_ok=True)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(lines[-1] if lines else "LibreOffice")
    data = json.loads(done.stdout.decode("utf-8"))
    return {str(k): int(v) for k, v in data["bookmarks"].items()}, int(data["page_count"])


# -- a LibreOffice kept running -------------------------------------------------------------------

_kept: KeptOffice | None = None  # the one this process started


class KeptOffice:
    """One headless LibreOffice for every page pass while it runs (``reportkit serve``); ``close`` ends it."""

    def __init__(self, soffice: str, python: str, registry: Path | None) -> None:
        """``registry``: the folder to register in (``kept_registry()``), None to keep it to this process."""
        self.soffice, self.python, self.registry = soffice, python, registry
        self.pipe = ""
        self.process: subprocess.Popen | None = None
        self.profile: Path | None = None

    def start(self) -> KeptOffice:
        """Start LibreOffice (without waiting for it to be ready) and register it."""
        global _kept
        self.pipe = f"reportkit_{uuid.uuid4().hex}"
        self.profile = prepare_profile(Path(tempfile.mkdtemp(prefix=KEPT_PROFILE_PREFIX)))
        if self.registry is not None:
            self._end_orphans()
        self.process = start_office(office_command(self.soffice, self.profile, self.pipe))
        _kept = self
        if self.registration is not None:  # written whole (atomically): a reader never sees half of it
            _write_json(self.registration, {"pipe": self.pipe, "pid": self.process.pid, "owner": os.getpid(),
                                            "profile": str(self.profile), "soffice": self.soffice})
        return self

    @property
    def registration(self) -> Path | None:
        """This LibreOffice's own file in the registry (None when not registered)."""
        return None if self.registry is None or not self.pipe else self.registry / f"{self.pipe}.json"

    def _end_orphans(self) -> None:
        """End the LibreOffices that killed servers left registered (they would run on for ever)."""
        for path, entry in _registrations(self.registry):
            if entry.get("owner") is None or _alive(entry["owner"]) is not False:
                continue  # its server still runs (or this system cannot tell)
            if _alive(entry["pid"]):
                _ask_to_terminate(self.python, entry["pipe"])
                _end_process_group(entry["pid"])  # it may write to its profile until it has ended
            profile = Path(str(entry.get("profile") or ""))
            if profile.name.startswith(KEPT_PROFILE_PREFIX) and profile.parent == Path(tempfile.gettempdir()):
                shutil.rmtree(profile, ignore_errors=True)
            _unlink(path)

    def wait_ready(self, timeout: float = STARTING_WAIT) -> bool:
        """Wait until it answers over UNO (True), or ``timeout`` seconds (False)."""
        try:
            return subprocess.run(_script_command(self.python, "ready", self.pipe, str(timeout)),
                                  capture_output=True, timeout=timeout + 30, check=False).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def restart(self) -> None:
        """After a pass it failed: end it and start a fresh one."""
        self.close()
        self.start()

    def close(self, *, ask: bool = True) -> None:
        """Unregister, ask LibreOffice to end over UNO (``ask``), kill it if it does not, remove its profile."""
        global _kept
        if _kept is self:
            _kept = None
        if self.registration is not None:  # its own registration only: another server's stays
            _unlink(self.registration)
        if self.running and not ask:
            kill_office(self.process)
        if self.running:
            asked = _ask_to_terminate(self.python, self.pipe)
            try:
                self.process.wait(timeout=20 if asked else 0.1)
            except subprocess.TimeoutExpired:  # it does not answer: end it
                kill_office(self.process)
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> KeptOffice:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def kept_office() -> tuple[str, float, KeptOffice | None] | None:
    """(pipe, seconds to wait for it, this process's KeptOffice or None) of a LibreOffice kept running, or None.

    This process's own first; else the newest one registered in the user's cache folder by another
    process, while its process lives (when that cannot be told, a short wait tells).
    """
    if _kept is not None and _kept.running:
        return _kept.pipe, STARTING_WAIT, _kept
    for _, entry in _registrations(kept_registry()):
        if _alive(entry["pid"]) is False or _alive(entry.get("owner")) is False:
            continue  # gone, or left behind by a server that was killed (the next serve ends it)
        return entry["pipe"], REGISTERED_WAIT, None
    return None


def _registrations(folder: Path | None) -> list[tuple[Path, dict]]:
    """(file, entry) of every readable registration in ``folder``, the newest first."""
    if folder is None:
        return []
    found = []
    for path in folder.glob("*.json"):
        entry = _registered(path)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            continue
        if entry is not None:
            found.append((stamp, path, entry))
    return [(path, entry) for _, path, entry in sorted(found, key=lambda item: (-item[0], item[1].name))]


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # removed already (or a read-only cache)
        pass


def _registered(path: Path | None) -> dict | None:
    """The registry's entry (pipe, pid, owner), or None when there is none or it cannot be read."""
    entry = _read_json(path)
    try:
        entry["pipe"], entry["pid"] = str(entry["pipe"]), int(entry["pid"])
        if entry.get("owner") is not None:
            entry["owner"] = int(entry["owner"])
    except (ValueError, KeyError, TypeError):
        return None
    return entry


def _alive(pid: int | None) -> bool | None:
    """Whether process ``pid`` runs; None when that cannot be told (no pid, or Windows' tasklist failed)."""
    if pid is None:
        return None
    if _on_windows():
        return _alive_on_windows(pid)
    try:
        os.kill(pid, 0)  # no signal: is the process there?
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return False
    return True


def _alive_on_windows(pid: int) -> bool | None:
    """Whether ``pid`` runs, as ``tasklist`` lists it (CSV: the second column is the PID)."""
    try:
        done = subprocess.run(["tasklist", "/FI", f"PID eq {pid}", "/FO", "CSV", "/NH"], capture_output=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    import csv

    rows = csv.reader(done.stdout.decode("mbcs" if os.name == "nt" else "utf-8", "replace").splitlines())
    return any(len(row) > 1 and row[1].strip() == str(pid) for row in rows)


def _ended(pid: int) -> bool:
    """Whether ``pid`` has ended: gone, or a zombie no one reaps (Linux /proc tells; elsewhere gone only)."""
    if _alive(pid) is not True:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace").rsplit(") ", 1)[-1][:1] == "Z"
    except OSError:
        return False


def _end_process_group(pid: int, seconds: float = 20.0) -> None:
    """Wait up to ``seconds`` for the LibreOffice launched as ``pid`` (a process group of its own) to end
    after it was asked to; then kill its group (its process tree on Windows). Nothing when it cannot be told."""
    if _alive(pid) is None:
        return
    deadline = time.monotonic() + seconds
    while not _ended(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not _ended(pid):
        _kill_group(pid)


def kept_registry() -> Path | None:
    """The folder where kept LibreOffices are registered for other processes (None when caching is off)."""
    return _cache_file(KEPT_FOLDER)


# -- the script, run by an interpreter with ``uno`` ---------------------------------------------------

def _prop(name, value):
    from com.sun.star.beans import PropertyValue

    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def _connect(pipe: str, wait: float, office: subprocess.Popen | None):
    """The component context of the LibreOffice on ``pipe``; RuntimeError when it does not answer in ``wait`` s."""
    import time

    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + wait
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if (office is not None and office.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice に接続できませんでした") from None
            time.sleep(0.1)


def _apply_kinsoku(document, settings: dict[str, list[str]]) -> None:
    """Give Writer the .docx's line-breaking characters (``word.facts``), which its import of a .docx leaves
    out (7.x): without them LibreOffice breaks inside a number of full-width digits (「平成２／５年」)."""
    import uno

    if not settings:
        return
    table = document.createInstance("com.sun.star.text.DocumentSettings").getPropertyValue("ForbiddenCharacters")
    for language, (before, after) in settings.items():
        code, _, country = language.partition("-")
        locale = uno.createUnoStruct("com.sun.star.lang.Locale", code, country, "")
        table.setForbiddenCharacters(locale, uno.createUnoStruct("com.sun.star.i18n.ForbiddenCharacters",
                                                                 before, after))


def _describe_charts(document, descriptions: list[str]) -> None:
    """Give each chart its alternative text, which Writer's import of a .docx chart leaves out (7.x).

    The PDF's /Alt of the chart's Figure is the object's Description. Charts are the document's only
    embedded objects (Object1, Object2 … in document order); when they do not match, nothing is set.
    """
    objects = document.getEmbeddedObjects()
    names = sorted(objects.getElementNames(), key=lambda name: (len(name), name))
    if len(names) != len(descriptions):
        return
    for name, description in zip(names, descriptions):
        chart = objects.getByName(name)
        if description and not chart.getPropertyValue("Description"):
            chart.setPropertyValue("Description", description)


def _measure(context, docx: str, pdf: str | None, facts: dict) -> dict:
    import uno

    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    document = desktop.loadComponentFromURL(Path(docx).as_uri(), "_blank", 0,
                                            (_prop("Hidden", True), _prop("ReadOnly", True)))
    if document is None:
        raise RuntimeError("LibreOffice で文書を開けませんでした")
    try:
        _apply_kinsoku(document, facts.get("kinsoku", {}))
        cursor = document.getCurrentController().getViewCursor()
        bookmarks = document.getBookmarks()
        pages = {}
        for name in bookmarks.getElementNames():
            cursor.gotoRange(bookmarks.getByName(name).getAnchor().getStart(), False)
            pages[name] = cursor.getPage()
        cursor.jumpToLastPage()
        count = cursor.getPage()
        if pdf:
            _describe_charts(document, facts.get("charts", []))
            options = uno.Any("[]com.sun.star.beans.PropertyValue",
                              tuple(_prop(name, value) for name, value in PDF_EXPORT_OPTIONS.items()))
            arguments = uno.Any("[]com.sun.star.beans.PropertyValue",
                                (_prop("FilterName", "writer_pdf_Export"), _prop("FilterData", options)))
            uno.invoke(document, "storeToURL", (Path(pdf).as_uri(), arguments))
    finally:
        document.close(True)
    return {"bookmarks": pages, "page_count": count}


def _layout(soffice: str, docx: str, timeout: float, pdf: str | None, pipe: str | None, wait: float,
            facts: dict) -> dict:
    if pipe:  # a kept LibreOffice: use it, leave it running
        return _measure(_connect(pipe, wait, None), docx, pdf, facts)
    pipe = f"reportkit_{uuid.uuid4().hex}"
    profile = prepare_profile(Path(tempfile.mkdtemp(prefix="reportkit-uno-")))
    office = start_office(office_command(soffice, profile, pipe))
    context = None
    try:
        context = _connect(pipe, timeout, office)
        return _measure(context, docx, pdf, facts)
    finally:
        if context is not None:
            _terminate(context)
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_office(office)
        shutil.rmtree(profile, ignore_errors=True)


def _terminate(context) -> None:
    try:
        context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context).terminate()
    except Exception:  # the bridge goes away while terminating
        pass


def _script(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="uno_helper")
    commands = parser.add_subparsers(dest="command", required=True)
    layout = commands.add_parser("layout")
    layout.add_argument("soffice")
    layout.add_argument("docx")
    layout.add_argument("timeout", type=float)
    layout.add_argument("--pdf")
    layout.add_argument("--pipe")
    layout.add_argument("--wait", type=float, default=0.0)
    layout.add_argument("--facts", help="a JSON file: what Writer's import drops (word.facts.layout_facts)")
    terminate = commands.add_parser("terminate")
    terminate.add_argument("pipe")
    ready = commands.add_parser("ready")
    ready.add_argument("pipe")
    ready.add_argument("wait", type=float)
    args = parser.parse_args(argv)
    if args.command == "ready":
        _connect(args.pipe, args.wait, None)
        return 0
    if args.command == "terminate":
        _terminate(_connect(args.pipe, 5.0, None))
        return 0
    facts = json.loads(Path(args.facts).read_text(encoding="utf-8")) if args.facts else {}
    print(json.dumps(_layout(args.soffice, args.docx, args.timeout, args.pdf, args.pipe, args.wait, facts)))
    return 0


if __name__ == "__main__":
    raise SystemExit(_script(sys.argv[1:]))
