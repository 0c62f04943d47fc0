"""Stored files: uploaded documents and generated PDFs kept in the database.

One table for every feature, so several app servers share nothing on disk and a database
backup holds every document. A file is written in the same transaction as the record that
refers to it: when the request rolls back, nothing is left behind.
"""
ORDER = 1


def init_app(app):
    from . import models  # noqa: F401
