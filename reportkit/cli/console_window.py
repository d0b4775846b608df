"""The console window Windows opens for a double-clicked program: whether it is this process's own,
waiting before it closes, and clean-up when it is closed.

Elsewhere (and in a console the user opened) these do nothing: the terminal stays.
"""

from __future__ import annotations

import os
from collections.abc import Callable

_handlers: list = []  # the ctypes callbacks handed to Windows: kept alive while the process runs

_CLOSING_EVENTS = (2, 5, 6)  # CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT


def owns_console() -> bool:
    """Whether this process is alone in its console (Windows opened the window for it: a double-click)."""
    if os.name != "nt":
        return False
    try:
        import ctypes

        processes = (ctypes.c_uint32 * 4)()
        return ctypes.windll.kernel32.GetConsoleProcessList(processes, 4) == 1
    except (OSError, AttributeError, ValueError):
        return False


def wait_before_closing(prompt: str = "Enter キーを押すと閉じます。") -> None:
    """Keep a console window Windows opened for this process until Enter, so that it can be read."""
    if not owns_console():
        return
    try:
        input(prompt)
    except (EOFError, OSError, KeyboardInterrupt):
        pass


def on_console_close(clean_up: Callable[[], None]) -> None:
    """Run ``clean_up`` when the console window is closed, or the user logs off (Windows).

    Windows ends the process a few seconds after the close event, and a Python signal handler would
    not run in time (the main thread is waiting in the server): ``clean_up`` runs in the handler's own
    thread, through ``SetConsoleCtrlHandler``. Ctrl+C and Ctrl+Break go on to Python's handlers.
    """
    if os.name != "nt":
        return
    try:
        import ctypes
        from ctypes import wintypes

        @ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.DWORD)
        def handler(event):
            if event in _CLOSING_EVENTS:
                try:
                    clean_up()
                except Exception:  # the process is ending anyway
                    pass
            return False  # the next handler (Python's, then the default one) runs

        if ctypes.windll.kernel32.SetConsoleCtrlHandler(handler, True):
            _handlers.append(handler)
    except (OSError, AttributeError, ValueError):
        pass
