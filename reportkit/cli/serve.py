"""``reportkit access`` and ``reportkit serve``: access codes, and the web page for clerks and the secretariat.

Thin shells over ``reportkit.serve``: parse, call, print in Japanese, return the exit code.
"""

from __future__ import annotations

import argparse
import errno
from pathlib import Path

EXIT_OK = 0
DEFAULT_INPUT = "inputs"


def access_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", type=Path, help="受付に使う入力フォルダ（config.toml のあるフォルダ）")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--division", metavar="課名", help="この担当課のアクセスコードを作る（前のコードは使えなくなります）")
    who.add_argument("--secretariat", action="store_true", help="事務局（すべての担当課を見られる）のアクセスコードを作る")


def run_access(args: argparse.Namespace) -> int:
    """Print a new access code once; only its hash is kept (DIR/.reportkit/access.json)."""
    from ..serve.access import SECRETARIAT, new_code

    code = new_code(args.folder, division=args.division, secretariat=args.secretariat)
    who = SECRETARIAT if args.secretariat else args.division
    print(f"{who} のアクセスコード: {code}")
    print("このコードは今だけ表示されます（保存されるのは確認用の値だけです）。担当者に伝えてください。"
          "同じ担当課のコードを作り直すと、前のコードは使えなくなります。")
    return EXIT_OK


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", metavar="DIR", type=Path, default=Path(DEFAULT_INPUT),
                        help=f"受付に使う入力フォルダ（既定: {DEFAULT_INPUT}）")
    parser.add_argument("--host", default="127.0.0.1",
                        help="待ち受けるアドレス（既定: 127.0.0.1 ＝このパソコンだけ。庁内 LAN に公開するときは 0.0.0.0 など）")
    parser.add_argument("--allow-host", metavar="名前", action="append", default=[],
                        help="受け付けるホスト名を加える（複数回指定可。既定で受け付けるのは --host、このパソコンの名前、"
                             "localhost と IP アドレス。ほかの名前で開かれた要求は 421 で断ります）")
    parser.add_argument("--port", type=_port, default=8000, help="待ち受けるポート番号（既定: 8000）")
    parser.add_argument("--outputs", metavar="OUTDIR", type=Path,
                        help="報告書の出力先（既定: reportkit build と同じ DIR の隣のフォルダ。inputs2014 なら outputs2014）")
    parser.add_argument("--previous", metavar="FILE", type=Path,
                        help="前年度の report.json（指定すると前年度との比較のページが使えます）")
    parser.add_argument("--threads", type=int, default=4, help="同時に処理する要求の数（既定: 4）")
    parser.add_argument("--request-deadline", metavar="秒", type=float, default=None,
                        help="1 つの要求を送り終えるまでの上限（既定: 120 秒。少しずつしか送ってこない接続はこれで切ります）")
    parser.add_argument("--open", action="store_true", help="受付を始めたら、既定のブラウザでその画面を開く")
    office_option(parser)
    parser.add_argument("--no-office", action="store_true",
                        help="LibreOffice を起動したままにしない（既定では、ページ番号の確定を速くするため"
                             "受付の間 LibreOffice を 1 つ起動したままにし、このパソコンでの作成にも使います）")


def office_option(parser: argparse.ArgumentParser) -> None:
    """The LibreOffice to use (build, serve): ``--soffice PATH``."""
    from ..libreoffice.pages import add_soffice_option

    add_soffice_option(parser)


def use_office(args: argparse.Namespace) -> None:
    """Use the LibreOffice ``--soffice`` named, if any, in this process and the ones it starts."""
    from ..libreoffice.pages import use_soffice

    use_soffice(args.soffice)


def _port(text: str) -> int:
    """A port number, 1–65535 (argparse type)."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"ポート番号は 1〜65535 の数で指定してください（{text}）")
    return port


def run_serve(args: argparse.Namespace) -> int:
    """Serve the clerk's page and the secretariat's desk with waitress until interrupted."""
    from ..serve.access import ACCESS_FILE, state_folder
    from ..serve.app import SERVER_BODY_LIMIT, create_app
    from ..serve.server import REQUEST_DEADLINE, deadline_server

    use_office(args)
    app = create_app(args.folder, outputs=args.outputs, previous=args.previous, host=args.host,
                     allowed_hosts=tuple(args.allow_host))
    office = None

    def clean_up() -> None:  # also when the console window is closed (Windows): nothing else runs then
        if office is not None:
            office.close(ask=False)
        app.extensions["reportkit"].close()

    try:
        server = _listen(deadline_server(args.request_deadline or REQUEST_DEADLINE), app, args.host, args.port,
                         threads=args.threads, ident="reportkit", max_request_body_size=SERVER_BODY_LIMIT,
                         channel_timeout=60)
        for notice in app.extensions["reportkit"].notices:  # secrets tightened, a killed server's leftovers swept
            print(notice)
        if not (state_folder(args.folder) / ACCESS_FILE).is_file():
            print(f"注意: アクセスコードがまだありません。reportkit access {args.folder} --secretariat で作ってください。")
        office = None if args.no_office else start_kept_office()
        _exit_on_terminate()  # so that a stopped server ends its LibreOffice too
        from .console_window import on_console_close

        on_console_close(clean_up)
        print(f"受付を始めました: http://{args.host}:{args.port}/ （終了は Ctrl+C）", flush=True)  # listening now
        if args.open:
            _open_in_browser(local_url(args.host, args.port))
        server.run()
    finally:
        if office is not None:
            office.close()
        app.extensions["reportkit"].close()
    return EXIT_OK


_ADDRESS_IN_USE = {errno.EADDRINUSE, 10048}  # 10048: WSAEADDRINUSE (Windows)
_ACCESS_DENIED = {errno.EACCES, 10013}  # 10013: WSAEACCES (a port Windows reserves, or below 1024 on POSIX)
_NOT_HERE = {errno.EADDRNOTAVAIL, 10049}  # 10049: WSAEADDRNOTAVAIL


def _listen(make_server, app, host: str, port: int, **options):
    """A waitress server bound and listening on ``host:port``; ReportkitError (exit 2) in Japanese when it cannot.

    On Windows a second server could bind a port another one listens on (waitress asks for address
    reuse): a port that already answers is refused before binding, on every system.
    """
    import socket

    from ..errors import ReportkitError

    taken = (f"ポート {port} はほかのプログラム（すでに動いている reportkit serve など）が使っています。"
             f"--port {port + 1 if port < 65535 else 8000} のように別のポート番号を指定してください。")
    if _answers(host, port):
        raise ReportkitError(taken)
    try:
        return make_server(app, host=host, port=port, **options)
    except ValueError as exc:  # waitress: a name that does not resolve, a port out of range
        raise ReportkitError(f"待ち受けるアドレスかポート番号が正しくありません（--host {host} --port {port}）。"
                             "--host 127.0.0.1 --port 8000 のように指定してください。") from exc
    except OSError as exc:
        code = getattr(exc, "winerror", None) or exc.errno
        if code in _ADDRESS_IN_USE:
            raise ReportkitError(taken) from exc
        if code in _ACCESS_DENIED:
            raise ReportkitError(f"ポート {port} で待ち受ける権限がありません（予約されたポートか 1024 未満です）。"
                                 "--port 8000 のように別のポート番号を指定してください。") from exc
        if code in _NOT_HERE or isinstance(exc, socket.gaierror):
            raise ReportkitError(f"アドレス {host} はこのパソコンのものではありません。--host 127.0.0.1（このパソコンだけ）"
                                 "か --host 0.0.0.0（庁内 LAN）を指定してください。") from exc
        raise ReportkitError(f"{host}:{port} で待ち受けられません（{exc.strerror or exc}）。"
                             "--port で別のポート番号を指定してください。") from exc


def _answers(host: str, port: int) -> bool:
    """True when something already listens on ``port`` of this machine's loopback (a connection is accepted).

    Asked for the loopback and wildcard addresses (the default 127.0.0.1, 0.0.0.0, localhost); for
    another address binding tells.
    """
    import socket

    target = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "localhost": "127.0.0.1", "127.0.0.1": "127.0.0.1",
              "::": "::1", "::1": "::1"}.get(host)
    if target is None:
        return False
    try:
        with socket.create_connection((target, port), timeout=1):
            return True
    except OSError:
        return False


def local_url(host: str, port: int) -> str:
    """The address of the desk on this machine (what the browser opens): the loopback for a wildcard ``host``."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _open_in_browser(url: str) -> None:
    """Open ``url`` in the default browser, beside the server (a browser command may not return at once)."""
    import threading
    import webbrowser

    threading.Thread(target=webbrowser.open, args=(url,), name="reportkit-browser", daemon=True).start()


def _exit_on_terminate() -> None:
    """Turn the stopping signals into SystemExit, so ``finally`` runs: SIGTERM (a service manager),
    SIGHUP (the terminal closed), SIGBREAK (Ctrl+Break in Windows' console)."""
    import signal
    import sys

    for name in ("SIGTERM", "SIGHUP", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: sys.exit(EXIT_OK))


def start_kept_office():
    """A LibreOffice kept running for the page passes of builds while serving (None without LibreOffice)."""
    from ..libreoffice.pages import start_kept_office as start

    office = start()
    if office is not None:
        print("LibreOffice を起動したままにしました（報告書の作成でページ番号を速く確定します）。")
    return office
