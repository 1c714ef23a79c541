"""The cardholder's side: the guided complaint form and tracking."""
from flask import Blueprint

bp = Blueprint("intake", __name__)
