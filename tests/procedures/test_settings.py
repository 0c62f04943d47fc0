"""Per-compound overrides of the rule set's settings: validated and audited."""
import json

import pytest
from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.procedures import operations
from committee_app.procedures.operations import ProcedureError
from committee_app.procedures.util import effective_settings
from committee_app.registry.models import Compound


def test_an_organiser_overrides_an_unconfirmed_setting_and_it_is_audited(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        changes = operations.update_settings(compound, {"term_years": "3", "committee_seats_default": "9"})
        assert changes == {"term_years": (5, 3), "committee_seats_default": (7, 9)}
        assert compound.setting_overrides == {"term_years": 3, "committee_seats_default": 9}
        assert effective_settings(compound)["term_years"] == 3
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "compound.setting")).all()
        assert {(json.loads(e.before)["term_years"], json.loads(e.after)["term_years"])
                for e in entries if "term_years" in e.before} == {(5, 3)}
        # back to the default removes the override
        operations.update_settings(compound, {"term_years": "5"})
        assert "term_years" not in compound.setting_overrides


@pytest.mark.parametrize("values,message", [
    ({"term_years": "6"}, "任期"),  # above the legal maximum of 5
    ({"committee_seats_default": "8"}, "委员名额"),  # must be odd
    ({"committee_seats_default": "13"}, "设置无效"),  # beyond committee_size_max 11
    ({"participating_ballots": "everything"}, "参与表决"),
    ({"meeting_notice_days": "10"}, "法律确定"),  # PMR art 14 is not a local choice
    ({"no_such_setting": "1"}, "未知"),
    ({"term_years": "abc"}, "无效"),
])
def test_a_bad_override_is_refused_and_nothing_changes(app, world, values, message):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        with pytest.raises(ProcedureError, match=message):
            operations.update_settings(compound, values)
        assert not compound.setting_overrides
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "compound.setting")) is None


def test_a_per_compound_setting_that_is_confirmed_can_still_be_set(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        operations.update_settings(compound, {"parking_area_counts": "false"})
        assert effective_settings(compound)["parking_area_counts"] is False
