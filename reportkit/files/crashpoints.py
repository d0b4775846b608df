"""A test hook: the process kills itself at a named step, so a test can see what a kill there leaves.

With ``REPORTKIT_TEST_STOP_AT=<step>`` in its environment, a process that reaches
``crashpoint("<step>")`` dies at once, as by ``kill -9`` (SIGKILL where the system has it, else an
exit that runs no clean-up): no ``finally``, no ``atexit``, files left as they are. The steps are
those of ``files.journal`` (``accept-journal``, ``accept-prepared``, ``accept-move-1`` …,
``build-journal``, ``build-move-1`` …). Unset, as everywhere outside the tests, it does nothing.
"""

from __future__ import annotations

import os
import signal

STOP_AT = "REPORTKIT_TEST_STOP_AT"


def crashpoint(step: str) -> None:
    """Die here when the test hook names ``step`` (see the module docstring); else nothing."""
    if os.environ.get(STOP_AT) == step:
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)
