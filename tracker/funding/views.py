"""Pages of the funding feature."""

from flask import Blueprint

bp = Blueprint("funding", __name__)
