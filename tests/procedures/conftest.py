from datetime import datetime

import pytest


@pytest.fixture
def december(frozen_clock):
    """Today is 2026-12-01 in Shanghai: every November date of these tests is in the past."""
    frozen_clock(datetime(2026, 12, 1, 2, 0))
