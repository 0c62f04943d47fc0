"""What every route expects from every role.

Each feature lists its routes in ``tests/access/<feature>.py`` as ``ROUTES = [Route(...)]``.
``test_access.py`` fails when a route of the app is listed nowhere, then requests every
route as every world role and compares the status code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

ALL_ROLES = ("admin", "officer", "community_officer", "outside_officer", "mentor", "outside_mentor",
             "organiser", "other_organiser", "owner", "other_owner")
READERS_OF_A = ("admin", "officer", "community_officer", "mentor", "organiser")


@dataclass(frozen=True)
class Route:
    """``url(world, app)`` builds the URL inside an app context.

    ``allowed`` roles get a status in ``ok``; other signed-in roles get ``denied``
    (403 unless said otherwise); anonymous users get ``anonymous`` (302 to the login
    page, or 200 for public pages: then list "anonymous" in ``allowed``).
    ``data`` is posted as form data for POST routes.
    """

    endpoint: str
    url: Callable
    method: str = "GET"
    allowed: tuple[str, ...] = ()
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (403,)
    anonymous: tuple[int, ...] = (302,)
    data: dict | Callable | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)
