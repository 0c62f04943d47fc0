"""The whole story of issue 5: an organiser runs a vote end to end — letters printed,
owners vote online by the code on their letter, paper ballots entered twice, the count
shown by headcount and area with its citations, the result notice posted — and
`tally --json` gives the same numbers."""
import json
import re
import shutil
import subprocess

import pytest

from committee_app.extensions import db
from committee_app.voting.models import Vote

from tests.conftest import login
from tests.jobs.helpers import document


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_an_organiser_runs_an_election_end_to_end(app, client, runner, world, tmp_path):
    from datetime import timedelta

    from committee_app import clock
    from committee_app.notices.operations import post_notice
    from committee_app.registry.models import Compound

    with app.app_context():  # the general meeting notice has stood its 15 days (PMR art 14)
        post_notice(db.session.get(Compound, world.a), kind="meeting_notice", title="业主大会会议通知",
                    posted_on=clock.today() - timedelta(days=15))
        db.session.commit()
    login(client, "organiser")
    client.post("/compounds/A/votes", data={"kind": "election", "title": "第二届业主委员会选举", "seats": "2",
                                            "is_by_election": "y", "subject": "other", "matter": "ordinary"})
    with app.app_context():
        vote_id = db.session.scalar(db.select(Vote.id))
    for name in ("甲", "乙", "丙"):
        client.post(f"/compounds/A/votes/{vote_id}/candidates", data={"name": name, "statement": f"{name}的陈述"})
    client.post(f"/compounds/A/votes/{vote_id}/open")
    letters = document(app, client, client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    path = tmp_path / "letters.pdf"
    path.write_bytes(letters.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    # each page: the voter's name and their code
    pages = text.split("\f")
    code_of = {}
    for page in pages:
        match = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page)
        for name in ("张三", "李四", "赵喆", "钱堃"):
            if match and f"尊敬的 {name}" in page:
                code_of[name] = match.group(0)
    assert set(code_of) == {"张三", "李四", "赵喆", "钱堃"}
    with app.app_context():
        from committee_app.voting.models import Candidate
        ids = {c.name: str(c.id) for c in db.session.scalars(db.select(Candidate).where(Candidate.vote_id == vote_id))}

    # three owners vote online with the code from their letter (anonymous phones)
    phone = app.test_client()
    for name, marks in (("张三", ["甲", "乙"]), ("李四", ["甲"]), ("赵喆", ["乙", "丙"])):
        chosen = [ids[m] for m in marks]
        assert phone.get(f"/ballot/{vote_id}?code={code_of[name]}").status_code == 200
        assert phone.post(f"/ballot/{vote_id}/confirm", data={"code": code_of[name], "candidate": chosen}).status_code == 200
        assert phone.post(f"/ballot/{vote_id}/cast", data={"code": code_of[name], "candidate": chosen,
                                                            "confirmed": "1"}).status_code == 200
    # the developer's paper ballot, entered by two counters
    for slot, counter in (("1", "计票人甲"), ("2", "计票人乙")):
        client.post(f"/compounds/A/votes/{vote_id}/paper", data={
            "building": "2栋", "unit": "2-101", "slot": slot, "counter_name": counter, "candidate": [ids["甲"]]})
    client.post(f"/compounds/A/votes/{vote_id}/close")
    client.post(f"/compounds/A/votes/{vote_id}/count")
    count_page = client.get(f"/compounds/A/votes/{vote_id}/count").get_data(as_text=True)
    client.post(f"/compounds/A/votes/{vote_id}/result-notice")

    data = json.loads(runner.invoke(args=["tally", str(vote_id), "--json"]).output)
    assert data["participation"] == {"headcount": 4, "area": "595.75", "quorum_met": True}
    rows = {row["name"]: row for row in data["candidates"]}
    assert rows["甲"] == {"name": "甲", "headcount": 3, "area": "500.50", "approved": True, "elected": True}
    assert rows["乙"] == {"name": "乙", "headcount": 2, "area": "275.75", "approved": False, "elected": False}
    assert data["status"] == "seats_unfilled"
    # the page shows the same numbers, with the thresholds' citations
    for number in ("595.75", "500.50", "275.75", "607.75"):
        assert number in count_page
    assert "CC art 278" in count_page and "CC art 1259" in count_page and "过半数" in count_page
    board = client.get("/board/A").get_data(as_text=True)
    assert "第二届业主委员会选举表决结果公告" in board
    box = app.test_client().get(f"/board/A/votes/{vote_id}").get_data(as_text=True)
    assert box.count("<tr") == 5  # header + 4 ballots, no names
    assert "张三" not in box and "李四" not in box
