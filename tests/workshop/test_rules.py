"""Pure rules of the workshop: when an item is overdue, which compound needs attention first."""
from dataclasses import dataclass
from datetime import date

import pytest

from committee_app.workshop.models import ActionItem, ItemTransitionError
from committee_app.workshop.util import BoardRow, attention_key, attention_level

TODAY = date(2026, 11, 26)


def item(due_on, status="open"):
    return ActionItem(title="核对名册", assignee="周建国", due_on=due_on, status=status)


def test_an_open_item_is_overdue_only_after_its_due_day():
    assert not item(TODAY).is_overdue(TODAY)
    assert item(date(2026, 11, 25)).is_overdue(TODAY)
    assert item(date(2026, 11, 25)).days_overdue(TODAY) == 1
    assert item(date(2026, 11, 20)).state(TODAY) == "overdue"
    assert item(date(2026, 11, 27)).state(TODAY) == "open"


def test_closed_items_are_never_overdue():
    assert item(date(2026, 1, 1), "done").state(TODAY) == "done"
    assert item(date(2026, 1, 1), "dropped").state(TODAY) == "dropped"


def test_a_closed_item_cannot_be_completed_or_dropped_again():
    done = item(TODAY)
    done.complete(TODAY, "已完成", None, TODAY)
    assert done.status == "done" and done.completed_on == TODAY
    with pytest.raises(ItemTransitionError):
        done.complete(TODAY, "again", None, TODAY)
    with pytest.raises(ItemTransitionError):
        done.drop("no", None)


def test_completion_cannot_be_dated_in_the_future():
    with pytest.raises(ItemTransitionError):
        item(TODAY).complete(date(2026, 11, 27), "提前", None, TODAY)


@dataclass
class Overview:
    is_overdue: bool = False
    overdue_steps: int = 0
    next_due_on: date | None = None
    kind: str = "reelection"
    current_step_title: str = "名册公示"


def test_the_board_puts_overdue_deadlines_first_then_overdue_items_then_the_soonest_due():
    rows = [
        BoardRow(1, "Q", "安静小区"),
        BoardRow(2, "S", "近期小区", next_item_due_on=date(2026, 11, 28), open_items=1),
        BoardRow(3, "I", "待办逾期", overdue_items=2, open_items=2, next_item_due_on=date(2026, 11, 1)),
        BoardRow(4, "P", "程序逾期", procedure=Overview(True, 1, date(2026, 11, 20))),
        BoardRow(5, "L", "较远小区", procedure=Overview(False, 0, date(2026, 12, 20))),
        BoardRow(6, "PP", "程序逾期更多", procedure=Overview(True, 3, date(2026, 11, 1))),
    ]
    ordered = [row.name for row in sorted(rows, key=attention_key)]
    assert ordered == ["程序逾期更多", "程序逾期", "待办逾期", "近期小区", "较远小区", "安静小区"]


def test_attention_levels():
    assert attention_level(BoardRow(1, "A", "a", overdue_items=1), TODAY) == "danger"
    assert attention_level(BoardRow(1, "A", "a", procedure=Overview(True, 1)), TODAY) == "danger"
    assert attention_level(BoardRow(1, "A", "a", next_item_due_on=date(2026, 12, 3)), TODAY) == "warning"
    assert attention_level(BoardRow(1, "A", "a", next_item_due_on=date(2026, 12, 4)), TODAY) == "ok"
    assert attention_level(BoardRow(1, "A", "a"), TODAY) == "ok"


def test_the_next_deadline_is_the_earlier_of_procedure_and_items():
    row = BoardRow(1, "A", "a", procedure=Overview(False, 0, date(2026, 12, 10)), next_item_due_on=date(2026, 12, 1))
    assert row.next_due_on == date(2026, 12, 1)
    assert BoardRow(1, "A", "a").next_due_on is None
