"""The commands, one module per group; importing this package registers them all on `app`.

Each command parses its arguments, calls the core, and hands a view to `ui`; heavy modules are imported inside
the command that needs them.
"""

from . import reading, study, flagged, authoring, exporting, progress  # noqa: I001 - the order of `il6 --help`
from .app import app

__all__ = ["app", "authoring", "exporting", "flagged", "progress", "reading", "study"]
