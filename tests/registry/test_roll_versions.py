"""Roll versions: an organiser previews a new roll (who joins, leaves, changes area), confirms
or cancels it; a vote counts for ever against the version current when it opened; the roll
is locked only while a vote is open."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from committee_app.extensions import db
from committee_app.registry import operations
from committee_app.registry.models import Compound, RollEntry, RollVersion, Voter
from committee_app.storage.models import StoredFile
from tests.conftest import SMALL_ROLL, login, roll_csv

# SMALL_ROLL (version 1 of every world compound): 张三 (R1, two flats, 180.50), 李四、王芳 (90.00),
# 赵喆 (95.25), the developer (two unsold flats, 230.00), 钱堃 (parking, 12.00).
# Version 2: 赵喆 leaves, 孙悦 joins, 张三 loses a flat (100.00), 1-201 changes hands.
ROLL_V2 = roll_csv([
    "1栋,1-101,100.00,张三,R1,已售,,",
    "1栋,1-201,90.00,周敏,,已售,,",
    "2栋,2-101,120.00,,,未售,,",
    "2栋,2-102,110.00,,,未售,,",
    "车库,P-001,12.00,钱堃,,已售,,是",
    "3栋,3-101,88.00,孙悦,,已售,,",
])


def upload(client, code, data, filename="roll.csv"):
    return client.post(f"/compounds/{code}/roll", data={"roll_file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def compound_a(world) -> Compound:
    return db.session.get(Compound, world.a)


# --------------------------------------------------------------------------- the difference


def test_the_preview_shows_who_joins_leaves_and_changes_area_and_replaces_nothing(app, client, world):
    login(client, "organiser")
    response = upload(client, "A", ROLL_V2)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "名册预览：尚未替换现行名册" in page
    for fragment in ('id="diff-joins"', "孙悦", "3栋-3-101",  # joins
                     'id="diff-leaves"', "赵喆", "1栋-1-202",  # leaves
                     'id="diff-area_changes"', "180.50", "100.00",  # 张三 kept one flat
                     'id="diff-owner_changes"', "周敏", "李四、王芳"):  # 1-201 changed hands
        assert fragment in page
    assert "1 名表决权人将退出名册" in page  # the 38 -> 3 surprise is said in words
    with app.app_context():
        version = db.session.scalar(select(RollVersion).where(RollVersion.compound_id == world.a,
                                                              RollVersion.state == "pending"))
        diff = version.diff
        assert [i["name"] for i in diff["joins"]["items"]] == ["孙悦"]
        assert [i["name"] for i in diff["leaves"]["items"]] == ["赵喆"]
        assert [(i["name"], i["area_before"], i["area"]) for i in diff["area_changes"]["items"]] == [
            ("张三", "180.50", "100.00")]
        assert [(i["name_before"], i["name"]) for i in diff["owner_changes"]["items"]] == [("李四、王芳", "周敏")]
        summary = operations.roll_summary(compound_a(world))
        assert (summary.voters, summary.area, summary.version) == (5, Decimal("607.75"), 1)  # nothing replaced


def test_confirming_makes_the_upload_version_2(app, client, world):
    login(client, "organiser")
    preview = upload(client, "A", ROLL_V2).headers["Location"]
    response = client.post(preview + "/confirm", follow_redirects=True)
    assert "名册第 2 版已生效" in response.get_data(as_text=True)
    with app.app_context():
        compound = compound_a(world)
        summary = operations.roll_summary(compound)
        assert (summary.voters, summary.area, summary.version) == (5, Decimal("520.00"), 2)
        states = dict(db.session.execute(select(RollVersion.number, RollVersion.state)
                                          .where(RollVersion.compound_id == world.a)).all())
        assert states == {1: "superseded", 2: "current"}
        version = operations.current_version(compound)
        assert version.confirmed_by_name == "organiser" and len(version.sha256) == 64
        assert db.session.get(StoredFile, version.stored_file_id).sha256 == version.sha256
        # version 1 is kept whole: 赵喆 is still on it, off the current roll
        zhao = db.session.scalar(select(Voter).where(Voter.compound_id == world.a, Voter.display_name == "赵喆"))
        assert not zhao.is_on_roll
        first = db.session.scalar(select(RollVersion.id).where(RollVersion.compound_id == world.a,
                                                               RollVersion.number == 1))
        assert db.session.scalar(select(RollEntry.area).where(RollEntry.roll_version_id == first,
                                                              RollEntry.voter_id == zhao.id)) == Decimal("95.25")
    assert client.post(preview + "/confirm").status_code == 302  # a second confirm is refused
    with app.app_context():
        assert operations.roll_summary(compound_a(world)).version == 2


def test_cancelling_leaves_the_roll_as_it_was_and_drops_the_file(app, client, world):
    login(client, "organiser")
    preview = upload(client, "A", ROLL_V2).headers["Location"]
    page = client.post(preview + "/cancel", follow_redirects=True).get_data(as_text=True)
    assert "已取消这次上传" in page
    with app.app_context():
        version = db.session.scalar(select(RollVersion).where(RollVersion.compound_id == world.a,
                                                              RollVersion.number.is_(None)))
        assert version.state == "cancelled" and version.stored_file_id is None
        assert db.session.scalar(select(func.count(StoredFile.id)).where(
            StoredFile.purpose == "registry.roll_file")) == 3  # the world's three version-1 files
        assert operations.roll_summary(compound_a(world)).voters == 5
    assert client.post(preview + "/confirm").status_code == 302
    with app.app_context():
        assert operations.roll_summary(compound_a(world)).version == 1


def test_a_preview_made_before_another_roll_was_confirmed_cannot_be_confirmed(app, client, world):
    login(client, "organiser")
    stale = upload(client, "A", ROLL_V2).headers["Location"]
    with app.app_context():
        operations.import_roll(compound_a(world), "roll.csv", SMALL_ROLL, imported_by="cli")
        db.session.commit()
    page = client.post(stale + "/confirm", follow_redirects=True).get_data(as_text=True)
    assert "预览之后名册已被更改" in page or "已确认或已取消" in page
    with app.app_context():
        assert operations.roll_summary(compound_a(world)).voters == 5


def test_an_owner_account_follows_its_voter_key_across_versions(app, client, world):
    from committee_app.policy import owner_voter
    from committee_app.accounts.models import User

    with app.app_context():
        owner = db.session.get(User, world.users["owner"])  # 赵喆 of compound A
        before = owner_voter(owner, compound_a(world))
        operations.import_roll(compound_a(world), "roll.csv", SMALL_ROLL.replace(b"95.25", b"96.00"))
        db.session.commit()
        again = owner_voter(owner, compound_a(world))
        assert again.id == before.id and again.area == Decimal("96.00")
        operations.import_roll(compound_a(world), "roll.csv", ROLL_V2)  # 赵喆 sold 1-202
        db.session.commit()
        assert owner_voter(owner, compound_a(world)) is None


# --------------------------------------------------------------------------- votes keep their version


def _election(world, *, open_it=True):
    from committee_app.voting import operations as voting

    compound = compound_a(world)
    vote = voting.create_election(compound, title="第二届业委会选举", seats=1, candidates=["甲", "乙"], is_by_election=True)
    if open_it:
        voting.open_vote(vote, compound, enforce_gate=False)
    return vote


def _cast(vote, name, candidate):
    from committee_app.voting import operations as voting
    from committee_app.voting.models import Candidate

    voter_id = db.session.scalar(select(Voter.id).where(Voter.compound_id == vote.compound_id,
                                                        Voter.display_name.contains(name)))
    candidate_id = db.session.scalar(select(Candidate.id).where(Candidate.vote_id == vote.id,
                                                                Candidate.name == candidate))
    voting.cast_online(vote, voter_id, voting.check_selection(vote, [candidate_id], None))


def test_a_vote_opened_on_version_1_counts_the_same_after_version_2(app, runner, world):
    from committee_app.voting import operations as voting
    from committee_app.voting.tally import tally
    from committee_app.voting.util import count_record_context

    with app.app_context():
        vote = _election(world)
        for name, candidate in (("张三", "甲"), ("赵喆", "甲"), ("李四", "乙"), ("钱堃", "乙")):
            _cast(vote, name, candidate)
        db.session.commit()
        with pytest.raises(operations.RegistryError, match="名册已锁定"):
            operations.import_roll(compound_a(world), "roll.csv", ROLL_V2)
        db.session.rollback()
        voting.close_vote(vote, compound_a(world))
        db.session.commit()
        vote_id = vote.id
        on_version_1 = tally(vote)
        assert on_version_1["roll_version"] == 1
        assert on_version_1["roll"] == {"headcount": 5, "area": "607.75"}
        operations.import_roll(compound_a(world), "roll.csv", ROLL_V2)  # allowed once the vote closed
        db.session.commit()
        assert operations.roll_summary(compound_a(world)).area == Decimal("520.00")
        vote = db.session.get(type(vote), vote_id)
        assert tally(vote) == on_version_1  # 赵喆 left and 张三 shrank: the count does not move
        voting.count_vote(vote, compound_a(world))
        db.session.commit()
        record = count_record_context(vote, compound_a(world))
        assert record["count"]["result"] == on_version_1
        operations.import_roll(compound_a(world), "roll.csv", SMALL_ROLL.replace(b"100.00", b"150.00"))
        db.session.commit()
        assert count_record_context(db.session.get(type(vote), vote_id), compound_a(world))["count"] == record["count"]
    result = runner.invoke(args=["tally", str(vote_id), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == on_version_1
    summary = json.loads(runner.invoke(args=["roll", "summary", "A", "--json"]).output)
    assert summary["roll_version"] == 3


def test_the_count_record_and_the_ballot_box_name_the_version(app, client, world):
    from committee_app.voting import operations as voting
    from committee_app.voting.util import count_record_context

    with app.app_context():
        vote = _election(world)
        _cast(vote, "张三", "甲")
        voting.close_vote(vote, compound_a(world))
        db.session.commit()
        vote_id = vote.id
        assert count_record_context(vote, compound_a(world))["count"]["result"]["roll_version"] == 1
    page = client.get(f"/board/A/votes/{vote_id}").get_data(as_text=True)
    assert 'id="roll-version"' in page and "名册第 1 版" in page


def test_a_draft_vote_opens_on_the_roll_current_at_opening(app, world):
    with app.app_context():
        vote = _election(world, open_it=False)
        operations.import_roll(compound_a(world), "roll.csv", ROLL_V2)
        from committee_app.voting import operations as voting

        voting.open_vote(vote, compound_a(world), enforce_gate=False)
        db.session.commit()
        assert vote.roll_version.number == 2


def test_codes_issued_before_opening_to_someone_who_left_stop_working(app, world):
    from committee_app.voting import operations as voting

    with app.app_context():
        vote = _election(world, open_it=False)
        codes = voting.issue_codes(vote)
        zhao = db.session.scalar(select(Voter.id).where(Voter.compound_id == world.a, Voter.display_name == "赵喆"))
        operations.import_roll(compound_a(world), "roll.csv", ROLL_V2)
        voting.open_vote(vote, compound_a(world), enforce_gate=False)
        db.session.commit()
        assert voting.find_code(vote, codes[zhao]) is None
        kept = next(code for voter_id, code in codes.items() if voter_id != zhao)
        assert voting.find_code(vote, kept) is not None


def test_the_page_refuses_an_upload_while_a_vote_is_open(app, client, world):
    with app.app_context():
        _election(world)
        db.session.commit()
    login(client, "organiser")
    response = upload(client, "A", ROLL_V2)
    assert response.status_code == 400
    assert "正在投票" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- the roll notice and the CLI


def test_the_roll_notice_names_its_version(app, world):
    from committee_app.registry.util import roll_notice_context

    with app.app_context():
        operations.import_roll(compound_a(world), "名册第二版.csv", ROLL_V2)
        context = roll_notice_context(compound_a(world))
        assert context["roll_version"]["number"] == 2 and context["roll_version"]["filename"] == "名册第二版.csv"
        assert [v["name"] for v in context["voters"]][:2] == ["张三", "周敏"]
        from committee_app.pdf import render_pdf

        assert render_pdf("roll_notice.html", **context).startswith(b"%PDF")


def test_the_cli_prints_the_difference_and_a_dry_run_changes_nothing(app, runner, world, tmp_path):
    path = tmp_path / "roll.csv"
    path.write_bytes(ROLL_V2)
    result = runner.invoke(args=["roll", "import", "A", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "joins: 1" in result.output and "孙悦" in result.output and "leaves: 1" in result.output
    assert "180.50 -> 100.00" in result.output and "nothing was imported" in result.output
    with app.app_context():
        assert operations.roll_summary(compound_a(world)).version == 1
        assert db.session.scalar(select(func.count(RollVersion.id)).where(RollVersion.compound_id == world.a)) == 1
    result = runner.invoke(args=["roll", "import", "A", str(path), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["roll_version"] == 2 and printed["diff"]["leaves"]["count"] == 1
    assert json.loads(runner.invoke(args=["roll", "summary", "A", "--json"]).output)["roll_version"] == 2
    listed = json.loads(runner.invoke(args=["roll", "versions", "A", "--json"]).output)
    assert [(v["roll_version"], v["state"], v["voters"]) for v in listed] == [(2, "current", 5), (1, "superseded", 5)]
    assert listed[0]["confirmed_by"] == "cli" and listed[0]["sha256"] == printed["sha256"]


# --------------------------------------------------------------------------- warnings


SHARED = roll_csv([
    "1栋,1-101,90.00,王伟,,已售,13900000001,",
    "2栋,2-101,90.00,王伟,,已售,,",  # same name, no owner_ref: two voters, warned
    "3栋,3-101,90.00,刘洋,,已售,13900000001,",  # same phone as 1-101
    "4栋,4-101,90.00,陈静,C1,已售,,",
    "5栋,5-101,90.00,陈静,C2,已售,,",  # two owner_refs: two people who share a name, no warning
])


def test_shared_names_or_phones_without_owner_ref_are_warned_never_merged(app, client, world, runner, tmp_path):
    login(client, "organiser")
    preview = upload(client, "A", SHARED).headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert 'id="roll-warnings"' in page
    assert "业主「王伟」出现在 1栋-1-101、2栋-2-101" in page
    assert "手机 13900000001 出现在 1栋-1-101、3栋-3-101" in page
    assert "陈静" not in page.split('id="roll-warnings"')[1].split("</div>")[0]
    client.post(preview + "/confirm")
    with app.app_context():
        assert operations.roll_summary(compound_a(world)).voters == 5  # nothing merged
    path = tmp_path / "shared.csv"
    path.write_bytes(SHARED)
    result = runner.invoke(args=["roll", "import", "B", str(path)])
    assert result.exit_code == 0 and result.output.count("warning:") == 2


# --------------------------------------------------------------------------- bounded imports


def test_a_roll_over_the_row_cap_is_refused_while_streaming(app, client, world):
    app.config["ROLL_MAX_ROWS"] = 5
    login(client, "organiser")
    rows = [f"9栋,9-{n},90.00,业主{n},,已售,," for n in range(6)]
    response = upload(client, "A", roll_csv(rows))
    assert response.status_code == 400
    assert "文件超过 5 行的上限" in response.get_data(as_text=True)
    assert upload(client, "A", roll_csv(rows[:5])).status_code == 302


def test_an_xlsx_bomb_is_refused_before_it_is_read(app, client, world):
    import zipfile

    from committee_app.registry.rollfile import template_xlsx

    source = zipfile.ZipFile(io.BytesIO(template_xlsx("zh")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, source.read(item.filename))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            row = b'<row><c t="inlineStr"><is><t>1</t></is></c></row>' * 10_000
            for _ in range(150):  # 1.5 million rows, about 75 MB unzipped
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    data = buffer.getvalue()
    assert len(data) < 2 * 1024 * 1024
    login(client, "organiser")
    response = upload(client, "A", data, filename="bomb.xlsx")
    assert response.status_code == 400
    assert "解压后超过 64 MB 的上限" in response.get_data(as_text=True)


def test_201_errors_list_200_and_say_1_more(app, client, world, runner, tmp_path):
    rows = [f"9栋,9-{n},abc,业主{n},,已售,," for n in range(201)]
    login(client, "organiser")
    response = upload(client, "A", roll_csv(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "名册文件有 201 处错误" in page
    assert page.split('id="roll-errors"')[1].split("</table>")[0].count("<tr>") == 201  # header + 200
    assert "还有 1 处错误未列出" in page
    path = tmp_path / "bad.csv"
    path.write_bytes(roll_csv(rows))
    result = runner.invoke(args=["roll", "import", "A", str(path)])
    assert result.exit_code != 0 and "… and 1 more" in result.output


@pytest.mark.parametrize("row, column", [
    ("9栋,9-1,90.00,张" + "三" * 200 + ",,已售,,", "业主"),
    ("9" * 61 + ",9-1,90.00,张三,,已售,,", "楼栋"),
    ("9栋,9-1,90.00,张三,,已售," + "1" * 41 + ",", "手机"),
    ("9栋,9-1,90.00,张\x00三,,已售,,", "业主"),
])
def test_text_too_long_for_its_column_or_a_nul_is_a_row_error_not_a_database_error(app, client, world, row,
                                                                                    column):
    login(client, "organiser")
    response = upload(client, "A", roll_csv(["9栋,9-0,90.00,李四,,已售,,", row]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "未导入任何数据" in page
    errors = page.split('id="roll-errors"')[1].split("</table>")[0]
    assert "<td>3</td><td>" + column + "</td>" in errors


def test_errors_name_the_column_in_the_pages_language(app, client, world):
    login(client, "organiser")
    bad = roll_csv(["9栋,9-1,abc,张三,,已售,,"])
    errors = upload(client, "A", bad).get_data(as_text=True).split('id="roll-errors"')[1]
    assert "<td>2</td><td>面积</td>" in errors and ">area<" not in errors
    client.post("/language", data={"locale": "en"})
    errors = upload(client, "A", bad).get_data(as_text=True).split('id="roll-errors"')[1]
    assert "<td>2</td><td>area</td>" in errors and "abc&#34; is not a number" in errors


# --------------------------------------------------------------------------- the template


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_and_imports_as_it_is(app, client, world, fmt):
    from committee_app.registry.rollfile import parse_roll_file

    login(client, "organiser")
    page = client.get("/compounds/A/roll").get_data(as_text=True)
    assert f"/compounds/A/roll/template.{fmt}" in page
    response = client.get(f"/compounds/A/roll/template.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    result = parse_roll_file(f"template.{fmt}", response.data)
    assert result.ok, [str(e) for e in result.errors]
    assert [row.unit for row in result.rows] == ["1-101", "1-102", "2-101", "P-012", "3-101"]
    client.post("/language", data={"locale": "en"})
    english = parse_roll_file(f"template.{fmt}", client.get(f"/compounds/A/roll/template.{fmt}").data)
    assert english.ok and english.rows[0].building == "Block 1"


def test_paper_ballots_entered_after_the_close_map_units_through_the_votes_version(app, world):
    from committee_app.voting import operations as voting
    from committee_app.voting.models import PaperEntry

    with app.app_context():
        vote = _election(world)
        voting.close_vote(vote, compound_a(world))
        operations.import_roll(compound_a(world), "roll.csv", ROLL_V2)  # 赵喆 (1-202) left, 3-101 joined
        db.session.commit()
        late = "楼栋,房号,选择\n1栋,1-202,甲\n3栋,3-101,乙\n".encode()
        with pytest.raises(voting.PaperRejected) as rejected:
            voting.import_paper_file(vote, "ballots.csv", late, slot=1, counter_name="计票人甲")
        assert [e.row for e in rejected.value.errors] == [3]  # 3-101 was not on the vote's roll
        db.session.rollback()
        voting.import_paper_file(vote, "ballots.csv", "楼栋,房号,选择\n1栋,1-202,甲\n".encode(), slot=1,
                                 counter_name="计票人甲")
        zhao = db.session.scalar(select(Voter.id).where(Voter.compound_id == world.a, Voter.display_name == "赵喆"))
        assert db.session.scalar(select(PaperEntry.voter_id).where(PaperEntry.vote_id == vote.id)) == zhao
        from committee_app.voting.util import paper_status

        assert paper_status(vote).waiting[0]["units"] == "1栋-1-202"


def test_someone_who_left_the_roll_is_no_longer_an_owner_for_grants_or_proposal_support(app, world):
    from committee_app.accounts import operations as accounts
    from committee_app.accounts.models import Role
    from committee_app.meetings.operations import submit_proposal, support_of, support_proposal

    with app.app_context():
        compound = compound_a(world)
        zhao = db.session.scalar(select(Voter).where(Voter.compound_id == world.a, Voter.display_name == "赵喆"))
        zhang = db.session.scalar(select(Voter).where(Voter.compound_id == world.a, Voter.key == "ref:R1"))
        proposal = submit_proposal(compound, zhao, title="更换电梯", body="电梯老化，提议更换。")
        support_proposal(proposal, zhang)
        db.session.commit()
        assert support_of(proposal, compound).headcount == 2
        operations.import_roll(compound, "roll.csv", ROLL_V2)
        db.session.commit()
        assert support_of(proposal, compound).headcount == 1  # 赵喆 sold 1-202
        user = accounts.create_user("zhao2", "赵喆", "test-pass-123")
        with pytest.raises(accounts.AccountError):
            accounts.grant_role(user, Role.OWNER, compound_id=world.a, voter_key=zhao.key)


def test_a_roll_loaded_before_versions_existed_becomes_version_1_when_a_vote_opens(app, world):
    from sqlalchemy import delete

    from committee_app.voting.tally import tally

    with app.app_context():
        versions = select(RollVersion.id).where(RollVersion.compound_id == world.a)
        db.session.execute(delete(RollEntry).where(RollEntry.roll_version_id.in_(versions)))
        db.session.execute(delete(RollVersion).where(RollVersion.compound_id == world.a))
        db.session.commit()
        assert operations.roll_summary(compound_a(world)).version is None
        vote = _election(world)
        db.session.commit()
        assert vote.roll_version.number == 1 and vote.roll_version.filename.startswith("（")
        assert tally(vote)["roll"] == {"headcount": 5, "area": "607.75"}
        assert db.session.scalar(select(func.count(RollEntry.id)).where(
            RollEntry.roll_version_id == vote.roll_version_id)) == 5
