"""The time of checking an access code: a wrong code with an unknown id and with a known id (printed).

Both compute one PBKDF2 hash (issue 21: the time must not tell which code ids exist); a right code
is hashed once, then remembered. Run: python benchmarks/code_check.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportkit.serve.access import AccessCodes, new_code  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        code = new_code(Path(folder), secretariat=True)
        known = code.split("-")[0]
        codes = AccessCodes(Path(folder))
        cases = {"wrong code, unknown id": "zzzz-abcdefghjkmnpqrs", "wrong code, known id": f"{known}-abcdefghjkmnpqrs",
                 "no secret, known id": known}
        for label, wrong in cases.items():
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                assert codes.check(wrong) is None
                times.append(time.perf_counter() - started)
            print(f"{label}: median {statistics.median(times) * 1000:.1f} ms (n={runs})")
        started = time.perf_counter()
        assert codes.check(code) is not None
        first = time.perf_counter() - started
        started = time.perf_counter()
        codes.check(code)
        print(f"right code: first {first * 1000:.1f} ms, then {(time.perf_counter() - started) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
