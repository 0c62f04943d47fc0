"""Paper ballots entered twice by two counters (form and `ballots import`), compared;
only matching entries count; disagreements are listed and resolved; proxies record the
authorisation."""
from committee_app.extensions import db
from committee_app.voting.models import Ballot, Candidate, PaperEntry, Vote

from tests.conftest import login

from .conftest import cast, voter_id


def cid(app, vote_id, name):
    with app.app_context():
        return str(db.session.scalar(db.select(Candidate.id).where(Candidate.vote_id == vote_id, Candidate.name == name)))


def count(app, model, vote_id):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(model.vote_id == vote_id))


def enter(client, vote_id, **data):
    form = {"building": "1栋", "unit": "1-202", "slot": "1", "counter_name": "计票人甲"} | data
    return client.post(f"/compounds/A/votes/{vote_id}/paper", data=form)


def test_two_matching_entries_make_one_ballot(app, client, world, election):
    vote_id = election()
    login(client, "organiser")
    assert enter(client, vote_id, candidate=[cid(app, vote_id, "甲")]).status_code == 302
    assert count(app, Ballot, vote_id) == 0
    assert "等待第二次录入" in client.get(f"/compounds/A/votes/{vote_id}/paper").get_data(as_text=True)
    enter(client, vote_id, slot="2", counter_name="计票人乙", candidate=[cid(app, vote_id, "甲")])
    with app.app_context():
        ballot = db.session.scalar(db.select(Ballot).where(Ballot.vote_id == vote_id))
        assert ballot.channel == "paper" and ballot.voter_id == voter_id(world.a, "赵喆")
        assert [c.candidate_id for c in ballot.choices] == [int(cid(app, vote_id, "甲"))]


def test_entries_that_disagree_are_listed_and_do_not_count_until_resolved(app, client, world, election):
    vote_id = election()
    login(client, "organiser")
    enter(client, vote_id, candidate=[cid(app, vote_id, "甲"), cid(app, vote_id, "乙")])
    enter(client, vote_id, slot="2", counter_name="计票人乙", candidate=[cid(app, vote_id, "甲")])
    assert count(app, Ballot, vote_id) == 0
    page = client.get(f"/compounds/A/votes/{vote_id}/paper").get_data(as_text=True)
    assert "两次录入不一致" in page and "甲、乙" in page
    client.post(f"/compounds/A/votes/{vote_id}/close")
    client.post(f"/compounds/A/votes/{vote_id}/count")
    with app.app_context():
        assert db.session.get(Vote, vote_id).state == "closed"  # counting refused while entries disagree
    vid = voter_id_in(app, world, "赵喆")
    assert client.post(f"/compounds/A/votes/{vote_id}/paper/{vid}/resolve", data={"accept": "1", "note": ""}
                       ).status_code == 302
    assert count(app, Ballot, vote_id) == 0  # a resolution needs a reason
    client.post(f"/compounds/A/votes/{vote_id}/paper/{vid}/resolve", data={"accept": "1", "note": "核对原始选票"})
    with app.app_context():
        ballot = db.session.scalar(db.select(Ballot).where(Ballot.vote_id == vote_id))
        assert len(ballot.choices) == 2
    client.post(f"/compounds/A/votes/{vote_id}/count")
    with app.app_context():
        assert db.session.get(Vote, vote_id).state == "counted"


def voter_id_in(app, world, name):
    with app.app_context():
        return voter_id(world.a, name)


def test_discarding_both_entries_lets_the_counters_enter_again(app, client, world, motion):
    vote_id = motion()
    login(client, "organiser")
    enter(client, vote_id, choice="for")
    enter(client, vote_id, slot="2", counter_name="计票人乙", choice="against")
    vid = voter_id_in(app, world, "赵喆")
    client.post(f"/compounds/A/votes/{vote_id}/paper/{vid}/resolve", data={"accept": "", "note": "字迹不清，重新核对"})
    assert count(app, PaperEntry, vote_id) == 0


def test_the_same_counter_cannot_enter_both_times(app, client, world, motion):
    vote_id = motion()
    login(client, "organiser")
    enter(client, vote_id, choice="for")
    response = enter(client, vote_id, slot="2", choice="for")
    assert response.status_code == 400 and "两位不同的计票人" in response.get_data(as_text=True)
    assert count(app, PaperEntry, vote_id) == 1


def test_a_voter_who_voted_online_cannot_also_vote_on_paper(app, client, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "赵喆", choice="for")
        db.session.commit()
    login(client, "organiser")
    response = enter(client, vote_id, choice="against")
    assert response.status_code == 400 and "已有一张选票" in response.get_data(as_text=True)


def test_an_unknown_unit_and_over_voting_are_refused(app, client, world, election):
    vote_id = election(seats=1)
    login(client, "organiser")
    assert enter(client, vote_id, unit="9-999").status_code == 400
    both = [cid(app, vote_id, "甲"), cid(app, vote_id, "乙")]
    response = enter(client, vote_id, candidate=both)
    assert response.status_code == 400 and "最多只能选 1 人" in response.get_data(as_text=True)
    # an over-voted paper is entered as spoilt
    assert enter(client, vote_id, candidate=both, is_spoilt="1").status_code == 302
    assert count(app, PaperEntry, vote_id) == 1


def test_a_proxy_ballot_records_the_authorisation_document(app, client, world, motion):
    vote_id = motion()
    login(client, "organiser")
    from io import BytesIO
    bad = enter(client, vote_id, choice="for", proxy_name="周红", proxy_document=(BytesIO(b"GIF89a...."), "a.pdf"))
    assert bad.status_code == 400 and "PDF、JPEG 或 PNG" in bad.get_data(as_text=True)
    enter(client, vote_id, choice="for", proxy_name="周红",
          proxy_document=(BytesIO(b"%PDF-1.4 authorisation"), "委托书.pdf"))
    enter(client, vote_id, slot="2", counter_name="计票人乙", choice="for", proxy_name="周红")
    with app.app_context():
        ballot = db.session.scalar(db.select(Ballot).where(Ballot.vote_id == vote_id))
        assert ballot.channel == "proxy" and ballot.proxy_name == "周红" and ballot.proxy_document_id
        ballot_id = ballot.id
    document = client.get(f"/compounds/A/votes/{vote_id}/ballots/{ballot_id}/proxy-document")
    assert document.status_code == 200 and document.data.startswith(b"%PDF-")
    document.close()
    login(client, "mentor")
    assert client.get(f"/compounds/A/votes/{vote_id}/ballots/{ballot_id}/proxy-document").status_code == 403


# --- ballots import ID FILE


def ballot_file(tmp_path, rows, header="楼栋,房号,选择,无效", name="ballots.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_ballots_import_twice_makes_matching_ballots(app, runner, world, election, tmp_path):
    vote_id = election(seats=2)
    rows = ["1栋,1-101,甲、乙,", "1栋,1-201,丙,", "2栋,2-101,,是", "车库,P-001,,"]
    first = runner.invoke(args=["ballots", "import", str(vote_id), ballot_file(tmp_path, rows),
                                "--counter-name", "甲"])
    assert first.exit_code == 0, first.output
    assert "4 wait for a second entry" in first.output
    second = runner.invoke(args=["ballots", "import", str(vote_id), ballot_file(tmp_path, rows, name="b.csv"),
                                 "--counter-name", "乙"])
    assert second.exit_code == 0 and "4 matched" in second.output
    with app.app_context():
        from committee_app.voting.tally import tally
        result = tally(db.session.get(Vote, vote_id))
    assert result["participation"]["headcount"] == 4 and result["spoilt"] == {"headcount": 1, "area": "230.00"}
    rows = {row["name"]: row for row in result["candidates"]}
    assert rows["甲"]["area"] == "180.50" and rows["丙"]["area"] == "90.00"


def test_a_second_ballot_of_one_voter_names_both_rows_and_imports_nothing(app, runner, world, election, tmp_path):
    vote_id = election()
    # 1-101 and 1-102 both belong to 张三 (one buyer)
    path = ballot_file(tmp_path, ["1栋,1-201,甲,", "1栋,1-101,甲,", "1栋,1-102,乙,"])
    result = runner.invoke(args=["ballots", "import", str(vote_id), path])
    assert result.exit_code != 0
    assert "第4行" in result.output and "第3行和第4行" in result.output
    assert count(app, PaperEntry, vote_id) == 0


def test_ballots_import_reports_every_bad_row(app, runner, world, election, tmp_path):
    vote_id = election(seats=1)
    path = ballot_file(tmp_path, ["9栋,9-101,甲,", "1栋,1-201,丁,", "1栋,1-202,甲、乙,", "车库,P-001,甲,也许"])
    result = runner.invoke(args=["ballots", "import", str(vote_id), path])
    assert result.exit_code != 0
    for row in ("第2行", "第3行", "第4行", "第5行"):
        assert row in result.output
    assert count(app, PaperEntry, vote_id) == 0


def test_ballots_import_of_a_motion_reads_the_vote_column(app, runner, world, motion, tmp_path):
    vote_id = motion()
    path = ballot_file(tmp_path, ["1栋,1-101,同意", "1栋,1-201,against", "1栋,1-202,弃权"], header="building,unit,vote")
    for counter in ("1", "2"):
        result = runner.invoke(args=["ballots", "import", str(vote_id), path, "--counter", counter])
        assert result.exit_code == 0, result.output
    with app.app_context():
        choices = sorted(db.session.scalars(db.select(Ballot.choice).where(Ballot.vote_id == vote_id)))
    assert choices == ["abstain", "against", "for"]


def test_ballots_import_refuses_an_unreadable_file(app, runner, world, motion, tmp_path):
    vote_id = motion()
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\x01\x02binary")
    assert runner.invoke(args=["ballots", "import", str(vote_id), str(path)]).exit_code != 0
    wrong = tmp_path / "x.txt"
    wrong.write_text("楼栋,房号,表决\n")
    assert runner.invoke(args=["ballots", "import", str(vote_id), str(wrong)]).exit_code != 0


def test_paper_import_from_the_page_shows_the_errors(app, client, world, election):
    from io import BytesIO

    vote_id = election()
    login(client, "organiser")
    data = "楼栋,房号,选择\n1栋,1-101,甲\n1栋,1-102,乙\n".encode()
    response = client.post(f"/compounds/A/votes/{vote_id}/paper/import",
                           data={"counter_name": "甲", "slot": "", "ballot_file": (BytesIO(data), "b.csv")})
    assert response.status_code == 400 and "第2行和第3行" in response.get_data(as_text=True)
    good = "楼栋,房号,选择\n1栋,1-101,甲\n".encode()
    response = client.post(f"/compounds/A/votes/{vote_id}/paper/import",
                           data={"counter_name": "甲", "slot": "1", "ballot_file": (BytesIO(good), "b.csv")})
    assert response.status_code == 302 and count(app, PaperEntry, vote_id) == 1


def test_a_write_that_loses_a_race_is_explained_not_a_500(app, client, world, motion, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from committee_app.voting import operations

    vote_id = motion()
    login(client, "organiser")

    def busy(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(operations, "enter_paper", busy)
    response = enter(client, vote_id, choice="for")
    assert response.status_code == 503 and "数据库正忙" in response.get_data(as_text=True)
    monkeypatch.setattr(operations, "close_vote", busy)
    page = client.post(f"/compounds/A/votes/{vote_id}/close", follow_redirects=True).get_data(as_text=True)
    assert "数据库正忙" in page
    assert count(app, PaperEntry, vote_id) == 0
