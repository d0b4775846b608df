"""``python -m reportkit``: the same as the ``reportkit`` command."""

from .cli import main

raise SystemExit(main())
