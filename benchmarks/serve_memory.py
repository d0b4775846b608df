"""The desk's peak memory through hostile uploads (issue 28): every workbook of the hostile corpus, 200 uploads
in all, then the amplification workbooks (one shared string referenced by 40,000 cells), each posted to
``/api/check`` of a real ``reportkit serve`` on 127.0.0.1.

    python benchmarks/serve_memory.py                 # this checkout (target: peak < 300 MB)
    python benchmarks/serve_memory.py --code ../main  # the server from another checkout, for comparison

Prints, per step, the server's peak resident memory (VmHWM, Linux; 0 elsewhere), the largest answer
and the slowest request, and the card-cache files the server wrote.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile.corpus import CASES, config, make_input, write_amplified  # noqa: E402
from serve_helpers import free_port, http, multipart, peak_rss_mb  # noqa: E402

from reportkit.serve.access import new_code  # noqa: E402

UPLOADS = 200
TARGET_MB = 300


def hostile_files(root: Path) -> list[Path]:
    """Every file the corpus's cases write (the cases that cannot be made here are left out)."""
    files = []
    for case in CASES:
        if case.skip_reason:
            continue
        try:
            folder = make_input(case, root)
        except Exception as exc:  # noqa: BLE001 - a case this machine cannot make
            print(f"  skipped {case.name}: {exc}")
            continue
        files += [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()
                  and p.name != "config.toml" and os.access(p, os.R_OK)]
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose server runs (default: this one)")
    parser.add_argument("--uploads", type=int, default=UPLOADS)
    parser.add_argument("--chars", default="2000,8000",
                        help="lengths of the amplification workbooks' one string (8,000 took 2.2 GB before issue 28)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reportkit-serve-memory-"))
    try:
        folder = work / "inputs"
        shutil.copytree(ROOT / "inputs", folder)
        code = new_code(folder, secretariat=True)
        files = hostile_files(work / "corpus")
        amplified = [write_amplified(work / f"amplified-{n}.xlsx", config(), chars=n) for n in map(int, args.chars.split(","))]
        cache = work / "cache"
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(args.code.resolve()), "REPORTKIT_CACHE": str(cache)}
        log = open(work / "server.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "reportkit", "serve", str(folder), "--host", "127.0.0.1",
                                   "--port", str(port), "--no-office"], stdout=log, stderr=subprocess.STDOUT, env=env,
                                  cwd=work)  # not this checkout: -m puts the working folder first on the path
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                if _listening(port):
                    break
                time.sleep(0.2)
            start_mb = peak_rss_mb(server.pid)
            print(f"server from {args.code}: {len(files)} hostile files, {args.uploads} uploads; at start {start_mb:.0f} MB")
            largest, slowest = 0, 0.0
            for path in itertools.islice(itertools.cycle(files), args.uploads):
                data, content_type = multipart(path, path.name)
                started = time.perf_counter()
                _, body = http(f"{base}/api/check", code=code, data=data, content_type=content_type, timeout=600)
                slowest = max(slowest, time.perf_counter() - started)
                largest = max(largest, len(body))
            print(f"after the hostile uploads: peak {peak_rss_mb(server.pid):.0f} MB, largest answer {largest:,} bytes,"
                  f" slowest {slowest:.1f} s")
            for path in amplified:
                data, content_type = multipart(path, path.name)
                started = time.perf_counter()
                status, body = http(f"{base}/api/check", code=code, data=data, content_type=content_type, timeout=900)
                print(f"{path.name} ({path.stat().st_size // 1024} KB): {status}, answer {len(body):,} bytes,"
                      f" {time.perf_counter() - started:.1f} s, peak {peak_rss_mb(server.pid):.0f} MB")
            peak = peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
            log.close()
        cached = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) if cache.exists() else 0
        print(f"peak {peak:.0f} MB (target < {TARGET_MB} MB); card cache written: {cached:,} bytes")
        return 0 if peak < TARGET_MB else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _listening(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
