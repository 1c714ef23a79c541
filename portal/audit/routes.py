"""Compliance: contact-log imports, audits, findings and scorecards."""
from flask import Blueprint

bp = Blueprint("audit", __name__)
