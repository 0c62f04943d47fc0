"""Search, filter and page through long lists (issue 15 item 9).

Query parameters come from the address bar, so each is read defensively: a value that is
not one of the allowed ones, a page that is not a number or past any sensible end, and text
longer than the field allows are ignored (the list falls back to its default), never a 500.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")

#: the largest page anyone could mean; a bigger number would overflow the database's OFFSET
MAX_PAGE = 10_000
MAX_SEARCH = 100


def page_number(args) -> int:
    raw = (args.get("page") or "").strip()
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE:
        return int(raw)
    return 1


def search_text(args, name: str = "q") -> str:
    """The search text, trimmed; empty when absent or longer than any name or title."""
    text = (args.get(name) or "").strip()
    return text if len(text) <= MAX_SEARCH else ""


def choice(args, name: str, allowed: Iterable[str]) -> str:
    """The parameter when it is one of ``allowed``, else "" (no filter)."""
    value = (args.get(name) or "").strip()
    return value if value in set(allowed) else ""


def chosen_id(args, name: str, allowed: Iterable[int]) -> int | None:
    raw = (args.get(name) or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) in set(allowed):
        return int(raw)
    return None


@dataclass
class ListPage:
    """One page of an in-memory list, with the interface of Flask-SQLAlchemy's pagination
    that the ``pager`` macro uses (``page``, ``pages``, ``total``, ``items``, ``iter_pages``)."""

    all_items: Sequence
    page: int
    per_page: int

    def __post_init__(self) -> None:
        self.page = max(1, min(self.page, self.pages))

    @property
    def total(self) -> int:
        return len(self.all_items)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def items(self) -> list:
        start = (self.page - 1) * self.per_page
        return list(self.all_items[start:start + self.per_page])

    def iter_pages(self, left_edge: int = 2, left_current: int = 2, right_current: int = 4,
                   right_edge: int = 2) -> Iterator[int | None]:
        last = 0
        for number in range(1, self.pages + 1):
            if (number <= left_edge or self.page - left_current <= number <= self.page + right_current
                    or number > self.pages - right_edge):
                if last + 1 != number:
                    yield None
                yield number
                last = number
