from datetime import datetime

import pytest

# 2026-11-26 10:00 in Asia/Shanghai
NOW = datetime(2026, 11, 26, 2, 0)


@pytest.fixture
def thursday(frozen_clock):
    frozen_clock(NOW)
    return NOW
