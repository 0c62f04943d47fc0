"""The online ballot: a voter with a code or an owner account votes once, confirms,
gets a receipt shown once; codes are single use; over-voting is refused on the server;
concurrent casts for one voter store exactly one ballot (SQLite and PostgreSQL)."""
import re
import threading

from committee_app.extensions import db
from committee_app.voting import operations
from committee_app.voting.models import Ballot, Candidate, Vote, VotingCode

from tests.conftest import login

from .conftest import voter_id


def issue(app, vote_id) -> dict[int, str]:
    with app.app_context():
        codes = operations.issue_codes(db.session.get(Vote, vote_id))
        db.session.commit()
        return codes


def candidate_ids(app, vote_id, *names):
    with app.app_context():
        return [str(db.session.scalar(db.select(Candidate.id).where(Candidate.vote_id == vote_id, Candidate.name == n)))
                for n in names]


def ballots(app, vote_id):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Ballot.id)).where(Ballot.vote_id == vote_id))


def test_codes_are_stored_only_as_hmacs(app, world, election):
    vote_id = election()
    codes = issue(app, vote_id)
    assert len(codes) == 5
    with app.app_context():
        stored = set(db.session.scalars(db.select(VotingCode.code_hash)))
        assert len(stored) == 5
        for code in codes.values():
            assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
            assert code not in stored and operations.hash_code(code) in stored
            assert operations.hash_code(code.lower().replace("-", " ")) in stored  # typed loosely


def test_a_voter_scans_the_code_confirms_and_gets_a_receipt_once(app, client, world, election):
    vote_id = election(seats=2)
    codes = issue(app, vote_id)
    with app.app_context():
        code = codes[voter_id(world.a, "赵喆")]
    page = client.get(f"/ballot/{vote_id}?code={code}").get_data(as_text=True)
    assert "赵喆" in page and "最多选 2 人" in page
    chosen = candidate_ids(app, vote_id, "甲", "丙")
    page = client.post(f"/ballot/{vote_id}/confirm", data={"code": code, "candidate": chosen}).get_data(as_text=True)
    assert "请确认您的选票" in page and "甲" in page and "丙" in page
    assert ballots(app, vote_id) == 0  # nothing stored before the confirmation
    response = client.post(f"/ballot/{vote_id}/cast", data={"code": code, "candidate": chosen, "confirmed": "1"})
    assert response.status_code == 200
    receipt = re.search(r'id="receipt">([A-Z0-9-]+)<', response.get_data(as_text=True)).group(1)
    with app.app_context():
        ballot = db.session.scalar(db.select(Ballot).where(Ballot.vote_id == vote_id))
        assert ballot.channel == "online_code" and ballot.receipt_hash == operations.receipt_hash(receipt)
        assert sorted(c.candidate_id for c in ballot.choices) == sorted(int(c) for c in chosen)
    # the code is used up: again, and the page says so
    again = client.post(f"/ballot/{vote_id}/cast", data={"code": code, "candidate": chosen, "confirmed": "1"})
    assert again.status_code == 409 and "已经使用过" in again.get_data(as_text=True)
    assert receipt not in client.get(f"/ballot/{vote_id}?code={code}").get_data(as_text=True)
    assert ballots(app, vote_id) == 1


def test_a_wrong_code_is_refused_clearly(app, client, world, election):
    vote_id = election()
    issue(app, vote_id)
    response = client.post(f"/ballot/{vote_id}/cast", data={"code": "AAAA-BBBB-CCCC", "confirmed": "1"})
    assert response.status_code == 400 and "投票码不正确" in response.get_data(as_text=True)


def test_a_code_of_another_vote_does_not_work(app, client, world, election):
    first, second = election(title="一"), election(title="二")
    code = next(iter(issue(app, first).values()))
    response = client.post(f"/ballot/{second}/cast", data={"code": code, "confirmed": "1"})
    assert response.status_code == 400 and ballots(app, second) == 0


def test_over_voting_is_refused_by_the_server(app, client, world, election):
    vote_id = election(seats=2)
    code = next(iter(issue(app, vote_id).values()))
    chosen = candidate_ids(app, vote_id, "甲", "乙", "丙")
    for step in ("confirm", "cast"):
        response = client.post(f"/ballot/{vote_id}/{step}", data={"code": code, "candidate": chosen, "confirmed": "1"})
        assert response.status_code == 400 and "最多只能选 2 人" in response.get_data(as_text=True)
    assert ballots(app, vote_id) == 0


def test_a_candidate_of_another_election_is_refused(app, client, world, election):
    first, second = election(title="一"), election(title="二")
    code = next(iter(issue(app, first).values()))
    foreign = candidate_ids(app, second, "甲")
    response = client.post(f"/ballot/{first}/cast", data={"code": code, "candidate": foreign, "confirmed": "1"})
    assert response.status_code == 400 and ballots(app, first) == 0


def test_no_ballot_before_the_vote_opens_or_after_it_closes(app, client, world, election):
    vote_id = election(open=False)
    code = next(iter(issue(app, vote_id).values()))
    response = client.post(f"/ballot/{vote_id}/cast", data={"code": code, "confirmed": "1"})
    assert response.status_code == 400 and "不在投票时间内" in response.get_data(as_text=True)
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        operations.open_vote(vote, vote_compound(vote), enforce_gate=False)
        operations.close_vote(vote, vote_compound(vote))
        db.session.commit()
    assert client.post(f"/ballot/{vote_id}/cast", data={"code": code, "confirmed": "1"}).status_code == 400
    assert ballots(app, vote_id) == 0


def vote_compound(vote):
    from committee_app.registry.models import Compound

    return db.session.get(Compound, vote.compound_id)


def test_an_owner_votes_with_their_account_as_their_own_voter(app, client, world, motion):
    vote_id = motion()
    login(client, "owner")
    page = client.get(f"/ballot/{vote_id}").get_data(as_text=True)
    assert "赵喆" in page
    response = client.post(f"/ballot/{vote_id}/cast", data={"choice": "for", "confirmed": "1"})
    assert response.status_code == 200
    with app.app_context():
        ballot = db.session.scalar(db.select(Ballot).where(Ballot.vote_id == vote_id))
        assert ballot.voter_id == voter_id(world.a, "赵喆") and ballot.channel == "online_account"
    again = client.post(f"/ballot/{vote_id}/cast", data={"choice": "against", "confirmed": "1"})
    assert again.status_code == 409 and "只能投一次" in again.get_data(as_text=True)
    assert "您已经投过票了" in client.get(f"/ballot/{vote_id}").get_data(as_text=True)


def test_an_owner_of_another_compound_cannot_vote_without_a_code(app, client, world, motion):
    vote_id = motion()
    login(client, "other_owner")
    assert "输入投票码" in client.get(f"/ballot/{vote_id}").get_data(as_text=True)
    response = client.post(f"/ballot/{vote_id}/cast", data={"choice": "for", "confirmed": "1"})
    assert response.status_code == 400 and ballots(app, vote_id) == 0


def _race(app, vote_id, make_client, data, threads=6):
    barrier = threading.Barrier(threads)
    statuses, errors = [], []

    def worker(client):
        try:
            barrier.wait()
            statuses.append(client.post(f"/ballot/{vote_id}/cast", data=data).status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    clients = [make_client() for _ in range(threads)]
    pool = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    assert not errors, errors
    return sorted(statuses)


def test_concurrent_casts_with_one_code_store_exactly_one_ballot(app, world, motion):
    vote_id = motion()
    code = next(iter(issue(app, vote_id).values()))
    statuses = _race(app, vote_id, app.test_client, {"code": code, "choice": "for", "confirmed": "1"})
    assert statuses.count(200) == 1 and statuses.count(409) == len(statuses) - 1, statuses
    assert ballots(app, vote_id) == 1


def test_concurrent_casts_by_one_owner_account_store_exactly_one_ballot(app, world, motion):
    vote_id = motion()

    def owner_client():
        client = app.test_client()
        assert login(client, "owner").status_code == 302
        return client

    statuses = _race(app, vote_id, owner_client, {"choice": "against", "confirmed": "1"})
    assert statuses.count(200) == 1 and statuses.count(409) == len(statuses) - 1, statuses
    assert ballots(app, vote_id) == 1
    with app.app_context():
        from committee_app.audit.operations import verify_chain
        report = verify_chain()  # the online ballot's entry waits for the next batch: named, not intact
        assert report.first_bad_seq is None and len(report.pending) == 1 and not report.is_intact
        operations.drain_ballot_audit(vote_id=vote_id, wait=True)
        db.session.commit()
        assert verify_chain().is_intact


def test_the_database_itself_refuses_a_second_ballot(app, world, motion):
    import pytest
    from sqlalchemy.exc import IntegrityError

    vote_id = motion()
    with app.app_context():
        vid = voter_id(world.a, "张三")
        db.session.add(Ballot(vote_id=vote_id, voter_id=vid, channel="paper", receipt_hash="a" * 64))
        db.session.commit()
        db.session.add(Ballot(vote_id=vote_id, voter_id=vid, channel="paper", receipt_hash="b" * 64))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_no_ballot_slips_in_after_the_vote_closes(app, world):
    """Casts racing the close: whatever committed before the close counts, nothing after it."""
    from committee_app.registry import operations as registry
    from committee_app.registry.models import Compound
    from tests.conftest import roll_csv

    with app.app_context():
        compound = registry.create_compound("R", "竞速小区", db.session.get(Compound, world.a).community)
        registry.import_roll(compound, "roll.csv", roll_csv([f"1栋,1-{n},90.00,业主{n},,已售,," for n in range(100, 400)]))
        vote = operations.create_motion(compound, title="竞速表决", subject="other")
        operations.open_vote(vote, compound, enforce_gate=False)
        codes = list(operations.issue_codes(vote).values())
        db.session.commit()
        vote_id, compound_id = vote.id, compound.id
    after_close = {}
    started = threading.Event()

    def caster(mine):
        client = app.test_client()
        for n, code in enumerate(mine):
            if n == 5:
                started.set()
            client.post(f"/ballot/{vote_id}/cast", data={"code": code, "choice": "for", "confirmed": "1"})

    def closer():
        from sqlalchemy.exc import IntegrityError, OperationalError

        started.wait(30)
        with app.app_context():
            from committee_app.registry.models import Compound as C
            for _attempt in range(20):  # SQLite: the organiser's close may lose a race with a cast; try again
                try:
                    operations.close_vote(db.session.get(Vote, vote_id), db.session.get(C, compound_id))
                    db.session.commit()
                    break
                except (IntegrityError, OperationalError) as error:  # lost a race for the audit chain's next seq
                    db.session.rollback()
                    after_close["error"] = repr(error)
            after_close["ballots"] = db.session.scalar(
                db.select(db.func.count(Ballot.id)).where(Ballot.vote_id == vote_id))

    threads = [threading.Thread(target=caster, args=(codes[i::4],)) for i in range(4)]
    threads.append(threading.Thread(target=closer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert "ballots" in after_close, after_close
    assert 0 < after_close["ballots"] <= len(codes)
    assert ballots(app, vote_id) == after_close["ballots"]
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        from committee_app.registry.models import Compound as C
        result = operations.count_vote(vote, db.session.get(C, compound_id))
        db.session.commit()
        assert result["participation"]["headcount"] == after_close["ballots"]
        assert db.session.scalar(db.select(db.func.count(Ballot.id)).where(Ballot.is_audited.is_(False))) == 0
