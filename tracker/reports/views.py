"""Download links of the PDF reports."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
