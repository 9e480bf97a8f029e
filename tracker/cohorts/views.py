"""Pages of the cohorts feature."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
