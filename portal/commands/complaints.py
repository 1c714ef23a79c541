"""`flask complaints` commands."""
from __future__ import annotations

from flask.cli import AppGroup

complaints_cli = AppGroup("complaints", help="complaints commands")
