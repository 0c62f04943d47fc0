from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import db


class HealthCheck(db.Model):
    """One row rewritten by ``/healthz``: proves the database accepts a write, not only a read."""

    __tablename__ = "health_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(default=clock.utcnow)


class DataGeneration(db.Model):
    """A counter per data table, moved in the same transaction as every write to the table:
    derived data cached by :mod:`committee_app.web.datacache` is valid while the counters of
    the tables it was computed from have not moved (on every app server sharing the database)."""

    __tablename__ = "data_generation"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
