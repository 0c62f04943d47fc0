from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import db


class HealthCheck(db.Model):
    """One row rewritten by ``/healthz``: proves the database accepts a write, not only a read."""

    __tablename__ = "health_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
