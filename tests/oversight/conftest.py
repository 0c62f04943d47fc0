from datetime import date, datetime

import pytest


@pytest.fixture
def today(frozen_clock):
    """Today is 2026-12-01 in Shanghai."""
    frozen_clock(datetime(2026, 12, 1, 2, 0))
    return date(2026, 12, 1)
