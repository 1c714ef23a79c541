"""Officers' and supervisors' queue, case pages and dashboard."""
from flask import Blueprint

bp = Blueprint("cases", __name__)
