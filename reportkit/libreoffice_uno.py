"""The page of every bookmark read from Writer's own layout over UNO: no PDF export, no pypdf.

LibreOffice's Python bridge (``uno``) ships with LibreOffice for its own interpreter (Debian:
the ``python3-uno`` package for /usr/bin/python3; Windows: ``program\\python.exe`` of the install),
rarely for the interpreter reportkit runs in. So this file is also a script: ``layout_pages`` runs
it with an interpreter that can import ``uno``; the script starts one private, headless LibreOffice,
loads the .docx hidden and read-only, moves the view cursor to each bookmark and prints its
(physical) page and the page count as JSON. ``uno_python`` returns None when no such interpreter
exists; the caller then converts to PDF as before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

_PROBE = "import uno"


@lru_cache(maxsize=None)
def uno_python(soffice: str | None) -> str | None:
    """An interpreter that imports ``uno`` (``REPORTKIT_UNO_PYTHON``, this one, the system's, LibreOffice's)."""
    chosen = os.environ.get("REPORTKIT_UNO_PYTHON")
    if chosen:
        return None if chosen.lower() == "off" else chosen
    candidates = [sys.executable, "/usr/bin/python3"]
    if soffice:
        folder = Path(soffice).resolve().parent
        candidates += [str(folder / "python.exe"), str(folder / "python")]
    for candidate in candidates:
        if not Path(candidate).is_file():
            continue
        try:
            done = subprocess.run([candidate, "-I", "-c", _PROBE], capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return candidate
    return None


def layout_pages(docx: Path, soffice: str, python: str, timeout: int) -> tuple[dict[str, int], int]:
    """(bookmark → physical page, page count) of ``docx`` as Writer lays it out. Raises RuntimeError."""
    command = [python, "-I", str(Path(__file__).resolve()), soffice, str(Path(docx).resolve()), str(timeout)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout + 30, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"LibreOffice のレイアウトが {timeout} 秒で終わりませんでした") from exc
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "LibreOffice")
    data = json.loads(done.stdout.decode("utf-8"))
    return {str(k): int(v) for k, v in data["bookmarks"].items()}, int(data["page_count"])


# -- the script, run by an interpreter with ``uno`` ---------------------------------------------------

def _run(soffice: str, docx: str, timeout: float) -> dict:
    import shutil
    import tempfile
    import time
    import uuid

    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException

    def prop(name, value):
        item = PropertyValue()
        item.Name, item.Value = name, value
        return item

    pipe = f"reportkit_{uuid.uuid4().hex}"
    profile = tempfile.mkdtemp(prefix="reportkit-uno-")
    office = subprocess.Popen([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible",
                               "--norestore", "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if office.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("LibreOffice を起動できませんでした")
                time.sleep(0.1)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(Path(docx).as_uri(), "_blank", 0,
                                                (prop("Hidden", True), prop("ReadOnly", True)))
        if document is None:
            raise RuntimeError("LibreOffice で文書を開けませんでした")
        cursor = document.getCurrentController().getViewCursor()
        bookmarks = document.getBookmarks()
        pages = {}
        for name in bookmarks.getElementNames():
            cursor.gotoRange(bookmarks.getByName(name).getAnchor().getStart(), False)
            pages[name] = cursor.getPage()
        cursor.jumpToLastPage()
        count = cursor.getPage()
        document.close(True)
        return {"bookmarks": pages, "page_count": count}
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:  # the bridge goes away while terminating
            pass
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(_run(sys.argv[1], sys.argv[2], float(sys.argv[3]))))
