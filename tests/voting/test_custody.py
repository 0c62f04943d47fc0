"""Codes in custody (issue 12, item 2): letters go once per voter; a lost letter is reprinted
for that voter alone, with a reason, audited with the organiser's name; no bulk reprint once
the vote is open; a code ballot's audit entry names its channel and letter batch; the count
record says how many code ballots came from reprinted letters; reading one voter's ballot is
for inspections only, with a reason, and always audited."""
import json
import re
import shutil

from committee_app.audit.models import AuditEntry
from committee_app.audit.operations import verify_chain
from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.voting import operations
from committee_app.voting.models import LetterBatch, Vote, VotingCode

from tests.conftest import login
from tests.jobs.helpers import document

from .conftest import cast, voter_id
from .test_lifecycle import needs_poppler, pdf_text

CODE = r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"


def issue(app, vote_id, actor="organiser-test"):
    with app.app_context():
        issued = operations.issue_letters(db.session.get(Vote, vote_id), actor=actor)
        db.session.commit()
        return issued.codes


def works(client, vote_id, code) -> bool:
    return "投票码不正确" not in client.get(f"/ballot/{vote_id}?code={code}").get_data(as_text=True)


def entries(app, action):
    with app.app_context():
        return [(e.actor_name, json.loads(e.after)) for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))]


def cast_with_code(client, vote_id, code):
    response = client.post(f"/ballot/{vote_id}/cast", data={"code": code, "choice": "for", "confirmed": "1"})
    assert response.status_code == 200, response.get_data(as_text=True)


def test_printing_the_letters_again_while_the_vote_is_open_voids_no_delivered_code(app, client, world, motion):
    vote_id = motion()
    login(client, "organiser")
    first = document(app, client, client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    assert first.mimetype == "application/pdf"
    with app.app_context():
        hashes = set(db.session.scalars(db.select(VotingCode.code_hash)))
        batch = db.session.scalar(db.select(LetterBatch))
        assert (batch.number, batch.kind, batch.printed_by_name, len(batch.voter_ids)) == (1, "original", "organiser", 5)
    again = client.post(f"/compounds/A/votes/{vote_id}/letters-job", follow_redirects=True)
    assert again.mimetype == "text/html" and "通知书只发一次" in again.get_data(as_text=True)
    with app.app_context():
        assert set(db.session.scalars(db.select(VotingCode.code_hash))) == hashes
        assert db.session.scalar(db.select(db.func.count(LetterBatch.id))) == 1


def test_a_lost_letter_is_reprinted_for_that_voter_alone_with_a_reason(app, client, world, motion, tmp_path):
    vote_id = motion()
    codes = issue(app, vote_id)
    with app.app_context():
        zhao, zhang = voter_id(world.a, "赵喆"), voter_id(world.a, "张三")
    login(client, "organiser")
    refused = client.post(f"/compounds/A/votes/{vote_id}/letters/reprint",
                          data={"building": "1栋", "unit": "1-202", "reason": "  "}, follow_redirects=True)
    assert "须写明理由" in refused.get_data(as_text=True)
    assert works(client, vote_id, codes[zhao])  # nothing voided by a refused reprint
    response = client.post(f"/compounds/A/votes/{vote_id}/letters/reprint",
                           data={"building": "1栋", "unit": "1-202", "reason": "业主报告通知书遗失"})
    assert response.mimetype == "application/pdf" and "reprint" in response.headers["Content-Disposition"]
    client.post("/logout")
    assert not works(client, vote_id, codes[zhao])  # the lost letter's code is void
    assert works(client, vote_id, codes[zhang])  # every other delivered code still works
    [(actor, after)] = entries(app, "vote.letter_reprint")
    assert actor == "organiser" and after["by"] == "organiser" and after["reason"] == "业主报告通知书遗失"
    assert after["voter"] == zhao and after["batch"] == 2 and after["voided_batch"] == 1
    with app.app_context():
        batch = db.session.scalar(db.select(LetterBatch).where(LetterBatch.number == 2))
        assert batch.kind == "reprint" and batch.voter_ids == [zhao]
    if shutil.which("pdftotext") is None:
        return
    text = pdf_text(response.data, tmp_path)
    new_codes = re.findall(CODE, text)
    assert "赵喆" in text and "张三" not in text and "第 2 批（补打" in text.replace("\n", "")
    assert len(set(new_codes)) == 1 and works(client, vote_id, new_codes[0])


def test_no_reprint_for_a_voter_who_has_voted(app, world, motion):
    vote_id = motion()
    codes = issue(app, vote_id)
    with app.app_context():
        zhao = voter_id(world.a, "赵喆")
    app.test_client().post(f"/ballot/{vote_id}/cast", data={"code": codes[zhao], "choice": "for", "confirmed": "1"})
    with app.app_context():
        try:
            operations.reprint_letter(db.session.get(Vote, vote_id), zhao, reason="遗失")
        except operations.VotingError as error:
            assert "已经投票" in str(error)
        else:
            raise AssertionError("a voter who has voted got a new code")


def test_no_bulk_reprint_once_the_vote_is_open(app, client, world, motion):
    vote_id = motion(open=False)
    codes = issue(app, vote_id)
    login(client, "organiser")
    # before the vote opens a lost print run may be printed again, with a reason
    response = document(app, client, client.post(f"/compounds/A/votes/{vote_id}/letters/reprint-all-job",
                                                  data={"reason": "打印件被雨淋湿"}))
    assert response.mimetype == "application/pdf"
    assert not any(works(client, vote_id, code) for code in codes.values())
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        operations.open_vote(db.session.get(Vote, vote_id), compound, enforce_gate=False)
        db.session.commit()
        hashes = set(db.session.scalars(db.select(VotingCode.code_hash)))
    refused = client.post(f"/compounds/A/votes/{vote_id}/letters/reprint-all-job", data={"reason": "再印一次"},
                          follow_redirects=True)
    assert refused.mimetype == "text/html" and "不能整批重印" in refused.get_data(as_text=True)
    with app.app_context():
        assert set(db.session.scalars(db.select(VotingCode.code_hash))) == hashes
    [(_actor, after)] = entries(app, "vote.letters_reprint_all")
    assert after["voided"] == 5 and after["reason"] == "打印件被雨淋湿"


def test_a_code_ballots_audit_entry_names_its_channel_and_letter_batch(app, client, world, motion):
    vote_id = motion()
    codes = issue(app, vote_id)
    with app.app_context():
        zhao, zhang, qian = voter_id(world.a, "赵喆"), voter_id(world.a, "张三"), voter_id(world.a, "钱堃")
        reprinted = operations.reprint_letter(db.session.get(Vote, vote_id), zhao, reason="遗失",
                                              actor="organiser-test").codes[zhao]
        cast(vote_id, qian, choice="against")  # an owner's account
        db.session.commit()
    cast_with_code(client, vote_id, reprinted)
    cast_with_code(client, vote_id, codes[zhang])
    with app.app_context():
        operations.close_vote(db.session.get(Vote, vote_id), db.session.get(Compound, world.a))
        db.session.commit()
        assert verify_chain().is_intact
    casts = [after for _actor, after in entries(app, "ballot.cast")]
    assert sorted((c["channel"], json.dumps(c.get("letter"), sort_keys=True)) for c in casts) == [
        ("account", "null"),
        ("code", json.dumps({"batch": 1, "kind": "original"}, sort_keys=True)),
        ("code", json.dumps({"batch": 2, "kind": "reprint"}, sort_keys=True)),
    ]
    assert all("voter" not in json.dumps(c) for c in casts)  # the entry never names the voter


@needs_poppler
def test_the_count_record_states_how_many_code_ballots_came_from_reprinted_letters(app, client, world, motion,
                                                                                    tmp_path):
    vote_id = motion()
    codes = issue(app, vote_id)
    with app.app_context():
        zhao, zhang = voter_id(world.a, "赵喆"), voter_id(world.a, "张三")
        reprinted = operations.reprint_letter(db.session.get(Vote, vote_id), zhao, reason="遗失").codes[zhao]
        db.session.commit()
    cast_with_code(client, vote_id, reprinted)
    cast_with_code(client, vote_id, codes[zhang])
    login(client, "organiser")
    client.post(f"/compounds/A/votes/{vote_id}/close")
    client.post(f"/compounds/A/votes/{vote_id}/count")
    text = pdf_text(document(app, client, client.post(f"/compounds/A/votes/{vote_id}/count-record-job")).data,
                    tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "投票码选票2张，其中使用补打通知书投票码的1张" in flat
    assert "补打1批（1份）" in flat


def test_reading_one_voters_ballot_needs_a_reason_and_is_always_audited(app, client, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "赵喆", choice="against")
        db.session.commit()
    login(client, "organiser")  # the organiser runs the vote but never reads one voter's ballot
    assert "ballot-inspection" not in client.get(f"/compounds/A/votes/{vote_id}").get_data(as_text=True)
    assert client.get(f"/compounds/A/votes/{vote_id}/ballot-inspection").status_code == 403
    login(client, "officer")
    assert "ballot-inspection" in client.get(f"/compounds/A/votes/{vote_id}").get_data(as_text=True)
    no_reason = client.post(f"/compounds/A/votes/{vote_id}/ballot-inspection",
                            data={"building": "1栋", "unit": "1-202", "reason": ""})
    assert no_reason.status_code == 400 and "反对" not in no_reason.get_data(as_text=True)
    assert entries(app, "ballot.read") == []
    page = client.post(f"/compounds/A/votes/{vote_id}/ballot-inspection",
                       data={"building": "1栋", "unit": "1-202", "reason": "法院调取函（2026）川0124民初1号"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "反对" in text and "网上（业主账号）" in text
    assert "赵喆" not in text  # the reader named the unit; the page never names the voter
    [(actor, after)] = entries(app, "ballot.read")
    assert actor == "officer" and after["reason"].startswith("法院调取函") and after["found"] is True
    # reading the unit of a voter without a ballot is audited too (whether someone voted is personal)
    client.post(f"/compounds/A/votes/{vote_id}/ballot-inspection",
                data={"building": "1栋", "unit": "1-101", "reason": "业主投诉 12 号"})
    assert [after["found"] for _actor, after in entries(app, "ballot.read")] == [True, False]


def test_the_ballot_inspection_command_is_audited(app, runner, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "赵喆", choice="for")
        db.session.commit()
    refused = runner.invoke(args=["ballots", "inspect", str(vote_id), "1栋", "1-202", "--reason", " ", "--by", "李法官"])
    assert refused.exit_code != 0 and entries(app, "ballot.read") == []
    result = runner.invoke(args=["ballots", "inspect", str(vote_id), "1栋", "1-202", "--reason", "法院调取",
                                 "--by", "李法官"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["text"] == "同意"
    [(actor, after)] = entries(app, "ballot.read")
    assert actor == "cli:李法官" and after["reason"] == "法院调取"


def test_pages_that_list_ballots_never_name_a_voter(app, client, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "赵喆", choice="against")
        db.session.commit()
    login(client, "organiser")
    for path in ("", "/count", "/letters"):
        page = client.get(f"/compounds/A/votes/{vote_id}{path}").get_data(as_text=True)
        assert "赵喆" not in page, path


def test_opening_a_proxys_authorisation_is_an_audited_ballot_read(app, client, world, motion):
    import io

    vote_id = motion()
    login(client, "organiser")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for slot, counter in (("1", "计票人甲"), ("2", "计票人乙")):
        data = {"building": "1栋", "unit": "1-202", "slot": slot, "counter_name": counter, "choice": "for",
                "proxy_name": "赵小喆"}
        if slot == "1":
            data["proxy_document"] = (io.BytesIO(png), "proxy.png")
        client.post(f"/compounds/A/votes/{vote_id}/paper", data=data, content_type="multipart/form-data")
    with app.app_context():
        from committee_app.voting.models import Ballot

        ballot_id = db.session.scalar(db.select(Ballot.id).where(Ballot.vote_id == vote_id, Ballot.channel == "proxy"))
    assert ballot_id is not None and entries(app, "ballot.read") == []
    response = client.get(f"/compounds/A/votes/{vote_id}/ballots/{ballot_id}/proxy-document")
    try:
        assert response.status_code == 200 and response.data == png
    finally:
        response.close()
    [(actor, after)] = entries(app, "ballot.read")
    assert actor == "organiser" and after["what"] == "proxy_document" and after["found"] is True
