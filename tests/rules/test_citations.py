"""Residents read the law's name and article, never an internal key: one citation table covers
every key the rule data, the code and the templates use."""
import re
from pathlib import Path

import yaml

from committee_app.rules.citations import chinese_number, cite, keys, law_names
from committee_app.rules.loader import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]


def _keys_in_rule_data() -> set[str]:
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for name, value in node.items():
                if name in ("citations", "conflicts_with") and isinstance(value, list):
                    found.update(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted(DATA_DIR.glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def _keys_in_templates_and_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "templates").rglob("*.html"):
        for call in re.findall(r"citations\(\[([^\]]*)\]\)", path.read_text(encoding="utf-8")):
            found.update(re.findall(r"'([^']+)'", call))
    key = re.compile(r"[\"']((?:CC|SPC|PMR|GR|SC|CD)(?: art \d+(?:-\d+)?| practice| notice)?)[\"']")
    for path in (ROOT / "committee_app").rglob("*.py"):
        found.update(key.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_citation_key_in_the_rule_data_is_in_the_table():
    used = _keys_in_rule_data()
    assert len(used) > 30  # the walk really found the rule data's citations
    assert sorted(used - keys()) == []


def test_every_citation_key_in_templates_and_code_is_in_the_table():
    used = _keys_in_templates_and_code()
    assert {"GR art 37-39", "SPC art 9", "CC art 278"} <= used
    assert sorted(used - keys()) == []


def test_a_key_reads_as_the_laws_chinese_name_and_article_with_its_summary():
    civil = cite("CC art 278")
    assert civil.label == "《中华人民共和国民法典》第二百七十八条"
    assert "三分之二" in civil.summary
    assert cite("PMR art 14").label == "《物业管理条例》第十四条"
    assert cite("GR art 37-39").label == "《业主大会和业主委员会指导规则》第三十七条至第三十九条"
    assert cite("CC art 1259").label == "《中华人民共和国民法典》第一千二百五十九条"
    assert cite("SC practice").label == "四川省换届选举“三审三公示”做法"
    english = cite("CC art 278", "en")
    assert english.label == "Civil Code of the PRC, Art. 278" and "2/3" in english.summary
    assert law_names(["PMR art 16", "GR art 33"], "、") == "《物业管理条例》第十六条、《业主大会和业主委员会指导规则》第三十三条"


def test_an_unknown_key_falls_back_to_itself():
    unknown = cite("XYZ art 9")
    assert unknown.label == "XYZ art 9" and not unknown.known and unknown.summary == ""


def test_article_numbers_in_chinese():
    assert [chinese_number(n) for n in (1, 10, 14, 20, 105, 110, 278, 1259, 1010)] == [
        "一", "十", "十四", "二十", "一百零五", "一百一十", "二百七十八", "一千二百五十九", "一千零一十"]


def test_the_roll_page_shows_the_interpretation_by_name_and_in_english_when_chosen(client, world, login_as):
    login_as("organiser")
    page = client.get("/compounds/A/roll").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "《关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》第九条" in visible
    assert "一个专有部分按一人计" in visible  # the article's summary, shown on tap
    assert "SPC art 9" not in visible
    client.post("/language", data={"locale": "en", "next": "/compounds/A/roll"})
    page = client.get("/compounds/A/roll").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "Art. 9" in visible and "Headcount is one per exclusive part" in visible
    assert "SPC art 9" not in visible


def test_messages_written_with_keys_read_as_the_laws_names():
    from committee_app.rules.citations import readable

    message = "会议通知须在投票开始至少 15 日前发出（依据：PMR art 14）；任期（GR art 32）；GR art 37-39。"
    shown = readable(message)
    assert "PMR art" not in shown and "GR art" not in shown
    assert "《物业管理条例》第十四条" in shown and "第三十七条至第三十九条" in shown
    english = readable("notice (basis: PMR art 14)", "en")
    assert "PMR art" not in english and "Art. 14" in english
    # keys not in the table, and longer numbers, are left alone
    assert readable("CC art 2789 and XYZ art 1") == "CC art 2789 and XYZ art 1"
    assert readable("") == "" and readable(None) is None
