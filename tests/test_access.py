"""Every route, every role: a route added without an access expectation fails here."""
import importlib
import pkgutil

import pytest

from tests.conftest import login
from tests import access
from tests.access.routes import ALL_ROLES, Route

IGNORED = {"static", "bootstrap.static"}


def declared_routes() -> list[Route]:
    routes: list[Route] = []
    for info in pkgutil.iter_modules(access.__path__):
        if info.name == "routes":
            continue
        routes.extend(importlib.import_module(f"tests.access.{info.name}").ROUTES)
    return routes


def test_every_route_has_an_access_expectation(app):
    declared = {route.endpoint for route in declared_routes()}
    missing = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                     if rule.endpoint not in IGNORED and rule.endpoint not in declared)
    assert not missing, f"routes without an access expectation in tests/access/: {missing}"


@pytest.mark.parametrize("role", ("anonymous",) + ALL_ROLES)
def test_each_role_gets_what_its_scope_allows(app, client, world, role):
    if role != "anonymous":
        assert login(client, role).status_code == 302
    failures = []
    for route in declared_routes():
        with app.app_context():
            url = route.url(world)
            data = route.data(world) if callable(route.data) else route.data
        if route.method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=route.method, data=data or {})
        if role in route.allowed:
            expected = route.ok
        elif role == "anonymous":
            expected = route.anonymous
        else:
            expected = route.denied
        if response.status_code not in expected:
            failures.append(f"{route.method} {url} ({route.endpoint}): got {response.status_code}, expected {expected}")
        if route.endpoint == "accounts.logout" and role != "anonymous":
            login(client, role)
    assert not failures, "\n".join(failures)
