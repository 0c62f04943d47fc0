"""Legal-boundary checklists (rules-reference §7) per situation, as a page and a PDF."""
import subprocess

import pytest

from committee_app.extensions import db
from committee_app.meetings.util import checklist_context
from committee_app.registry.models import Compound
from committee_app.rules.model import SITUATIONS


def _pdf_text(data: bytes) -> str:
    """The PDF's text with all whitespace removed (letter-spaced titles, wrapped lines)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


EXPECTED = {  # (an item, its citation key, the law's name and article that the PDF shows instead of the key)
    "normal_term": ("督促业主按时交纳物业服务费", "PMR art 64", "《物业管理条例》第六十四条"),
    "during_reelection": ("任期届满后不得继续以业委会名义履职", "SC art 7", "《四川省物业管理条例》第七条"),
    "before_service_contract": ("只能与业主大会选定的企业签约", "CC art 939", "《中华人民共和国民法典》第九百三十九条"),
    "before_maintenance_funds": ("不得挪用维修资金", "PMR art 53", "《物业管理条例》第五十三条"),
    "at_handover": ("按期移交档案、印章", "PMR art 36", "《物业管理条例》第三十六条"),
}


@pytest.mark.parametrize("situation", SITUATIONS)
def test_each_situation_lists_must_may_must_not_with_citations(app, client, world, login_as, situation):
    text, citation, law = EXPECTED[situation]
    login_as("mentor")
    page = client.get(f"/compounds/A/checklist?situation={situation}").get_data(as_text=True)
    assert text in page and citation in page and 'type="checkbox"' in page
    response = client.get(f"/compounds/A/checklist.pdf?situation={situation}")
    assert response.status_code == 200
    pdf = _pdf_text(response.data)
    assert "业委会法律边界清单" in pdf and "甲小区" in pdf
    assert text in pdf and law in pdf and "".join(citation.split()) not in pdf
    assert "应当" in pdf and "不得" in pdf


def test_the_service_contract_checklist_is_tailored(app, world):
    with app.app_context():
        context = checklist_context(db.session.get(Compound, world.a), "before_service_contract")
        keys = {item["key"] for group in context["groups"] for item in group["items"]}
        assert {"service_contract_owner_decision", "no_owner_matters_alone", "take_over_at_contract_end"} <= keys
        assert "urge_fee_payment" not in keys and "emergency_funds" not in keys
        kinds = {group["kind"]: len(group["items"]) for group in context["groups"]}
        assert kinds["must"] and kinds["may"] and kinds["must_not"]


def test_an_unknown_situation_is_not_found_and_owners_do_not_see_the_checklist(client, world, login_as):
    login_as("organiser")
    assert client.get("/compounds/A/checklist?situation=bogus").status_code == 404
    login_as("owner")
    assert client.get("/compounds/A/checklist").status_code == 403
