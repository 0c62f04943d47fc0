"""Pages reflect the state (issue 15 item 5): once the re-election is counted the owner's home shows who
was elected — named as the result notice names them — with the result notice and the ballot box, and
no longer "换届选举程序已启动"; the public board links each vote: where to vote, the ballot box and
the result once published."""
from datetime import timedelta

from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.voting import operations
from committee_app.voting.models import Candidate, Vote

from .conftest import cast

NAMES = ("林晓喆", "王子堃", "陈思远")
RUNNING = "换届选举程序已启动"


def _committee_and_reelection(app, world):
    from committee_app.committees.operations import record_committee
    from committee_app.procedures.operations import start_procedure

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        record_committee(compound, members=[("周一", None, "chair"), ("吴二", None, "member"), ("郑三", None, "member")],
                         elected_on=clock.today() - timedelta(days=5 * 365 - 60))
        start_procedure(compound, "reelection", on=clock.today())
        db.session.commit()


def _election(app, world, *, state="counted", publish=True, title="第二届业主委员会选举") -> int:
    """A two-seat election of compound A taken to ``state``: 林晓喆 and 王子堃 elected by four of five owners."""
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        vote = operations.create_election(compound, title=title, seats=2, is_by_election=True)
        for position, name in enumerate(NAMES, start=1):  # in a procedure only the finalised list is typed in
            db.session.add(Candidate(vote_id=vote.id, name=name, position=position))
        db.session.flush()
        if state != "draft":
            operations.open_vote(vote, compound, enforce_gate=False)
            for voter in ("张三", "李四", "赵喆", "developer"):
                cast(vote.id, voter, candidates=["林晓喆", "王子堃"])
        if state in ("closed", "counted"):
            operations.close_vote(vote, compound, reason="测试：提前截止")
        if state == "counted":
            operations.count_vote(vote, compound)
            if publish:
                operations.post_result_notice(vote, compound)
        db.session.commit()
        return vote.id


def _home(client, login_as) -> str:
    login_as("owner")
    response = client.get("/compounds/A")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_owners_home_says_the_reelection_runs_until_its_election_is_counted(app, client, world, login_as):
    _committee_and_reelection(app, world)
    _election(app, world, state="open")
    page = _home(client, login_as)
    assert RUNNING in page and 'id="election-result"' not in page


def test_after_the_count_the_owners_home_shows_the_elected_committee_and_links(app, client, world, login_as):
    _committee_and_reelection(app, world)
    vote_id = _election(app, world)
    with app.app_context():
        notice_id = db.session.get(Vote, vote_id).result_notice_id
    page = _home(client, login_as)
    assert RUNNING not in page and "换届选举已完成计票，结果见上" in page
    assert "请着手准备" not in page and "应当启动换届" not in page  # no stale call to start what is done
    result = page[page.index('id="election-result"'):]
    result = result[:result.index("</div>\n  </div>")]
    assert "选举结果：第二届业主委员会选举" in result
    # named as the posted result notice names them (masked on the public board, PIPL)
    elected = result[result.index('id="elected-members"'):result.index("</ul>")]
    assert "林*喆" in elected and "王*堃" in elected and "陈*远" not in elected
    assert "当选委员 2 人" in result and "已形成决定" in result
    for full in NAMES:
        assert full not in page
    assert f'href="/board/A/notices/{notice_id}"' in result and "表决结果公告" in result
    assert f'href="/board/A/votes/{vote_id}"' in result
    # the links lead somewhere real: the notice names the same people, the box holds the four ballots
    notice = client.get(f"/board/A/notices/{notice_id}").get_data(as_text=True)
    assert "林*喆" in notice and "王*堃" in notice
    box = client.get(f"/board/A/votes/{vote_id}").get_data(as_text=True)
    assert box.count("<td>林*喆、王*堃</td>") == 4


def test_a_counted_result_not_yet_published_says_so(app, client, world, login_as):
    _committee_and_reelection(app, world)
    _election(app, world, publish=False)
    result = _home(client, login_as)
    assert RUNNING not in result and "林*喆" in result and "结果公告尚未发布" in result


def test_an_election_counted_before_the_procedure_started_is_not_taken_for_its_result(app, client, world, login_as):
    _election(app, world, title="上一届选举")
    _committee_and_reelection(app, world)
    page = _home(client, login_as)
    assert RUNNING in page and 'id="election-result"' not in page


def test_the_public_board_links_the_vote_the_ballot_box_and_the_published_result(app, client, world):
    draft_id = _election(app, world, state="draft", title="草稿选举")
    open_id = _election(app, world, state="open", title="投票中的选举")
    counted_id = _election(app, world, title="已计票的选举")
    unpublished_id = _election(app, world, publish=False, title="未公告的选举")
    with app.app_context():
        notice_id = db.session.get(Vote, counted_id).result_notice_id
    page = client.get("/board/A").get_data(as_text=True)  # anyone, without logging in
    votes = page[page.index('id="board-votes"'):page.index("</section>", page.index('id="board-votes"'))]
    assert "草稿选举" not in votes and f"/ballot/{draft_id}" not in votes

    def item(vote_id):
        start = votes.index(f'id="board-vote-{vote_id}"')
        return votes[start:votes.index("</li>", start)]

    opened = item(open_id)
    assert f'href="/ballot/{open_id}"' in opened and "去投票" in opened
    assert f'href="/board/A/votes/{open_id}"' in opened and "表决结果公告" not in opened
    counted = item(counted_id)
    assert f'href="/board/A/votes/{counted_id}"' in counted and f'href="/board/A/notices/{notice_id}"' in counted
    assert "/ballot/" not in counted
    unpublished = item(unpublished_id)
    assert f'href="/board/A/votes/{unpublished_id}"' in unpublished and "结果公告尚未发布" in unpublished
    assert "/notices/" not in unpublished
    # the ballot page and the box the board links to answer anyone
    assert client.get(f"/ballot/{open_id}").status_code == 200
    assert client.get(f"/board/A/votes/{counted_id}").status_code == 200


def test_an_open_vote_before_its_start_is_listed_without_the_ballot_link(app, client, world):
    open_id = _election(app, world, state="draft", title="将要开始的选举")
    with app.app_context():
        vote = db.session.get(Vote, open_id)
        vote.opens_at = clock.utcnow() + timedelta(days=2)
        operations.open_vote(vote, db.session.get(Compound, world.a), enforce_gate=False)
        db.session.commit()
    page = client.get("/board/A").get_data(as_text=True)
    assert "将要开始的选举" in page and "尚未到投票时间" in page and f'href="/ballot/{open_id}"' not in page


def test_a_board_without_votes_shows_no_vote_section(app, client, world):
    assert 'id="board-votes"' not in client.get("/board/A").get_data(as_text=True)
