"""`flask api-keys` commands."""
from __future__ import annotations

from flask.cli import AppGroup

api_keys_cli = AppGroup("api-keys", help="api-keys commands")
