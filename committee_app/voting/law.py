"""The voting rules that are law or settings, as plain functions over rule data and values.

- the matter follows the subject (CC art 278 ¶1-¶2): :func:`matter_basis`, :func:`check_matter`;
- the general meeting notice period before any part of a vote (PMR art 14):
  :func:`earliest_vote_on` is the only place voting counts days, so the Civil Code's period
  counting (CC arts 200-204, ``committee_app.rules``) can replace it in one spot;
- the committee's size (odd, within a range: settings): :func:`check_seats`.

No Flask request and no database here; messages are gettext'd Chinese with their citation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..rules.citations import law_names
from ..rules.deadlines import due_date
from ..rules.model import DeadlineRule, RuleSet

MATTER_WORDS = {"ordinary": "一般事项（过半数）", "special": "特别事项（四分之三以上）"}
STRICTNESS = {"ordinary": 0, "special": 1}


class LawError(ValueError):
    """A value the law or the compound's rules refuse; the message names the citation."""


@dataclass(frozen=True)
class MatterBasis:
    """Why a vote's subject carries its matter: the subject's item of CC art 278 ¶1, its
    statutory matter and, where stricter, the compound's rules of procedure."""

    subject: str
    item: int
    title_zh: str
    statutory_matter: str
    matter: str
    raised_by_compound: bool
    citations: tuple[str, ...]

    def reason(self) -> str:
        """One sentence for the tally JSON and the count record (Chinese, with the citations)."""
        if self.raised_by_compound:
            return ("“{title}”属民法典第278条第1款第{item}项，法定为一般事项；本小区议事规则（规则设置“议事规则规定按特别事项表决的其他事项”）"
                    "规定按特别事项表决：同意须达参与表决专有部分面积和人数均四分之三以上（{cites}）。").format(
                title=self.title_zh, item=self.item, cites=law_names(self.citations, "、"))
        if self.matter == "special":
            return ("“{title}”属民法典第278条第1款第{item}项，为特别事项：同意须达参与表决专有部分面积和人数均四分之三以上"
                    "（第278条第2款；{cites}）。").format(title=self.title_zh, item=self.item,
                                                     cites=law_names(self.citations, "、"))
        return ("“{title}”属民法典第278条第1款第{item}项，为一般事项：同意须超过参与表决专有部分面积和人数的半数"
                "（第278条第2款；{cites}）。").format(title=self.title_zh, item=self.item,
                                                cites=law_names(self.citations, "、"))

    def as_json(self) -> dict:
        return {"subject": self.subject, "item": self.item, "title": self.title_zh,
                "statutory_matter": self.statutory_matter, "matter": self.matter,
                "raised_by_compound": self.raised_by_compound, "citations": list(self.citations),
                "reason": self.reason()}


def stricter_subjects(settings: dict) -> set[str]:
    raw = str(settings.get("stricter_subjects") or "")
    return {part.strip() for part in raw.replace("，", ",").replace("、", ",").split(",") if part.strip()}


def matter_basis(rule_set: RuleSet, settings: dict, subject: str) -> MatterBasis:
    """The matter of ``subject``: the rule data's (items 6-8 special), raised to special where
    the compound's rules of procedure say so; never lowered. Raises :class:`LawError` for an
    unknown subject."""
    try:
        rule = rule_set.subject(subject)
    except KeyError:
        known = "、".join(s.key for s in rule_set.subjects)
        raise LawError(_("未知的表决事项：%(subject)s（可选：%(known)s）", subject=subject, known=known)) from None
    raised = rule.matter == "ordinary" and subject in stricter_subjects(settings)
    citations = tuple(rule.citations) + (("CC art 278",) if "CC art 278" not in rule.citations else ())
    return MatterBasis(subject=rule.key, item=rule.item, title_zh=rule.title_zh, statutory_matter=rule.matter,
                       matter="special" if raised else rule.matter, raised_by_compound=raised,
                       citations=citations)


def check_matter(basis: MatterBasis, requested: str | None) -> str:
    """The matter to use. ``requested`` (a form's or the CLI's ``--matter``) must agree with the
    subject: a laxer one is refused with the citation, and so is a stricter one (a stricter
    matter comes from the compound's rules of procedure, an audited setting, not from one vote)."""
    if requested in (None, "") or requested == basis.matter:
        return basis.matter
    if requested not in STRICTNESS:
        raise LawError(_("事项类别只能是一般事项或特别事项。"))
    if STRICTNESS[requested] < STRICTNESS[basis.matter]:
        raise LawError(_("“%(title)s”是特别事项（民法典第278条第1款第%(item)s项、第2款：同意须达参与表决面积和人数均四分之三以上），"
                         "不能按一般事项表决。", title=basis.title_zh, item=basis.item))
    raise LawError(_("“%(title)s”依民法典第278条第1款第%(item)s项为一般事项；如本小区议事规则规定按特别事项表决，"
                     "请在规则设置“议事规则规定按特别事项表决的其他事项”中勾选（修改留痕），不能只对单次表决提高门槛。",
                     title=basis.title_zh, item=basis.item))


# --------------------------------------------------------------------------- notice period

NOTICE_RULE = DeadlineRule(kind="after", anchor="notice_posted_on", setting="meeting_notice_days",
                           citations=("PMR art 14",))


def earliest_vote_on(posted_on: date, settings: dict) -> date:
    """The first day any part of a general meeting vote may fall on, for a meeting notice posted
    on ``posted_on``: posted + ``meeting_notice_days`` (15; notice on the 1st, vote from the 16th).

    The one place voting counts the notice period (through ``rules.due_date``), so the Civil
    Code's period counting (CC arts 200-204) replaces it here.
    """
    return due_date(NOTICE_RULE, {"notice_posted_on": posted_on}, settings)


def notice_days(settings: dict) -> int:
    return int(settings.get("meeting_notice_days", 15))


# --------------------------------------------------------------------------- seats


def check_seats(settings: dict, seats: int | None, *, is_by_election: bool = False) -> None:
    """A committee election fills an odd number of seats within the committee's size range
    (settings ``committee_size_min``/``committee_size_max``, 5-11 by default, unconfirmed);
    a by-election (补选) fills vacancies: at least one, at most the largest committee."""
    smallest = int(settings.get("committee_size_min", 5))
    largest = int(settings.get("committee_size_max", 11))
    if seats is None or seats < 1:
        raise LawError(_("应选名额至少为 1。"))
    if is_by_election:
        if seats > largest:
            raise LawError(_("补选名额不能超过业主委员会最多委员人数 %(largest)s。", largest=largest))
        return
    if seats % 2 == 0 or not smallest <= seats <= largest:
        raise LawError(_("业主委员会委员人数须为 %(smallest)s 至 %(largest)s 之间的单数（小区设置 committee_size_min、"
                         "committee_size_max，待核实当地条文）；%(seats)s 不符合。补选出缺委员请选择“补选”。",
                         smallest=smallest, largest=largest, seats=seats))
