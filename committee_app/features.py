"""Feature packages and the few hooks through which they meet.

Every package directly under ``committee_app`` that defines ``init_app(app)`` is a
feature. ``init_features`` imports them in ``ORDER`` (then name) and lets each register
its blueprint, commands, models and hooks. Features meet only through the hooks below,
so a new feature is added without editing this file or another feature.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from flask import Flask, current_app

if TYPE_CHECKING:
    from .registry.models import Compound


@dataclass(frozen=True)
class NavItem:
    """A link in the top navigation, shown when ``visible(user)`` is true."""

    label: Any  # a lazy_gettext string
    endpoint: str
    visible: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class CompoundPanel:
    """A section of the compound page rendered by a feature.

    ``context(compound, user)`` returns the template's context, or ``None`` to hide it.
    """

    template: str
    context: Callable[["Compound", Any], dict | None]
    order: int = 100


@dataclass
class Hooks:
    nav: list[NavItem] = field(default_factory=list)
    compound_panels: list[CompoundPanel] = field(default_factory=list)
    # role name -> endpoint of that role's landing page (takes no URL arguments)
    landing: dict[str, str] = field(default_factory=dict)
    # each returns a reason (str) why the compound's roll may not be replaced, or None
    roll_locks: list[Callable[["Compound"], str | None]] = field(default_factory=list)
    # endpoint (taking ``code``) of a compound's public notice board, linked from the home page
    public_board_endpoint: str | None = None
    # sections of the public notice board (``context(compound, user)``; anyone reads the board). The
    # board is kept rendered for every reader (web/datacache.py): the context is asked with an
    # anonymous reader and must not depend on the reader; its tables are noted as it reads them; a
    # context that changes with time alone lists those moments as ``changes_at`` (naive UTC)
    board_panels: list[CompoundPanel] = field(default_factory=list)
    # ``election_result(compound)``: the latest counted committee election as plain values (names as
    # the result notice shows them), or None; set by the voting feature
    election_result: Callable[["Compound"], dict | None] | None = None
    # (order, name, callable(ctx)) run by `flask seed-demo` after the registry's seed
    seeders: list[tuple[int, str, Callable[[Any], None]]] = field(default_factory=list)


def hooks(app: Flask | None = None) -> Hooks:
    return (app or current_app).extensions["committee_hooks"]


def feature_modules() -> list[Any]:
    import committee_app

    modules = []
    for info in pkgutil.iter_modules(committee_app.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"committee_app.{info.name}")
        if hasattr(module, "init_app"):
            modules.append(module)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def init_features(app: Flask) -> None:
    app.extensions["committee_hooks"] = Hooks()
    for module in feature_modules():
        module.init_app(app)
    app.extensions["committee_hooks"].nav.sort(key=lambda item: item.order)
    app.extensions["committee_hooks"].compound_panels.sort(key=lambda panel: panel.order)
    app.extensions["committee_hooks"].board_panels.sort(key=lambda panel: panel.order)
