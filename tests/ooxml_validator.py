"""Microsoft's Open XML SDK validator (DocumentFormat.OpenXml 3.5.1), loaded offline into Python.

The ``python-redlines-docxodus`` wheel (the ``test`` extra installs it) carries a self-contained
.NET 10 publish of its engine as ``python_redlines_docxodus/_binaries/<platform>.tar.gz``: the .NET
runtime, ``redline.deps.json`` and the Open XML SDK assemblies. ``pythonnet`` loads them through
``clr_loader``, which wants a *framework* layout rather than a self-contained folder, so
:func:`prepare_runtime` copies the archive once into a cache folder shaped like a .NET install::

    CACHE/dotnet/host/fxr/<ver>/libhostfxr.so                 (hostfxr.dll on Windows)
    CACHE/dotnet/shared/Microsoft.NETCore.App/<ver>/          runtime files + Microsoft.NETCore.App.deps.json
    CACHE/app/                                                DocumentFormat.OpenXml*.dll, System.IO.Packaging.dll
    CACHE/app/validator.runtimeconfig.json                    framework Microsoft.NETCore.App <ver>

and :class:`OoxmlValidator` validates a file with ``OpenXmlValidator(FileFormatVersions.X)``,
returning :class:`Finding` records (part, xpath, id, description). Globalization runs invariant
(``DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1``), so no libicu is needed.

Load the runtime once per process (a .NET runtime cannot be unloaded or loaded twice): the tests
use the session fixture ``ooxml`` in ``tests/conftest.py``.

Usage by hand::

    pip install -e ".[test]"            # python-redlines[docxodus] and pythonnet
    python tests/ooxml_validator.py outputs/report.docx outputs/projects.xlsx

On Windows the same works with the ``win-x64`` wheel (pip picks it on a Windows PC): the archive is
``_binaries/win-x64.tar.gz`` (``win-x64.zip`` is accepted too), the runtime files are ``hostfxr.dll``,
``coreclr.dll`` … instead of ``lib*.so``, and the cache is ``%LOCALAPPDATA%\\reportkit\\ooxml-validator``
(or ``REPORTKIT_OOXML_CACHE``). Nothing else differs; run the command above from a normal
``cmd``/PowerShell prompt. If the cache gets into a bad state (an interrupted first run), delete
that folder; it is rebuilt in a few seconds.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

FRAMEWORK = "Microsoft.NETCore.App"
SDK_ASSEMBLIES = ("DocumentFormat.OpenXml.Framework.dll", "DocumentFormat.OpenXml.dll", "System.IO.Packaging.dll")
SDK_VERSION = "3.5.1"


class ValidatorUnavailable(RuntimeError):
    """The wheel with the .NET runtime, or pythonnet, is not installed (or does not fit this platform)."""


@dataclass(frozen=True)
class Finding:
    """One error reported by the Open XML SDK validator."""

    part: str          # part URI, e.g. "/word/styles.xml"
    xpath: str         # path of the element in that part, e.g. "/w:styles[1]/w:style[12]/w:pPr[1]"
    id: str            # the SDK's error id, e.g. "Sch_UnexpectedElementContentExpectingComplex"
    description: str   # the SDK's message, in English

    def __str__(self) -> str:
        return f"{self.part} {self.xpath}: [{self.id}] {self.description}"


def platform_name() -> str:
    """The .NET runtime identifier of this machine: linux-x64, linux-arm64, win-x64, osx-arm64 …"""
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    system = {"linux": "linux", "win32": "win", "darwin": "osx"}.get(sys.platform, sys.platform)
    return f"{system}-{arch}"


def find_archive() -> Path:
    """The archive of the .NET publish inside the installed python-redlines-docxodus wheel."""
    try:
        import python_redlines_docxodus
    except ImportError as exc:
        raise ValidatorUnavailable("python-redlines-docxodus is not installed (pip install -e \".[test]\")") from exc
    binaries = Path(python_redlines_docxodus.__file__).parent / "_binaries"
    for suffix in (".tar.gz", ".zip"):
        archive = binaries / f"{platform_name()}{suffix}"
        if archive.is_file():
            return archive
    raise ValidatorUnavailable(f"no .NET archive for {platform_name()} in {binaries}")


def default_cache() -> Path:
    if os.environ.get("REPORTKIT_OOXML_CACHE"):
        return Path(os.environ["REPORTKIT_OOXML_CACHE"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "reportkit" / "ooxml-validator"


def _extract(archive: Path, target: Path) -> None:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
        return
    with tarfile.open(archive) as tf:
        if sys.version_info >= (3, 12):
            tf.extractall(target, filter="data")
        else:  # trusted archive from an installed wheel
            tf.extractall(target)


def prepare_runtime(cache: Path | None = None) -> tuple[Path, Path, Path]:
    """Lay the wheel's .NET publish out as a framework install in ``cache``; returns
    (dotnet_root, runtimeconfig.json, app folder). Done once; later calls reuse the cache."""
    archive = find_archive()
    stat = archive.stat()
    cache = (cache or default_cache()) / f"{platform_name()}-{stat.st_size}-{int(stat.st_mtime)}"
    root, app = cache / "dotnet", cache / "app"
    runtimeconfig = app / "validator.runtimeconfig.json"
    if (cache / "ready").is_file():
        return root, runtimeconfig, app

    staging = cache.with_name(cache.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    publish = staging / "publish"
    _extract(archive, publish)
    deps_files = sorted(publish.rglob("*.deps.json"))
    if not deps_files:
        raise ValidatorUnavailable(f"{archive} has no *.deps.json")
    publish = deps_files[0].parent  # the archive may or may not have a top folder
    deps = json.loads(deps_files[0].read_text(encoding="utf-8"))
    target_name = deps["runtimeTarget"]["name"]
    targets = deps["targets"][target_name]
    pack_key = next(k for k in targets if k.startswith(f"runtimepack.{FRAMEWORK}.Runtime"))
    version = pack_key.split("/", 1)[1]
    pack = targets[pack_key]

    s_root, s_app = staging / "dotnet", staging / "app"
    framework_dir = s_root / "shared" / FRAMEWORK / version
    fxr_dir = s_root / "host" / "fxr" / version
    for folder in (framework_dir, fxr_dir, s_app):
        folder.mkdir(parents=True, exist_ok=True)
    runtime_files = list(pack.get("runtime", {})) + list(pack.get("native", {}))
    for name in runtime_files:
        source = publish / name
        if not source.is_file():
            continue
        if Path(name).stem in ("libhostfxr", "hostfxr"):
            shutil.copy2(source, fxr_dir / Path(name).name)
        else:
            shutil.copy2(source, framework_dir / Path(name).name)
    # The framework's own deps.json: the runtime pack's files as one "library".
    framework_deps = {
        "runtimeTarget": {"name": target_name, "signature": ""},
        "compilationOptions": {},
        "targets": {target_name: {f"{FRAMEWORK}/{version}": {
            "runtime": pack.get("runtime", {}), "native": pack.get("native", {})}}},
        "libraries": {f"{FRAMEWORK}/{version}": {"type": "project", "serviceable": False, "sha512": ""}},
    }
    (framework_dir / f"{FRAMEWORK}.deps.json").write_text(json.dumps(framework_deps, indent=1), encoding="utf-8")
    for name in SDK_ASSEMBLIES:
        if not (publish / name).is_file():
            raise ValidatorUnavailable(f"{archive} has no {name}")
        shutil.copy2(publish / name, s_app / name)
    tfm = deps["runtimeTarget"]["name"].split("/")[0].split("v")[-1]  # ".NETCoreApp,Version=v10.0" -> "10.0"
    (s_app / runtimeconfig.name).write_text(json.dumps({"runtimeOptions": {
        "tfm": f"net{tfm}",
        "framework": {"name": FRAMEWORK, "version": version},
        "configProperties": {"System.Globalization.Invariant": True},
    }}, indent=1), encoding="utf-8")
    (staging / "ready").write_text(version, encoding="utf-8")
    shutil.rmtree(cache, ignore_errors=True)
    staging.rename(cache)
    return root, runtimeconfig, app


class OoxmlValidator:
    """The Open XML SDK validator in this process. Create it once: it loads the .NET runtime."""

    def __init__(self, cache: Path | None = None) -> None:
        os.environ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1"
        root, runtimeconfig, app = prepare_runtime(cache)
        try:
            import clr_loader
            import pythonnet
        except ImportError as exc:
            raise ValidatorUnavailable("pythonnet is not installed (pip install -e \".[test]\")") from exc
        try:
            pythonnet.load(clr_loader.get_coreclr(runtime_config=str(runtimeconfig), dotnet_root=str(root)))
        except RuntimeError as exc:
            # pythonnet.load refuses a second runtime in one process; reuse the one loaded.
            if "already" not in str(exc).lower():
                raise
        import clr  # noqa: F401  (pythonnet's module; available after load)

        for name in SDK_ASSEMBLIES:
            clr.AddReference(str(app / name))
        from DocumentFormat.OpenXml import FileFormatVersions
        from DocumentFormat.OpenXml.Packaging import SpreadsheetDocument, WordprocessingDocument
        from DocumentFormat.OpenXml.Validation import OpenXmlValidator

        self._versions = FileFormatVersions
        self._openers = {".docx": WordprocessingDocument, ".xlsx": SpreadsheetDocument}
        self._validator_class = OpenXmlValidator

    def validate(self, path: Path, version: str = "Microsoft365") -> list[Finding]:
        """Every error the SDK reports for ``path`` (.docx or .xlsx) at ``version``
        (a FileFormatVersions name: Office2007, Office2010, …, Microsoft365)."""
        path = Path(path)
        opener = self._openers[path.suffix.lower()]
        validator = self._validator_class(getattr(self._versions, version))
        validator.MaxNumberOfErrors = 0  # 0 = no limit
        document = opener.Open(str(path.resolve()), False)
        try:
            findings = []
            for error in validator.Validate(document):
                part = str(error.Part.Uri) if error.Part is not None else ""
                xpath = str(error.Path.XPath) if error.Path is not None else ""
                findings.append(Finding(part, xpath, str(error.Id), str(error.Description)))
            return findings
        finally:
            document.Dispose()


def main(argv: list[str]) -> int:
    validator = OoxmlValidator()
    failed = 0
    for name in argv:
        versions = ["Microsoft365", "Office2010"] if name.lower().endswith(".xlsx") else ["Microsoft365"]
        for version in versions:
            findings = validator.validate(Path(name), version)
            print(f"{name} [{version}]: {len(findings)} error(s)")
            for finding in findings:
                print(f"  {finding}")
            failed += bool(findings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
