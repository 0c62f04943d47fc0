"""Cells written to CSV or spreadsheet exports, safe to open in Excel or LibreOffice.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some
programs strip first) is read as a formula: a compound named ``=HYPERLINK(...)`` would
run when the street officer opens the export. Such text cells get a leading apostrophe
(OWASP "CSV injection"); numbers are left alone.
"""
from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_cells(values: Iterable) -> list:
    return [safe_cell(value) for value in values]
