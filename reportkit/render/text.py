"""The printed forms of numbers, years and periods, for ``render/charts.py``: they live in ``reportkit.printed``.

Kept while the native Word chart replaces charts.py; the other render modules import ``printed`` directly.
"""

from ..printed import short_nendo

__all__ = ["short_nendo"]
