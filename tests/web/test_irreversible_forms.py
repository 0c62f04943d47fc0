"""Every form that takes an irreversible step asks first: it carries data-confirm (the dialog of
static/js/confirm.js) and the "I understand" box that stands in for the dialog without JavaScript."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# (template, what identifies the form's action): closing nominations, finalising the candidate list,
# opening, closing and counting a vote, printing and reprinting letters, publishing results, installing
# the elected, locking minutes, confirming a roll version, publishing a recognition list or a
# consultation, ending a deliberation session, publishing the roll notice
IRREVERSIBLE = [
    ("nominations/index.html", "url_for('nominations.close'"),
    ("nominations/index.html", "url_for('nominations.finalise'"),
    ("voting/detail.html", "action='open'"),
    ("voting/detail.html", "action='close'"),
    ("voting/detail.html", "action='count'"),
    ("voting/detail.html", "url_for('jobs.start_letters'"),
    ("voting/letters.html", "url_for('jobs.start_letters'"),
    ("voting/letters.html", "url_for('voting.reprint_letter'"),
    ("voting/letters.html", "url_for('jobs.start_reprint_all'"),
    ("voting/count.html", "url_for('voting.result_notice'"),
    ("voting/count.html", "url_for('voting.install_committee'"),
    ("meetings/minutes.html", "url_for('meetings.lock_minutes'"),
    ("registry/version.html", "url_for('registry.confirm_roll'"),
    ("deliberation/recognition.html", "url_for('deliberation.publish'"),
    ("deliberation/consultation.html", "url_for('deliberation.publish_consultation'"),
    ("deliberation/chair.html", "url_for('deliberation.close'"),
    ("procedures/timeline.html", "url_for('procedures.roll_notice'"),
]


def _form(template: str, marker: str) -> str:
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    forms = [m.group(0) for m in re.finditer(r"<form\b.*?</form>", source, re.S) if marker in m.group(0)]
    assert len(forms) == 1, (template, marker, len(forms))
    return forms[0]


def test_every_irreversible_form_asks_and_says_what_cannot_be_undone():
    for template, marker in IRREVERSIBLE:
        form = _form(template, marker)
        opening = form.split(">", 1)[0]
        message = re.search(r'data-confirm="\{\{ _\(\'([^\']+)\'\) \}\}"', opening)
        assert message, (template, marker)
        assert "confirm_check(_('" + message.group(1) + "'))" in form, (template, marker)
        assert any(word in message.group(1) for word in ("不能", "不可", "作废", "只发一次", "替换")), message.group(1)


def test_the_confirmation_script_is_a_static_file_on_every_page():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert "js/confirm.js" in base and 'id="confirm-dialog"' in base
    assert "<script>" not in base  # the Content-Security-Policy allows no inline script
