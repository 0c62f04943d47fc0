"""The audit chain anyone can check: keyed, holding each ballot's content, anchored on paper.

The stories follow the probe of issue 12: someone with write access to the database (but
not the audit key) deletes the tail of the log, rewrites an entry and recomputes every
later hash, flips ballots' choices; an online ballot still waits for its entry; the key
is rotated.
"""
from __future__ import annotations

import hashlib
import json

import pytest
from flask import render_template
from sqlalchemy import select, text

from committee_app.audit import keys
from committee_app.audit.chain import entry_content, link_hash, parse_anchor
from committee_app.audit.models import AuditEntry
from committee_app.audit.operations import anchor, record, verify_chain
from committee_app.extensions import db
from committee_app.registry.models import Compound, Voter
from committee_app.voting import operations as voting
from committee_app.voting.models import Ballot, BallotChoice, Candidate, Vote

from tests.conftest import roll_csv

VOTERS = 12


@pytest.fixture
def counted(app, world):
    """An election in a compound of 12 owners: every owner votes online, the vote is closed,
    counted and its result notice posted. Returns (vote id, compound code, the notice's anchor)."""
    from committee_app.registry import operations as registry
    from committee_app.voting.util import result_notice_context

    with app.app_context():
        compound = registry.create_compound("AUD", "审计小区", db.session.get(Compound, world.a).community)
        registry.import_roll(compound, "roll.csv", roll_csv(
            [f"1栋,1-{n:03d},{80 + n}.00,业主{n},,已售,," for n in range(1, VOTERS + 1)]))
        vote = voting.create_election(compound, title="第一届业委会选举", seats=2, candidates=["甲", "乙", "丙"],
                                       is_by_election=True)
        voting.open_vote(vote, compound, enforce_gate=False)
        ids = {c.name: c.id for c in vote.candidates}
        voters = db.session.scalars(select(Voter.id).where(Voter.compound_id == compound.id).order_by(Voter.id)).all()
        db.session.commit()
        for n, voter in enumerate(voters):
            marks = (ids["甲"], ids["乙"]) if n % 3 else (ids["丙"],)
            voting.cast_online(vote, voter, voting.check_selection(vote, marks, None))
            db.session.commit()
        voting.close_vote(vote, compound)  # appends the ballots' pending entries
        voting.count_vote(vote, compound)
        printed = result_notice_context(vote, compound)["audit_anchor"]
        voting.post_result_notice(vote, compound)
        db.session.commit()
        assert verify_chain().is_intact
        return vote.id, compound.code, f"{printed['head_hash']}:{printed['count']}"


def test_a_counted_election_verifies_and_matches_its_result_notice(app, runner, counted):
    _vote_id, _code, printed = counted
    result = runner.invoke(args=["audit", "verify", "--against-notice", printed])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output and "matches the notice" in result.output


def test_deleting_the_last_20_entries_fails_against_the_paper_notice(app, runner, counted):
    _vote_id, _code, printed = counted
    head, count = parse_anchor(printed)
    with app.app_context():
        last = db.session.scalar(select(db.func.max(AuditEntry.seq)))
        assert last - 20 < count  # the notice was printed before the last 20 entries' end
        db.session.execute(text("DELETE FROM audit_entry WHERE seq > :keep"), {"keep": last - 20})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify", "--against-notice", printed])
    assert result.exit_code == 1
    assert f"fewer than the {count} on the notice" in result.output
    # a notice typed from paper: the first 16 hex digits, in groups, are enough
    short = " ".join([head[:8], head[8:16]]) + f":{count}"
    assert runner.invoke(args=["audit", "verify", "--against-notice", short]).exit_code == 1


def _rewrite_from(seq: int, *, key: bytes | None) -> None:
    """What someone with the database does: change entry #seq, then recompute every later link."""
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)).all()
    prev_hash = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1))
    entries[0].after = json.dumps({"note": "rewritten"})
    for entry in entries:
        content = entry_content(seq=entry.seq, at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name,
                                action=entry.action, target_type=entry.target_type, target_id=entry.target_id,
                                compound_id=entry.compound_id, before=entry.before, after=entry.after,
                                key_id=entry.key_id if key else None)
        if key is None:
            entry.key_id = None
        entry.prev_hash = prev_hash
        entry.hash = link_hash(prev_hash, content, key)
        prev_hash = entry.hash
    db.session.commit()


def test_an_entry_rewritten_and_relinked_without_the_key_is_named(app, runner, counted):
    with app.app_context():
        _rewrite_from(10, key=None)
        report = verify_chain()
        assert report.first_bad_seq == 10 and "not signed" in report.reason
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry #10" in result.output


def test_a_relinked_entry_with_the_key_id_kept_but_without_the_key_is_named(app, counted):
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 10))
        entry.after = json.dumps({"note": "rewritten"})
        # the old, unkeyed way: SHA-256 over the previous hash and the content
        content = entry_content(seq=entry.seq, at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name,
                                action=entry.action, target_type=entry.target_type, target_id=entry.target_id,
                                compound_id=entry.compound_id, before=entry.before, after=entry.after,
                                key_id=entry.key_id)
        entry.hash = hashlib.sha256((entry.prev_hash + content).encode()).hexdigest()
        db.session.commit()
        assert verify_chain().first_bad_seq == 10


def test_even_a_key_holder_cannot_rewrite_what_a_notice_anchored(app, runner, counted):
    _vote_id, _code, printed = counted
    with app.app_context():
        key_id = db.session.scalar(select(AuditEntry.key_id).where(AuditEntry.seq == 10))
        _rewrite_from(10, key=keys.keyring().get(key_id))
        assert verify_chain().first_bad_seq is None  # the links hold: only the paper notice tells
    result = runner.invoke(args=["audit", "verify", "--against-notice", printed])
    assert result.exit_code == 1 and "does not have the hash on the notice" in result.output


def test_eight_ballots_flipped_in_the_database_are_each_named(app, runner, counted):
    vote_id, _code, _printed = counted
    with app.app_context():
        names = dict(db.session.execute(select(Candidate.name, Candidate.id).where(Candidate.vote_id == vote_id)).all())
        flipped = db.session.scalars(
            select(BallotChoice.ballot_id).where(BallotChoice.candidate_id == names["甲"]).order_by(BallotChoice.ballot_id)
        ).all()[:8]
        assert len(flipped) == 8
        db.session.execute(text("UPDATE ballot_choice SET candidate_id = :c WHERE ballot_id IN ({}) AND candidate_id = :a"
                                .format(",".join(str(i) for i in flipped))), {"c": names["丙"], "a": names["甲"]})
        db.session.commit()
        report = verify_chain()
        assert report.first_bad_seq is None and not report.is_intact
        assert sorted(p.split(" ")[0] for p in report.problems) == sorted(f"Ballot:{i}" for i in flipped)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert all(f"Ballot:{i} differs" in result.output for i in flipped)


def test_a_ballot_moved_to_another_voter_or_deleted_is_found(app, counted):
    vote_id, _code, _printed = counted
    with app.app_context():
        first, second = db.session.scalars(select(Ballot.id).where(Ballot.vote_id == vote_id).order_by(Ballot.id).limit(2))
        db.session.execute(text("DELETE FROM ballot_choice WHERE ballot_id = :b"), {"b": second})
        db.session.execute(text("DELETE FROM ballot WHERE id = :b"), {"b": second})
        db.session.commit()
        problems = verify_chain().problems
        assert any(p.startswith(f"Ballot:{second} of entry") and "missing" in p for p in problems)


def test_verify_fails_while_online_ballots_wait_for_their_entries_and_names_them(app, runner, world):
    from tests.voting.conftest import cast

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        vote = voting.create_motion(compound, title="使用维修资金", subject="maintenance_funds_use")
        voting.open_vote(vote, compound, enforce_gate=False)
        db.session.commit()
        ballot_id, _receipt = cast(vote.id, "张三", choice="for")
        db.session.commit()
        assert verify_chain().pending == (f"Ballot:{ballot_id}",)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"1 entries wait to be appended: Ballot:{ballot_id}" in result.output
    assert runner.invoke(args=["audit", "append-pending"]).exit_code == 0
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_a_ballot_marked_pending_in_the_database_does_not_pass(app, counted):
    vote_id, _code, _printed = counted
    with app.app_context():
        db.session.execute(text("UPDATE ballot SET is_audited = :f WHERE vote_id = :v"), {"f": False, "v": vote_id})
        db.session.commit()
        report = verify_chain()
        assert not report.is_intact and len(report.pending) == VOTERS


def test_after_a_key_rotation_the_chain_still_verifies_and_records_the_new_key(app, runner, counted):
    with app.app_context():
        old = db.session.scalar(select(AuditEntry.key_id).order_by(AuditEntry.seq.desc()).limit(1))
    result = runner.invoke(args=["audit", "rotate-key"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rotation = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        assert rotation.action == "audit.key_rotate" and rotation.key_id != old
        assert json.loads(rotation.before) == {"key_id": old} and json.loads(rotation.after) == {"key_id": rotation.key_id}
        later = record("test.after_rotation", ("thing", 1), actor="tester")
        db.session.commit()
        assert later.key_id == rotation.key_id
        assert set(keys.load().keys) >= {old, rotation.key_id}
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_without_an_old_key_the_chain_cannot_be_verified(app, runner, counted):
    assert runner.invoke(args=["audit", "rotate-key"]).exit_code == 0
    with app.app_context():
        path = keys.key_file()
        lines = path.read_text().splitlines()
        path.write_text("\n".join(line for line in lines[:-2]) + "\n" + lines[-1] + "\n")  # the old key lost
        keys.keyring(reload=True)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "does not hold" in result.output


def test_the_anchor_is_printed_on_the_count_record_the_result_notice_and_the_board(app, client, counted):
    from committee_app.notices.models import Notice
    from committee_app.voting.util import count_record_context

    vote_id, code, printed = counted
    head, count = parse_anchor(printed)
    with app.app_context(), app.test_request_context():
        vote = db.session.get(Vote, vote_id)
        compound = db.session.get(Compound, vote.compound_id)
        notice = db.session.get(Notice, vote.result_notice_id)
        assert f"{head}:{count}" in notice.body
        context = count_record_context(vote, compound)
        current = anchor()
        assert context["audit_anchor"]["head_hash"] == current.head_hash
        html = render_template("pdf/count_record.html", **context)
        assert current.grouped in html and f"共 <b>{current.count}</b> 条" in html
    page = client.get(f"/board/{code}")
    assert page.status_code == 200
    assert current.grouped in page.get_data(as_text=True)


def test_a_new_chain_creates_its_key_once_outside_the_database(app):
    with app.app_context():
        path = keys.key_file()
        assert not path.exists()
        first = record("test.one", ("thing", 1), actor="tester")
        assert path.exists() and oct(path.stat().st_mode)[-3:] == "600"
        assert first.key_id == keys.key_id_of(bytes.fromhex(path.read_text().splitlines()[-1].split()[1]))
        assert keys.load().keys == keys.load().keys  # read again: the same key, not a new one
