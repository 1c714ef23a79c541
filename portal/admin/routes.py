"""Administration: staff accounts, API keys, the default jurisdiction profile."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
