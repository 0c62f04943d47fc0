"""The English UI reads as English: counts agree with their nouns and labels end in an ASCII colon;
the language switch stays visible on a phone."""
import re

from committee_app.extensions import db


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_counts_are_singular_or_plural_in_english_and_unchanged_in_chinese(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context():
        with force_locale("en"):
            assert ngettext("%(num)s 个步骤", "%(num)s 个步骤", 1) == "1 step"
            assert ngettext("%(num)s 个步骤", "%(num)s 个步骤", 3) == "3 steps"
            assert ngettext("程序期限已逾期 %(num)s 项", "程序期限已逾期 %(num)s 项", 1) == "1 procedure deadline overdue"
            assert ngettext("委员 %(num)s 人", "委员 %(num)s 人", 7) == "7 members"
        with force_locale("zh_Hans_CN"):
            assert ngettext("%(num)s 个步骤", "%(num)s 个步骤", 1) == "1 个步骤"


def test_the_english_oversight_board_says_one_compound_and_uses_ascii_colons(client, world, login_as):
    login_as("officer")
    client.post("/language", data={"locale": "en", "next": "/oversight/"})
    page = _visible(client.get("/oversight/").get_data(as_text=True))
    assert re.search(r"\b2 compounds\.", page)  # the officer's street has compounds A and B
    client.post("/logout")
    login_as("mentor")
    client.post("/language", data={"locale": "en", "next": "/workshop/"})
    board = _visible(client.get("/workshop/").get_data(as_text=True))
    assert "Mentor: " in board and "Mentor：" not in board


def test_parentheticals_and_colons_follow_the_ui_language(app):
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('计算方法') }}{{ colon() }}x · {{ '<b>3</b>'|paren }}"
    with app.test_request_context():
        with force_locale("en"):
            assert render_template_string(template) == "How it was counted: x ·  (&lt;b&gt;3&lt;/b&gt;)"
        with force_locale("zh_Hans_CN"):
            assert render_template_string(template) == "计算方法：x · （&lt;b&gt;3&lt;/b&gt;）"


def test_the_english_mentor_board_has_no_full_width_colons(client, world, login_as):
    login_as("mentor")
    client.post("/language", data={"locale": "en", "next": "/workshop/"})
    board = _visible(client.get("/workshop/").get_data(as_text=True))
    assert "：" not in board


def test_step_titles_on_the_mentor_board_come_from_the_rule_data_in_english(app, client, world, login_as):
    from committee_app.procedures import operations as procedures
    from committee_app.procedures.util import procedure_overview
    from committee_app.registry.models import Compound

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        procedures.start_procedure(compound, "formation")
        db.session.commit()
        overview = procedure_overview([compound.id])[compound.id]
    assert overview.current_step_title_en and overview.current_step_title_en != overview.current_step_title
    login_as("mentor")
    client.post("/language", data={"locale": "en", "next": "/workshop/"})
    board = _visible(client.get("/workshop/").get_data(as_text=True))
    assert overview.current_step_title_en in board and overview.current_step_title not in board
    client.post("/language", data={"locale": "zh_Hans_CN", "next": "/workshop/"})
    board = _visible(client.get("/workshop/").get_data(as_text=True))
    assert overview.current_step_title in board


def test_overdue_action_items_are_counted_in_english(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context():
        with force_locale("en"):
            assert ngettext("%(num)s 项待办已逾期", "%(num)s 项待办已逾期", 1) == "1 action item overdue"
            assert ngettext("%(num)s 项待办已逾期", "%(num)s 项待办已逾期", 2) == "2 action items overdue"
