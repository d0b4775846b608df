"""``python -m reportkit``: the same as the ``reportkit`` command."""

from .cli.main import console

console()
