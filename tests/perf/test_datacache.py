"""The data cache (committee_app.web.datacache): a write through one app server is visible on
the next request through any other.

Two Flask app objects share the test database, as two app servers share PostgreSQL: each keeps
its cached values in its own memory (or, with REDIS_URL set, both in one Redis). A page is read
through the second app (computed, then answered from the cache), the data is changed through
the first app, and the second app's next answer must show the change.
"""
from __future__ import annotations

import os
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import insert, text

from committee_app import create_app
from committee_app.extensions import db
from committee_app.notices.models import Notice
from committee_app.notices.operations import post_notice
from committee_app.registry import operations as registry
from committee_app.registry.models import Community, Compound
from committee_app.web import datacache
from committee_app.web.datacache import written_tables
from tests.conftest import PASSWORD, _test_config, login


def test_written_tables_are_read_from_the_statement():
    assert written_tables('INSERT INTO notice (compound_id, title) VALUES (%(a)s, %(b)s)') == {"notice"}
    assert written_tables('UPDATE "user" SET display_name=%(x)s WHERE "user".id = %(y)s') == {"user"}
    assert written_tables("DELETE FROM ballot_choice WHERE ballot_choice.ballot_id IN (1, 2)") == {"ballot_choice"}
    assert written_tables("INSERT OR REPLACE INTO vote (id) VALUES (?)") == {"vote"}
    assert written_tables("SELECT compound.id FROM compound") == set()
    assert written_tables("  select 1") == set()
    assert written_tables("WITH x AS (SELECT 1) SELECT * FROM x") == set()
    assert written_tables("WITH x AS (SELECT 1) UPDATE compound SET name = 'n'") == {"compound"}
    assert written_tables('TRUNCATE "notice", "compound" RESTART IDENTITY CASCADE') == {"*"}
    assert written_tables("MERGE something strange") == {"*"}  # a write it cannot read: everything moves
    assert written_tables("CREATE TABLE t (id integer)") == set()


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "redis":
        # the machine's Redis (CI has one), as the jobs tests do; a prefix per test keeps runs apart
        url = os.environ.get("DATA_CACHE_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/6"
        try:
            import redis

            redis.Redis.from_url(url).ping()
        except Exception as error:  # noqa: BLE001 - no server answering: say so and skip
            pytest.skip(f"Redis at REDIS_URL does not answer: {error}")
        return {"DATA_CACHE_REDIS_URL": url, "DATA_CACHE_PREFIX": f"test:{uuid.uuid4().hex}:"}
    return {"DATA_CACHE_REDIS_URL": None}


@pytest.fixture
def two_apps(app, store, database_url, tmp_path, monkeypatch, world):
    """(first, second): two app objects on the one database, with the chosen value store."""
    if store["DATA_CACHE_REDIS_URL"] is None:
        monkeypatch.delenv("REDIS_URL", raising=False)
    apps = []
    for n in (1, 2):
        config = _test_config(database_url, tmp_path / f"uploads{n}")
        config.update({k: v for k, v in store.items() if v is not None})
        config["AUDIT_KEY_FILE"] = app.config["AUDIT_KEY_FILE"]  # one installation: one audit key
        config["RATELIMIT_STORAGE_URI"] = "memory://"  # logins here are not what is tested
        apps.append(create_app(config))
    yield apps
    for each in apps:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def _client(app, username: str | None):
    client = app.test_client()
    if username:
        assert login(client, username, PASSWORD).status_code == 302
    return client


def _hits(app) -> int:
    return app.extensions["datacache"]["hits"]


def _read_twice(app, client, url: str) -> str:
    """The page through ``app``, and again from its cache (the second answer must be a hit)."""
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    hits = _hits(app)
    second = client.get(url)
    assert second.status_code == 200
    assert _hits(app) > hits, f"{url} was not answered from the data cache"
    assert _without_tokens(second) == _without_tokens(first)
    return second.get_data(as_text=True)


def _without_tokens(response) -> str:
    """The page without its CSRF tokens (signed with the time: they differ from second to second)."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", response.get_data(as_text=True))


def test_the_caches_are_on(two_apps):
    for each in two_apps:
        assert each.extensions["datacache"]["enabled"]
        kind = type(each.extensions["datacache"]["store"]).__name__
        assert kind == ("_RedisStore" if each.config.get("DATA_CACHE_REDIS_URL") else "_MemoryStore")


def test_a_notice_posted_through_one_app_is_on_the_other_apps_board(two_apps, world):
    first, second = two_apps
    reader = _client(second, None)
    before = _read_twice(second, reader, "/board/A")
    assert "新张贴的公告" not in before
    with first.app_context():
        post_notice(db.session.get(Compound, world.a), kind="committee_decision", title="新张贴的公告",
                    posted_on=date(2026, 11, 30))
        db.session.commit()
    after = reader.get("/board/A").get_data(as_text=True)
    assert "新张贴的公告" in after
    assert _anchor_count(after) > _anchor_count(before)  # the audit chain's anchor moved with the audited post
    # and the first app, which had not read the board, shows it too
    assert "新张贴的公告" in _client(first, None).get("/board/A").get_data(as_text=True)


def _anchor_count(html: str) -> int:
    found = re.search(r"审计日志现有 (\d+) 条", html)
    return int(found[1]) if found else 0


def test_a_bulk_insert_and_raw_sql_move_the_generation_too(two_apps, world):
    first, second = two_apps
    reader = _client(second, None)
    _read_twice(second, reader, "/board/A")
    with first.app_context():  # a Core insert that bypasses the ORM's unit of work
        db.session.execute(insert(Notice), [{"compound_id": world.a, "kind": "committee_decision",
                                             "title": "批量写入的公告", "posted_on": date(2026, 11, 29)}])
        db.session.commit()
    assert "批量写入的公告" in _read_twice(second, reader, "/board/A")
    with first.app_context():  # hand-written SQL
        db.session.execute(text("UPDATE compound SET name = '改名小区' WHERE code = 'A'"))
        db.session.commit()
    assert "改名小区" in reader.get("/board/A").get_data(as_text=True)


def test_a_rolled_back_write_changes_nothing_and_the_cache_still_answers(two_apps, world):
    first, second = two_apps
    reader = _client(second, None)
    _read_twice(second, reader, "/board/A")
    before = _without_tokens(reader.get("/board/A"))
    with first.app_context():
        post_notice(db.session.get(Compound, world.a), kind="committee_decision", title="撤回的公告",
                    posted_on=date(2026, 11, 30))
        db.session.rollback()
    hits = _hits(second)
    assert _without_tokens(reader.get("/board/A")) == before
    assert _hits(second) > hits


def test_a_new_compound_is_on_the_other_apps_oversight_and_mentor_boards(two_apps, world):
    first, second = two_apps
    officer, mentor = _client(second, "officer"), _client(second, "mentor")
    assert "新建小区" not in _read_twice(second, officer, "/oversight/")
    assert "新建小区" not in _read_twice(second, mentor, "/workshop/")
    with first.app_context():
        registry.create_compound("N", "新建小区", db.session.get(Community, world.community))
        db.session.commit()
    assert "新建小区" in officer.get("/oversight/").get_data(as_text=True)
    assert "新建小区" in mentor.get("/workshop/").get_data(as_text=True)


def test_the_compound_page_follows_a_vote_and_a_revoked_grant(two_apps, world):
    from committee_app.accounts import operations as accounts
    from committee_app.accounts.models import RoleGrant
    from committee_app.voting.models import Vote

    first, second = two_apps
    owner = _client(second, "owner")
    assert "小区停车费调整表决" not in _read_twice(second, owner, "/compounds/A")
    with first.app_context():
        db.session.add(Vote(compound_id=world.a, kind="matter", title="小区停车费调整表决", state="draft"))
        db.session.commit()
    assert "小区停车费调整表决" in owner.get("/compounds/A").get_data(as_text=True)
    # the page is kept per reader: an owner whose grant is revoked no longer gets the kept copy
    with first.app_context():
        grant = db.session.scalar(db.select(RoleGrant).where(RoleGrant.user_id == world.users["owner"]))
        accounts.revoke_role(grant)
        db.session.commit()
    assert owner.get("/compounds/A").status_code in (302, 403)


def test_readers_with_other_grants_never_share_a_compound_page(two_apps, world):
    first, second = two_apps
    organiser, owner = _client(second, "organiser"), _client(second, "owner")
    organiser_page = _read_twice(second, organiser, "/compounds/A")
    owner_page = _read_twice(second, owner, "/compounds/A")
    assert "业主名册" in organiser_page  # the roll: organisers only
    assert "业主名册" not in owner_page


def test_a_kept_fragment_gets_this_sessions_csrf_token(app, world, database_url, tmp_path):
    """A fragment with forms is kept without the token; each session gets its own back."""
    config = _test_config(database_url, tmp_path / "uploads-csrf")
    config["WTF_CSRF_ENABLED"] = True
    config["AUDIT_KEY_FILE"] = app.config["AUDIT_KEY_FILE"]
    config["RATELIMIT_STORAGE_URI"] = "memory://"
    csrf_app = create_app(config)

    def logged_in():
        client = csrf_app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
        assert client.post("/login", data={"csrf_token": token, "username": "mentor",
                                           "password": PASSWORD}).status_code == 302
        return client

    def tokens(client) -> set[str]:
        html = client.get("/compounds/A").get_data(as_text=True)
        return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html))

    with csrf_app.app_context():
        from committee_app.workshop.models import ActionItem, CoachingSession

        session = CoachingSession(compound_id=world.a, held_on=date(2026, 11, 1), mentor_id=world.users["mentor"],
                                  topics=[], advice="核对名册")
        db.session.add(session)
        db.session.flush()
        db.session.add(ActionItem(session_id=session.id, compound_id=world.a, title="核对名册", assignee="筹备组",
                                  due_on=date(2026, 12, 20)))
        db.session.commit()
    one, two = logged_in(), logged_in()
    first_tokens = tokens(one)
    hits = _hits(csrf_app)
    second_tokens = tokens(two)  # the same reader: the kept copy
    assert _hits(csrf_app) > hits
    placeholder = None
    with csrf_app.test_request_context():
        placeholder = datacache._placeholder()
    for found in (first_tokens, second_tokens):
        assert len(found) == 1, found  # the layout's forms and the panel's forms: one token per session
        assert placeholder not in "".join(found)
    assert first_tokens != second_tokens
    with csrf_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_finding_handled_through_one_app_is_greyed_on_the_other_apps_oversight_board(two_apps, world):
    """The board's rows depend on the standing finding handlings (table finding_handling) too."""
    from datetime import timedelta

    from committee_app import clock
    from committee_app.accounts.models import User
    from committee_app.committees import operations as committees
    from committee_app.oversight import operations as oversight
    from committee_app.oversight import util as oversight_util

    first, second = two_apps
    today = clock.today()
    with first.app_context():
        compound = db.session.get(Compound, world.a)
        committees.record_committee(compound, members=[("张三", None, "chair")],
                                    elected_on=today - timedelta(days=5 * 365 + 30))  # its term ended
        db.session.commit()
    officer = _client(second, "officer")
    before = _read_twice(second, officer, "/oversight/")
    row = before[before.index('id="compound-A"'):before.index("</tr>", before.index('id="compound-A"'))]
    assert "finding-handled" not in row
    with first.test_request_context():
        compound = db.session.get(Compound, world.a)
        _facts, results = oversight_util.compound_results(compound)
        result = next(r for r in results if not r.ok and r.check.key == "reelection_started_on_time")
        oversight.mark_handled(compound, result, "已约谈业委会", db.session.get(User, world.users["officer"]))
        db.session.commit()
    after = officer.get("/oversight/").get_data(as_text=True)
    row = after[after.index('id="compound-A"'):after.index("</tr>", after.index('id="compound-A"'))]
    assert "finding-handled" in row and "已约谈业委会" in row
    card = after[after.index('id="card-A"'):after.index("</article>", after.index('id="card-A"'))]
    assert "已约谈业委会" in card  # the phone cards are kept with the table and follow it


def test_the_kept_public_board_offers_the_ballot_only_while_the_vote_accepts_ballots(two_apps, world):
    """A vote opens and closes at set moments without any write: the kept board must not show a
    stale "去投票" (or a stale "not yet") past either moment."""
    from datetime import timedelta

    from committee_app import clock
    from committee_app.voting.models import Vote

    first, second = two_apps
    now = clock.utcnow().replace(microsecond=0)
    with first.app_context():
        vote = Vote(compound_id=world.a, kind="matter", title="物业更换表决", state="open",
                    opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=3))
        db.session.add(vote)
        db.session.commit()
        vote_id = vote.id
    reader = second.test_client()  # anyone, without logging in

    def panel() -> str:
        page = _read_twice(second, reader, "/board/A")
        start = page.index(f'id="board-vote-{vote_id}"')
        return page[start:page.index("</li>", start)]

    try:
        assert "去投票" not in panel() and "尚未到投票时间" in panel()
        clock.freeze(now + timedelta(hours=1, minutes=1))  # opened: no write happened
        opened = panel()
        assert "去投票" in opened and f'href="/ballot/{vote_id}"' in opened
        clock.freeze(now + timedelta(hours=3, minutes=1))  # past its closing time
        assert "去投票" not in panel()
    finally:
        clock.freeze(None)


def test_the_public_board_is_the_same_for_a_logged_in_owner_and_for_anyone(two_apps, world):
    """The board is kept once for every reader: its panels are asked as an anonymous reader."""
    from committee_app.voting.models import Vote

    first, second = two_apps
    with first.app_context():
        db.session.add(Vote(compound_id=world.a, kind="matter", title="公示栏上的表决", state="open"))
        db.session.commit()
    anyone = _read_twice(second, second.test_client(), "/board/A")
    owner = _client(second, "owner").get("/board/A")
    assert "公示栏上的表决" in anyone
    part = lambda html: html[html.index('id="board-votes"'):html.index("</section>", html.index('id="board-votes"'))]  # noqa: E731
    assert part(owner.get_data(as_text=True)) == part(anyone)
