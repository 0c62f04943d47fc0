"""The audit log is a hash chain; tampering with a stored row is found and named."""
from sqlalchemy import select, text

from committee_app.audit.models import AuditEntry
from committee_app.audit.operations import record, verify_chain
from committee_app.extensions import db


def test_an_intact_chain_verifies(app, runner, world):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_a_changed_row_is_named_as_the_first_broken_entry(app, runner, world):
    with app.app_context():
        target = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq).offset(5)).first()
        seq = target.seq
        db.session.execute(text("UPDATE audit_entry SET after = :after WHERE seq = :seq"),
                           {"after": '{"units":999}', "seq": seq})
        db.session.commit()
        report = verify_chain()
        assert report.first_bad_seq == seq
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry #{seq}" in result.output


def test_a_deleted_row_is_found(app, world):
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
        db.session.commit()
        assert verify_chain().first_bad_seq == 4


def test_entries_link_to_the_previous_hash(app):
    with app.app_context():
        first = record("test.one", ("thing", 1), after={"a": 1}, actor="tester")
        second = record("test.two", ("thing", 1), before={"a": 1}, after={"a": 2}, actor="tester")
        assert second.prev_hash == first.hash and second.seq == first.seq + 1
        assert verify_chain().is_intact
