"""Pages of the imports feature."""

from flask import Blueprint

bp = Blueprint("imports", __name__)
