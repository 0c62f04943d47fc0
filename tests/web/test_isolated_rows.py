"""One impossible date never takes a shared page down (issue 12, item 1).

An organiser's procedure anchor date of 9999-12-20 or 0001-01-01 is refused by the form;
saved directly in the database (an old import, a hand edit), every board still answers
200 and shows the compound's row as "无法计算" with the reason.
"""
from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime

import pytest
from sqlalchemy import update

from committee_app.extensions import db
from committee_app.procedures import operations as procedures
from committee_app.procedures.models import Procedure
from committee_app.registry.models import Compound
from tests.jobs.helpers import document


@pytest.fixture
def today(frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 2, 0))
    return date(2026, 12, 1)


def _procedure_with_anchor(app, world, bad: date) -> int:
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        procedure = procedures.start_procedure(compound, "reelection", on=date(2026, 11, 1),
                                               term_ends_on=date(2027, 5, 31), meeting_on=date(2027, 1, 10))
        db.session.commit()
        db.session.execute(update(Procedure).where(Procedure.id == procedure.id)
                           .values(meeting_on=bad, term_ends_on=bad, election_on=bad))
        db.session.commit()
        return procedure.id


@pytest.mark.parametrize("bad", [date(9999, 12, 20), date(1, 1, 1)], ids=["far-future", "year-one"])
def test_an_impossible_anchor_date_leaves_every_board_standing(app, world, login_as, today, bad, caplog):
    procedure_id = _procedure_with_anchor(app, world, bad)
    caplog.set_level(logging.ERROR, logger="committee_app.rows")

    officer = login_as("officer")
    board = officer.get("/oversight/")
    assert board.status_code == 200
    page = board.get_data(as_text=True)
    assert "无法计算" in page and "超出可计算范围" in page
    assert "乙小区" in page  # the other compounds are still listed
    export = document(app, officer, officer.post("/oversight/board-csv-job"))
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    row_a = next(row for row in rows if row[0] == "A")
    assert any(cell.startswith("无法计算") for cell in row_a)
    assert officer.get("/oversight/compounds/A").status_code == 200
    assert officer.get(f"/compounds/A/procedures/{procedure_id}").status_code == 200

    mentor = login_as("mentor")
    workshop = mentor.get("/workshop/")
    assert workshop.status_code == 200 and "无法计算" in workshop.get_data(as_text=True)
    assert mentor.get("/workshop/compounds/A").status_code == 200

    organiser = login_as("organiser")
    assert organiser.get("/compounds/A").status_code == 200
    timeline = organiser.get(f"/compounds/A/procedures/{procedure_id}")
    assert timeline.status_code == 200 and "无法计算" in timeline.get_data(as_text=True)
    assert login_as("owner").get("/compounds/A").status_code == 200
    assert login_as("admin").get("/compounds").status_code == 200
    assert any("cannot compute" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("typed", ["9999-12-20", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_the_anchor_form_refuses_a_date_outside_the_range(app, world, login_as, today, typed):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        procedure = procedures.start_procedure(compound, "reelection", on=date(2026, 11, 1),
                                               term_ends_on=date(2027, 5, 31))
        db.session.commit()
        procedure_id = procedure.id
    client = login_as("organiser")
    response = client.post(f"/compounds/A/procedures/{procedure_id}/anchors",
                           data={"meeting_on": typed}, follow_redirects=True)
    assert "日期须在 2000-01-01 至 2100-12-31 之间" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Procedure, procedure_id).meeting_on is None


def test_every_date_field_of_every_form_is_bounded(app):
    """A new form that imports wtforms' DateField directly fails here."""
    import importlib
    import inspect
    import pkgutil

    import wtforms
    from flask_wtf import FlaskForm

    import committee_app
    from committee_app.web import forms as bounded

    unbounded = []
    for info in pkgutil.iter_modules(committee_app.__path__):
        try:
            module = importlib.import_module(f"committee_app.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, FlaskForm) or cls.__module__ != module.__name__:
                continue
            for field_name, unbound in vars(cls).items():
                field_class = getattr(unbound, "field_class", None)
                is_date = field_class and issubclass(field_class, (wtforms.DateField, wtforms.DateTimeField))
                if is_date and not issubclass(field_class, (bounded.DateField, bounded.DateTimeLocalField)):
                    unbounded.append(f"{module.__name__}.{name}.{field_name}")
    assert unbounded == []


def test_a_command_line_date_is_bounded_too(app):
    import click
    from click.testing import CliRunner

    from committee_app.web.forms import DATE

    @click.command()
    @click.option("--on", type=DATE)
    def command(on):
        click.echo(on.isoformat())

    with app.app_context():
        runner = CliRunner()
        assert runner.invoke(command, ["--on", "2026-12-01"]).output.strip() == "2026-12-01"
        refused = runner.invoke(command, ["--on", "9999-12-20"])
        assert refused.exit_code == 2 and "2000-01-01" in refused.output
