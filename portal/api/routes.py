"""The token-authenticated JSON API under /api/v1."""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # bearer-token API: no cookies, so no CSRF
