"""``reportkit serve`` starting: a port already taken is said in Japanese (exit 2, nothing started), and
the start line is printed only once the server listens. Real processes on 127.0.0.1."""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading

from command_helpers import command_env, run_reportkit
from serve_helpers import free_port, rolled_copy

START_LINE = "受付を始めました"


def test_a_port_in_use_is_named_and_nothing_starts(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    with socket.socket() as other:  # another program listening on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = run_reportkit("serve", folder, "--host", "127.0.0.1", "--port", port, "--no-office", timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"エラー: ポート {port} はほかのプログラム（すでに動いている reportkit serve など）が"
                                   f"使っています。--port {port + 1} のように別のポート番号を指定してください。")
    assert START_LINE not in done.stdout
    assert "ファイル" not in done.stderr and "権限" not in done.stderr  # no advice about files and folders
    with socket.socket() as other:  # the LAN address (0.0.0.0) takes in the loopback: taken as well
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = run_reportkit("serve", folder, "--host", "0.0.0.0", "--port", port, "--no-office", timeout=120)
    assert done.returncode == 2 and f"ポート {port} はほかのプログラム" in done.stderr


def test_a_port_out_of_range_is_a_usage_error(serve_rolled, tmp_path):
    done = run_reportkit("serve", tmp_path, "--port", "99999", timeout=120)
    assert done.returncode == 2 and "ポート番号は 1〜65535 の数で指定してください（99999）" in done.stderr


def test_the_start_line_comes_once_the_server_listens(serve_rolled, tmp_path):
    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "reportkit", "serve", str(folder), "--host", "127.0.0.1",
                                "--port", str(port), "--no-office"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=command_env(), text=True, encoding="utf-8")
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        seen = []
        while not any(START_LINE in line for line in seen):
            seen.append(lines.get(timeout=120))
        # Told it has started: it answers now, the first time asked.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(f"GET /login HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode("ascii"))
            assert connection.recv(12).startswith(b"HTTP/1.")
        assert sum(START_LINE in line for line in seen) == 1
        assert seen[-1].strip() == f"{START_LINE}: http://127.0.0.1:{port}/ （終了は Ctrl+C）"
    finally:
        process.terminate()
        process.wait(30)
