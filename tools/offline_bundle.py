#!/usr/bin/env python3
"""An offline install bundle: reportkit's wheel and every dependency's, for another machine's platform.

    python tools/offline_bundle.py --target windows --python 3.12 -o bundle

Run on any machine with a package index. DIR gets:

* ``wheels/``: the project's wheel (``pip wheel --no-deps .``) and every dependency's wheel for the
  target's platform and Python (``pip download --only-binary=:all: --platform …``), so the target
  needs no compiler, no setuptools and no index;
* ``requirements.txt``: every wheel pinned with its SHA-256 (``--require-hashes``);
* ``SHA256SUMS``: the sums of every file of the bundle (``sha256sum -c``, or ``certutil -hashfile``);
* ``はじめにお読みください.txt``: for the office's IT staff, in Japanese;
* launchers: ``setup`` (a virtual environment with the installed Python, filled from ``wheels/`` with no
  index), ``build`` (builds the report, waits for a key), ``serve`` (the desk, opened in the browser):
  ``.cmd`` for Windows (cp932, CRLF: what cmd.exe reads), ``.sh`` for Linux and macOS.

pip evaluates environment markers (``sys_platform == "win32"``) for the machine it runs on, even with
``--platform``: a Windows bundle made on Linux would miss colorama (tqdm's, Windows only). So the
dependencies are resolved here, the target's markers evaluated with ``packaging``, and pip downloads
each round's missing wheels with ``--no-deps``.
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

try:
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # pip carries its own copy
    from pip._vendor.packaging.markers import Marker  # noqa: F401
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet
    from pip._vendor.packaging.utils import canonicalize_name
    from pip._vendor.packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
README_NAME = "はじめにお読みください.txt"
WHEELS = "wheels"
TARGETS = ("windows", "linux", "macos")
# In order of preference. pip widens a macOS tag to the older versions and universal2, not a manylinux one.
PLATFORMS = {
    "windows": ["win_amd64"],
    "linux": ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_26_x86_64", "manylinux_2_17_x86_64",
              "manylinux2014_x86_64"],  # glibc 2.28+: RHEL 8, Debian 10, Ubuntu 20.04 and later
    "macos": ["macosx_12_0_arm64"],  # Apple silicon
}
MARKER_ENVIRONMENTS = {
    "windows": {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64"},
    "linux": {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"},
    "macos": {"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64"},
}
MAX_ROUNDS = 20


class BundleError(Exception):
    """Cannot make the bundle (pip failed, no wheel for the target); the message is for the command line."""


def marker_environment(target: str, python: str) -> dict[str, str]:
    """What PEP 508 markers see on the target: its platform and CPython ``python`` (\"3.12\")."""
    return {**MARKER_ENVIRONMENTS[target], "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "implementation_version": f"{python}.0", "platform_release": "", "platform_version": ""}


@dataclass
class Wheel:
    path: Path
    name: str
    version: Version
    requires: list[Requirement] = field(default_factory=list)


def read_wheel(path: Path) -> Wheel:
    """A wheel's name, version and Requires-Dist, from its METADATA."""
    with zipfile.ZipFile(path) as package:
        metadata = next(n for n in package.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(package.read(metadata).decode("utf-8"))
    return Wheel(path, canonicalize_name(message["Name"]), Version(message["Version"]),
                 [Requirement(text) for text in message.get_all("Requires-Dist") or []])


def wanted(root: Wheel, have: dict[str, Wheel], environment: dict[str, str]) -> dict[str, SpecifierSet]:
    """Every distribution the target needs from ``root`` through the wheels at hand, with its combined specifier."""
    specs: dict[str, SpecifierSet] = {}
    extras: dict[str, set[str]] = {}
    pending = [(root, {""})]
    seen: set[tuple[str, frozenset]] = set()
    while pending:
        wheel, asked = pending.pop()
        key = (wheel.name, frozenset(asked))
        if key in seen:
            continue
        seen.add(key)
        for requirement in wheel.requires:
            if requirement.marker is not None and not any(
                    requirement.marker.evaluate({**environment, "extra": extra}) for extra in asked):
                continue
            name = canonicalize_name(requirement.name)
            specs[name] = specs.get(name, SpecifierSet()) & requirement.specifier
            extras.setdefault(name, {""}).update(requirement.extras)
            if name in have:
                pending.append((have[name], extras[name]))
    return specs


def pip_target_options(target: str, python: str) -> list[str]:
    abi = "cp" + python.replace(".", "")
    options = ["--only-binary=:all:", "--python-version", python, "--implementation", "cp", "--abi", abi]
    for platform in PLATFORMS[target]:
        options += ["--platform", platform]
    return options


def _pip(*arguments: str, timeout: int = 900) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *arguments]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BundleError(f"pip が {timeout} 秒で終わりませんでした: {' '.join(arguments[:2])}") from exc
    if done.returncode != 0:
        raise BundleError(f"pip {arguments[0]} に失敗しました:\n{done.stderr.strip()[-3000:]}")


def build_project_wheel(dest: Path, source: Path = ROOT) -> Wheel:
    """The project's own wheel (``pip wheel --no-deps``)."""
    with tempfile.TemporaryDirectory(prefix="reportkit-wheel-") as work:
        _pip("wheel", "--no-deps", "-q", "--wheel-dir", work, str(source))
        built = next(Path(work).glob("*.whl"))
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / built.name
        shutil.move(str(built), target)
    return read_wheel(target)


def resolve(root: Wheel, dest: Path, target: str, python: str) -> dict[str, Wheel]:
    """Download into ``dest`` every wheel the target needs (its markers), round by round; return them by name."""
    environment = marker_environment(target, python)
    have: dict[str, Wheel] = {}
    for _ in range(MAX_ROUNDS):
        specs = wanted(root, have, environment)
        missing = {name: spec for name, spec in specs.items()
                   if name not in have or not spec.contains(have[name].version, prereleases=True)}
        if not missing:
            for name in set(have) - set(specs):  # needed by a version since replaced
                have.pop(name).path.unlink()
            return have
        with tempfile.TemporaryDirectory(prefix="reportkit-download-") as work:
            _pip("download", "--no-deps", "-q", "--dest", work, *pip_target_options(target, python),
                 *(f"{name}{spec}" for name, spec in sorted(missing.items())))
            for path in sorted(Path(work).glob("*.whl")):
                wheel = read_wheel(path)
                if wheel.name in have:
                    have[wheel.name].path.unlink()
                moved = dest / path.name
                shutil.move(str(path), moved)
                wheel.path = moved
                have[wheel.name] = wheel
    raise BundleError("依存関係が定まりませんでした（同じ配布物の版が入れ替わり続けています）。")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def requirements_text(wheels: list[Wheel]) -> str:
    """Every wheel pinned with its hash, for ``pip install --require-hashes --no-index``."""
    lines = [f"# reportkit and its dependencies, pinned (tools/offline_bundle.py)"]
    for wheel in sorted(wheels, key=lambda w: w.name):
        lines.append(f"{wheel.name}=={wheel.version} --hash=sha256:{sha256(wheel.path)}")
    return "\n".join(lines) + "\n"


# -- what the target's people read and run --------------------------------------------------------

def _venv_python(target: str) -> str:
    return r".venv\Scripts\python.exe" if target == "windows" else ".venv/bin/python"


WINDOWS_SETUP = r"""@echo off
chcp 932 >nul
setlocal
cd /d "%~dp0"
set "PY=py -{python}"
%PY% -c "import sys" >nul 2>&1
if not errorlevel 1 goto found
set "PY=python"
python -c "import sys; sys.exit(sys.version_info[:2] != {version_tuple})" >nul 2>&1
if errorlevel 1 goto nopython
:found
if not exist ".venv\Scripts\python.exe" %PY% -m venv .venv
if errorlevel 1 goto failed
".venv\Scripts\python.exe" -m pip install --no-index --find-links wheels --require-hashes --disable-pip-version-check -r requirements.txt
if errorlevel 1 goto failed
echo.
echo セットアップが終わりました。報告書は build.cmd、受付の画面は serve.cmd で開きます。
pause
exit /b 0
:nopython
echo Python {python} が見つかりません（py -{python} でも python でも）。はじめにお読みください.txt の「1. Python を入れる」を見てください。
pause
exit /b 1
:failed
echo セットアップに失敗しました。上のメッセージと、はじめにお読みください.txt を見てください。
pause
exit /b 1
"""

WINDOWS_RUN = r"""@echo off
chcp 932 >nul
setlocal
cd /d "%~dp0"
if not exist ".venv\Scripts\reportkit.exe" goto nosetup
if "%~1"=="" goto default
".venv\Scripts\reportkit.exe" {command} %*
goto done
:default
".venv\Scripts\reportkit.exe" {command} inputs{default_options}
:done
set "RC=%ERRORLEVEL%"
echo.
pause
exit /b %RC%
:nosetup
echo 先に setup.cmd を実行してください（セットアップがまだです）。
pause
exit /b 2
"""

POSIX_SETUP = """#!/bin/sh
# reportkit: a virtual environment filled from wheels/ with no index (PYTHON= another interpreter)
set -eu
cd "$(dirname "$0")"
PY="${{PYTHON:-python{python}}}"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "Python {python} が見つかりません（$PY）。はじめにお読みください.txt を見てください。" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --no-index --find-links wheels --require-hashes --disable-pip-version-check -r requirements.txt
echo "セットアップが終わりました。報告書は ./build.sh、受付の画面は ./serve.sh で開きます。"
"""

POSIX_RUN = """#!/bin/sh
# reportkit {command}: DIR and options as for the command (default: inputs{default_options})
cd "$(dirname "$0")"
if [ ! -x .venv/bin/reportkit ]; then
  echo "先に ./setup.sh を実行してください（セットアップがまだです）。" >&2
  exit 2
fi
if [ $# -eq 0 ]; then set -- inputs{default_options}; fi
.venv/bin/reportkit {command} "$@"
status=$?
if [ -t 0 ]; then printf '%s' "Enter キーで閉じます。"; read -r _; fi
exit $status
"""

LAUNCHERS = {"setup": ("", ""), "build": ("build", ""), "serve": ("serve", " --open")}


def launchers(target: str, python: str) -> dict[str, bytes]:
    """File name → bytes: ``.cmd`` in cp932 with CRLF for Windows, ``.sh`` in UTF-8 with LF elsewhere."""
    files = {}
    for name, (command, options) in LAUNCHERS.items():
        if target == "windows":
            text = (WINDOWS_SETUP if name == "setup" else WINDOWS_RUN).format(
                python=python, command=command, default_options=options,
                version_tuple=f"({python.replace('.', ', ')})")
            files[f"{name}.cmd"] = text.replace("\n", "\r\n").encode("cp932")
        else:
            text = (POSIX_SETUP if name == "setup" else POSIX_RUN).format(
                python=python, command=command, default_options=options)
            files[f"{name}.sh"] = text.encode("utf-8")
    return files


def readme_text(target: str, python: str, wheels: list[Wheel]) -> str:
    """はじめにお読みください.txt: for the IT staff who install it on a machine without the internet."""
    windows = target == "windows"
    ext = "cmd" if windows else "sh"
    run = (lambda name: f"{name}.cmd（ダブルクリック）") if windows else (lambda name: f"./{name}.sh")
    python_install = (
        f"python.org の Windows 用インストーラー（Python {python}.x、64 ビット）を、インターネットにつながる\n"
        "     パソコンでダウンロードして持ち込み、「Install Now」で入れてください（ユーザーごとのインストール）。\n"
        "     管理者権限がないときは、最初の画面の「Use admin privileges when installing py.exe」のチェックを外し、\n"
        "     「Add python.exe to PATH」にチェックを付けます。Microsoft Store 版の Python は使わないでください。"
        if windows else
        f"python.org の macOS 用インストーラー（Python {python}.x）で入れてください。"
        if target == "macos" else
        f"Python {python}（venv を含むもの。Debian/Ubuntu では python{python}-venv）を入れてください。")
    check = ("certutil -hashfile wheels\\<ファイル名> SHA256 の結果と SHA256SUMS の行を比べます。"
             if windows else "sha256sum -c SHA256SUMS（macOS は shasum -a 256 -c SHA256SUMS）で確かめます。")
    soffice = ("C:\\Program Files\\LibreOffice、C:\\Program Files (x86)\\LibreOffice、\n"
               "  %LOCALAPPDATA%\\Programs\\LibreOffice（ユーザーごとのインストール）の順に探します。"
               if windows else "PATH の soffice（macOS では /Applications/LibreOffice.app も）を使います。")
    setting = ("set REPORTKIT_SOFFICE=D:\\LibreOfficePortable\\App\\libreoffice\\program\\soffice.exe"
               if windows else "export REPORTKIT_SOFFICE=/opt/libreoffice/program/soffice")
    sep = "\\" if windows else "/"
    os_name = {"windows": "Windows", "linux": "Linux", "macos": "macOS"}[target]
    firewall = ("Windows セキュリティの警告（ファイアウォール）が出た場合、許可には管理者権限が必要です"
                f"（許可するのは Python {python} の python.exe、「プライベート」「ドメイン」のネットワークだけ）。\n  "
                if windows else "")
    listing = "\n".join(f"    {w.path.name}" for w in sorted(wheels, key=lambda w: w.name))
    place = "ドキュメント\\reportkit" if windows else "~/reportkit"
    reportkit = ".venv\\Scripts\\reportkit.exe" if windows else ".venv/bin/reportkit"
    files = [(f"setup.{ext}", "仮想環境 .venv を作り、wheels から reportkit を入れる（ネットワーク不要）"),
             (f"build.{ext}", "報告書（report.docx ほか）を inputs の隣の outputs に作る（inputs 以外: 入力フォルダを引数に）"),
             (f"serve.{ext}", "受付の画面を起動し、ブラウザで開く（このパソコンの中だけ: 127.0.0.1:8000）"),
             ("requirements.txt", "入れる wheel とその版・SHA-256（pip の --require-hashes で照合）"),
             ("SHA256SUMS", "このフォルダのファイルの SHA-256"),
             (f"wheels{sep}", f"reportkit と、使うライブラリの wheel（{len(wheels)} 個）:")]
    file_lines = "\n".join(f"  {name:<17}{what}" for name, what in files)
    return f"""reportkit オフライン導入用フォルダ（{os_name} 用、Python {python}）
==========================================================================

このフォルダだけで、インターネットにつながらないパソコン（LGWAN など）に reportkit を入れられます。
導入にも使用にもネットワークは使いません（pip は wheels{sep} フォルダだけを見ます）。

■ 使える Python
  Python {python} だけです（wheels の中身が Python {python} 用です）。ほかの版の Python しかない場合は、
  インターネットにつながるパソコンで次のコマンドを実行し、このフォルダを作り直してください:
    python tools/offline_bundle.py --target {target} --python 3.X -o フォルダ名

■ 手順
  1. Python を入れる: {python_install}
  2. このフォルダを丸ごと、書き込みのできる場所（例: {place}）にコピーします。
     ファイルが壊れていないかは SHA256SUMS で確かめられます: {check}
  3. {run('setup')} を実行します。このフォルダの中に .venv（仮想環境）を作り、
     wheels の中から入れます（requirements.txt のハッシュと一致しないファイルは入れません）。
  4. 入力フォルダ（config.toml と cards のあるフォルダ）を inputs という名前でこのフォルダに置き、
     {run('build')} で報告書を作ります（終わると結果を表示してキー入力を待ちます）。
     {'別の場所の入力フォルダは build.cmd の上にドラッグ＆ドロップしてください。' if windows else './build.sh 入力フォルダ でも指定できます。'}
  5. {run('serve')} で受付の画面（ブラウザ）を開きます。閉じるときはその黒い画面で Ctrl+C を押すか、
     画面を閉じてください。事務局のアクセスコードは最初に一度、このフォルダで次のように作ります:
       {reportkit} access inputs --secretariat

■ ファイル
{file_lines}
{listing}

■ LibreOffice（任意、推奨）
  入っていると、ページ番号を確定し PDF も作れます。{soffice}
  ほかの場所（ポータブル版など）にある場合は、環境変数 REPORTKIT_SOFFICE に soffice{'.exe' if windows else ''} の場所を設定するか、
  {run('build').split('（')[0]} inputs --soffice <場所> のように指定してください（serve も同じ）。
    例: {setting}
  なくても報告書は作れます（ページ番号は Word で開いたときに更新します）。

■ ファイアウォール（庁内 LAN で受付の画面を使う場合）
  serve.{ext} の既定ではこのパソコンの中（127.0.0.1）だけで待ち受けるので、設定は要りません。
  担当課のパソコンから使うときは {run('serve').split('（')[0]} inputs --host 0.0.0.0 --port 8000 --open で起動し、
  このパソコンの受信 TCP 8000 番（--port で変えた場合はその番号）を、庁内 LAN からだけ許可してください。
  {firewall}外向きの通信は一切しません。
"""


def write_bundle(out: Path, target: str, python: str, *, source: Path = ROOT) -> list[Wheel]:
    """Write the whole bundle into ``out`` (created; must be empty or absent); return its wheels."""
    if out.exists() and any(out.iterdir()):
        raise BundleError(f"{out} は空ではありません。新しいフォルダを指定してください。")
    wheels_dir = out / WHEELS
    project = build_project_wheel(wheels_dir, source)
    dependencies = resolve(project, wheels_dir, target, python)
    wheels = [project, *dependencies.values()]
    _write(out / "requirements.txt", requirements_text(wheels).encode("utf-8"), target)
    text = readme_text(target, python, wheels)
    _write(out / README_NAME, ("\ufeff" if target == "windows" else "").encode() + text.encode("utf-8"), target)
    for name, data in launchers(target, python).items():
        (out / name).write_bytes(data)
        if name.endswith(".sh"):
            (out / name).chmod(0o755)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    sums = "".join(f"{sha256(p)}  {p.relative_to(out).as_posix()}\n" for p in files)
    (out / "SHA256SUMS").write_bytes(sums.encode("utf-8"))
    return wheels


def _write(path: Path, data: bytes, target: str) -> None:
    """A text file as the target reads it: CRLF for Windows."""
    if target == "windows":
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="offline_bundle", description="インターネットのないパソコン向けの導入用フォルダを作る")
    parser.add_argument("--target", choices=TARGETS, required=True, help="入れる先のパソコンの OS")
    parser.add_argument("--python", required=True, metavar="3.X", help="入れる先の Python の版（例: 3.12）")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help="作るフォルダ（空か、まだないもの）")
    args = parser.parse_args(argv)
    parts = args.python.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or (int(parts[0]), int(parts[1])) < (3, 10):
        parser.error(f"--python は 3.10 以上の 3.X の形で指定してください（{args.python}）")
    try:
        wheels = write_bundle(args.output, args.target, args.python)
    except BundleError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 2
    size = sum(w.path.stat().st_size for w in wheels)
    print(f"{args.output}: wheel {len(wheels)} 個（{size / 1e6:.1f} MB）、{args.target} / Python {args.python} 用")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
