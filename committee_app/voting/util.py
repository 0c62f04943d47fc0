"""Voting queries and the plain-value contexts of the voting PDFs."""
from __future__ import annotations

from dataclasses import dataclass, field
import math
from decimal import ROUND_UP, Decimal
from fractions import Fraction

import segno
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..registry.models import Building, Compound, Unit, Voter
from ..rules import get_rule_set
from ..privacy import mask_name
from .models import CHANNELS, STATE_LABELS, Ballot, Candidate, LetterBatch, PaperEntry, Vote, VotingCode
from .tally import TWO, compound_settings, tally

CHOICE_LABELS = {"for": "同意", "against": "反对", "abstain": "弃权", None: "未表态"}
CHANNEL_LABELS = {"online_code": "网上（投票码）", "online_account": "网上（业主账号）", "paper": "纸质", "proxy": "委托代理"}
STATUS_LABELS = {"decided": "已形成决定", "quorum_not_met": "参与表决未达法定比例，未形成有效决定",
                 "tie": "末位得票相同，相同者均未当选", "seats_unfilled": "当选人数不足应选名额"}
PARTICIPATING_LABELS = {
    "all_returned": "所有收回的选票（含空白、弃权、无效票）均计入参与表决；无效票不计为同意",
    "exclude_spoilt": "无效票不计入参与表决",
    "exclude_blank_and_spoilt": "空白票和无效票均不计入参与表决",
}


def votes_of(compound: Compound) -> list[Vote]:
    return list(db.session.scalars(select(Vote).where(Vote.compound_id == compound.id)
                                   .order_by(Vote.created_at.desc(), Vote.id.desc())))


def vote_in(compound: Compound, vote_id: int) -> Vote | None:
    vote = db.session.get(Vote, vote_id)
    return vote if vote is not None and vote.compound_id == compound.id else None


def ballot_counts(vote: Vote) -> dict[str, int]:
    rows = db.session.execute(select(Ballot.channel, func.count(Ballot.id)).where(Ballot.vote_id == vote.id)
                              .group_by(Ballot.channel)).all()
    counts = {channel: 0 for channel in CHANNELS}
    counts.update({channel: n for channel, n in rows})
    return counts


@dataclass
class PaperStatus:
    waiting: list[dict] = field(default_factory=list)  # one entry only
    mismatched: list[dict] = field(default_factory=list)  # two entries that disagree
    entries: int = 0


def paper_status(vote: Vote) -> PaperStatus:
    """Paper entries that do not (yet) make a ballot: single entries and disagreements."""
    counted = select(Ballot.voter_id).where(Ballot.vote_id == vote.id)
    rows = db.session.scalars(select(PaperEntry).where(PaperEntry.vote_id == vote.id,
                                                       PaperEntry.voter_id.not_in(counted))
                              .order_by(PaperEntry.voter_id, PaperEntry.slot)).all()
    status = PaperStatus(entries=db.session.scalar(
        select(func.count(PaperEntry.id)).where(PaperEntry.vote_id == vote.id)) or 0)
    if not rows:
        return status
    voter_ids = {row.voter_id for row in rows}
    labels = voter_labels(voter_ids, vote.roll_version_id)
    names = dict(db.session.execute(select(Candidate.id, Candidate.name).where(Candidate.vote_id == vote.id)).all())
    by_voter: dict[int, list[PaperEntry]] = {}
    for row in rows:
        by_voter.setdefault(row.voter_id, []).append(row)
    for voter_id, entries in by_voter.items():
        item = {"voter_id": voter_id, "voter": labels.get(voter_id, ("", ""))[0],
                "units": labels.get(voter_id, ("", ""))[1],
                "entries": [{"slot": e.slot, "counter": e.counter_name, "source": e.source,
                             "text": entry_text(e, names)} for e in entries]}
        (status.waiting if len(entries) == 1 else status.mismatched).append(item)
    return status


def entry_text(entry, names: dict[int, str]) -> str:
    parts = []
    if entry.is_spoilt:
        parts.append("无效票")
    elif entry.candidate_ids:
        parts.append("、".join(names.get(cid, "?") for cid in entry.candidate_ids))
    elif entry.choice:
        parts.append(CHOICE_LABELS[entry.choice])
    else:
        parts.append("空白票")
    if entry.proxy_name:
        parts.append(f"代理人：{entry.proxy_name}")
    return "；".join(parts)


def voter_labels(voter_ids, roll_version_id: int | None = None) -> dict[int, tuple[str, str]]:
    """{voter id: (name, "1栋-1-101、…")} as the vote's roll version has them, else the current roll."""
    if not voter_ids:
        return {}
    if roll_version_id is not None:
        from ..registry.util import version_voter_labels

        return version_voter_labels(roll_version_id, voter_ids)
    names = dict(db.session.execute(select(Voter.id, Voter.display_name).where(Voter.id.in_(voter_ids))).all())
    units: dict[int, list[str]] = {}
    for voter_id, building, number in db.session.execute(
            select(Unit.voter_id, Building.name, Unit.number).join(Building, Building.id == Unit.building_id)
            .where(Unit.voter_id.in_(voter_ids)).order_by(Unit.sort_key)):
        units.setdefault(voter_id, []).append(f"{building}-{number}")
    return {vid: (names.get(vid, ""), "、".join(units.get(vid, []))) for vid in voter_ids}


def units_of_compound(compound: Compound) -> list[tuple[str, str]]:
    return list(db.session.execute(select(Building.name, Unit.number).join(Building, Building.id == Unit.building_id)
                                   .where(Unit.compound_id == compound.id).order_by(Unit.sort_key)))


# --------------------------------------------------------------------------- count


def fmt_share(part, whole) -> str:
    """A share as a percentage with two places, for display only (decisions use Fraction)."""
    whole = Fraction(whole)
    if whole == 0:
        return "—"
    value = Fraction(part) / whole * 100
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.2f}%"


def count_view(vote: Vote, compound: Compound, result: dict | None = None) -> dict:
    """The tally with what a reader needs beside it: thresholds, shares and citations."""
    result = result or (vote.result if vote.state == "counted" and vote.result else tally(vote))
    rule_set = get_rule_set(compound.rule_set)
    settings = compound_settings(compound)
    participation = rule_set.threshold("participation")
    approval = rule_set.threshold(vote.matter)
    roll_head, roll_area = result["roll"]["headcount"], Decimal(result["roll"]["area"])
    part_head, part_area = result["participation"]["headcount"], Decimal(result["participation"]["area"])

    def line(head, area, base_head, base_area) -> dict:
        return {"headcount": head, "area": Decimal(area).quantize(TWO), "head_share": fmt_share(head, base_head),
                "area_share": fmt_share(Decimal(area), base_area)}

    items = []
    if vote.kind == "election":
        for row in result["candidates"]:
            items.append({"label": row["name"], **line(row["headcount"], row["area"], part_head, part_area),
                          "approved": row["approved"], "elected": row["elected"]})
    else:
        for choice in ("for", "against", "abstain"):
            votes = result["votes"][choice]
            items.append({"label": CHOICE_LABELS[choice],
                          **line(votes["headcount"], votes["area"], part_head, part_area)})
    return {
        "result": result,
        "roll": {"headcount": roll_head, "area": roll_area.quantize(TWO)},
        "participation": {**line(part_head, part_area, roll_head, roll_area),
                          "quorum_met": result["participation"]["quorum_met"]},
        "spoilt": line(result["spoilt"]["headcount"], result["spoilt"]["area"], part_head, part_area),
        "items": items,
        "participation_threshold": {"title": participation.title_zh, "title_en": participation.title_en,
                                    "word": participation.counting_word_zh, "citations": list(participation.citations)},
        "approval_threshold": {"title": approval.title_zh, "title_en": approval.title_en,
                               "word": approval.counting_word_zh, "citations": list(approval.citations)},
        "status": result["status"],
        "status_label": STATUS_LABELS.get(result["status"], result["status"]),
        "passed": result.get("passed"),
        "participating_rule": PARTICIPATING_LABELS.get(settings.get("participating_ballots"), ""),
        "parking_counts": bool(settings.get("parking_area_counts", True)),
        "non_voter_clause": bool(settings.get("non_voter_clause", False)),
        "channels": {CHANNEL_LABELS[k]: v for k, v in ballot_counts(vote).items()},
        "basis": result["basis"],
        "matter_reason": (result.get("matter_basis") or {}).get("reason", ""),
        "close_reason": vote.close_reason or "",
        "reopen_reason": vote.reopen_reason or "",
    }


def results_hidden(vote: Vote) -> bool:
    """No role sees per-candidate or per-choice counts before the vote closes (issue 15 item 2)."""
    return vote.state in ("draft", "open")


def turnout_view(vote: Vote, compound: Compound) -> dict:
    """What anyone may see while owners vote: ballots returned by headcount and by area against
    the participation quorum (CC art 278), and how many more are needed. No choices, no names."""
    from sqlalchemy import literal

    from ..rules.thresholds import quorum_met
    from .tally import counted_voters

    rule_set = get_rule_set(compound.rule_set)
    settings = compound_settings(compound)
    threshold = rule_set.threshold("participation")
    from ..registry.util import vote_roll

    roll = vote_roll(vote.roll_version_id, vote.compound_id)  # the vote's roll version once open
    weight = roll.c.area if settings.get("parking_area_counts", True) else roll.c.area - roll.c.parking_area
    counted = counted_voters(roll.c, settings)
    roll_head, roll_area = db.session.execute(
        select(func.count(roll.c.voter_id), func.coalesce(func.sum(weight), literal(0))).where(*counted)).one()
    part_head, part_area = db.session.execute(
        select(func.count(Ballot.id), func.coalesce(func.sum(weight), literal(0)))
        .join(roll, roll.c.voter_id == Ballot.voter_id).where(Ballot.vote_id == vote.id, *counted)).one()
    roll_area, part_area = Decimal(roll_area or 0), Decimal(part_area or 0)

    def needed(part, whole) -> Fraction:  # what is still missing to reach the share (以上: inclusive)
        return max(Fraction(0), threshold.share * Fraction(whole) - Fraction(part))

    def bar(part, whole) -> dict:
        share = (Fraction(part) / Fraction(whole)) if whole else Fraction(0)
        percent = min(Decimal(100), (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(TWO)) \
            if share else Decimal("0.00")
        return {"share": fmt_share(part, whole), "percent": percent}

    head_needed = needed(part_head, roll_head)
    area_needed = needed(part_area, roll_area)
    quorum = quorum_met(int(part_head), part_area, int(roll_head), roll_area, threshold)
    return {
        "roll": {"headcount": int(roll_head), "area": roll_area.quantize(TWO)},
        "participation": {"headcount": int(part_head), "area": part_area.quantize(TWO)},
        "head": bar(part_head, roll_head), "area": bar(part_area, roll_area),
        "quorum_percent": (Decimal(threshold.share.numerator) * 100 / Decimal(threshold.share.denominator)).quantize(TWO),
        "quorum_met": quorum,
        "heads_needed": math.ceil(head_needed),
        "area_needed": (Decimal(area_needed.numerator) / Decimal(area_needed.denominator)).quantize(TWO, ROUND_UP),
        "threshold": {"title": threshold.title_zh, "title_en": threshold.title_en, "word": threshold.counting_word_zh,
                      "citations": list(threshold.citations)},
        "channels": {CHANNEL_LABELS[k]: v for k, v in ballot_counts(vote).items()},
        "non_voter_clause": bool(settings.get("non_voter_clause", False)),
    }


def _vote_plain(vote: Vote, compound: Compound) -> dict:
    return {"id": vote.id, "title": vote.title, "kind": vote.kind, "matter": vote.matter,
            "matter_label": "特别事项" if vote.matter == "special" else "一般事项", "subject": vote.subject_label,
            "seats": vote.seats, "state": str(STATE_LABELS[vote.state]),
            "meeting_on": vote.meeting_on.isoformat() if vote.meeting_on else "",
            "opens_at": _local(vote.opens_at), "closes_at": _local(vote.closes_at),
            "opened_at": _local(vote.opened_at), "closed_at": _local(vote.closed_at),
            "counted_at": _local(vote.counted_at), "description": vote.description or ""}


def _local(moment) -> str:
    return clock.to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def letters_summary(vote: Vote) -> dict:
    """Code ballots by the kind of letter their code came from, and the letter batches printed.

    ``{"code_ballots": int, "from_reprints": int, "batches": int, "reprints": int,
    "reprinted_letters": int}``: the count record states how many code ballots came from
    reprinted letters, so a reader can weigh them against the reprint reasons in the audit log.
    """
    rows = db.session.execute(
        select(LetterBatch.kind, func.count(Ballot.id))
        .select_from(Ballot)
        .join(VotingCode, (VotingCode.vote_id == Ballot.vote_id) & (VotingCode.voter_id == Ballot.voter_id))
        .join(LetterBatch, LetterBatch.id == VotingCode.batch_id)
        .where(Ballot.vote_id == vote.id, Ballot.channel == "online_code")
        .group_by(LetterBatch.kind)).all()
    by_kind = {kind: n for kind, n in rows}
    code_ballots = db.session.scalar(select(func.count(Ballot.id)).where(
        Ballot.vote_id == vote.id, Ballot.channel == "online_code")) or 0
    batches = db.session.execute(select(LetterBatch.kind, LetterBatch.voter_ids).where(LetterBatch.vote_id == vote.id)).all()
    reprints = [ids for kind, ids in batches if kind == "reprint"]
    return {"code_ballots": code_ballots, "from_reprints": by_kind.get("reprint", 0), "batches": len(batches),
            "reprints": len(reprints), "reprinted_letters": sum(len(ids or []) for ids in reprints)}


def letter_batches(vote: Vote) -> list[dict]:
    """The vote's letter batches as plain rows, oldest first, with the reprinted voters' units."""
    batches = db.session.scalars(select(LetterBatch).where(LetterBatch.vote_id == vote.id)
                                 .order_by(LetterBatch.number)).all()
    reprinted = {vid for b in batches if b.is_reprint and len(b.voter_ids or []) == 1 for vid in b.voter_ids}
    labels = voter_labels(reprinted)
    return [{"number": b.number, "kind": b.kind, "reason": b.reason, "letters": len(b.voter_ids or []),
             "printed_at": b.printed_at, "printed_by": b.printed_by_name,
             "units": labels.get(b.voter_ids[0], ("", ""))[1] if b.is_reprint and len(b.voter_ids or []) == 1 else ""}
            for b in batches]


def count_record_context(vote: Vote, compound: Compound) -> dict:
    view = count_view(vote, compound)
    return {"title": "计票记录", "compound_name": compound.name, "generated_on": clock.today().isoformat(),
            "issuer": None, "vote": _vote_plain(vote, compound), "count": view,
            "is_final": vote.state == "counted", "audit_anchor": audit_anchor_plain(),
            "letters": letters_summary(vote)}


def public_candidate_names(vote: Vote) -> dict[int, str]:
    """{candidate id: name as shown in public}: masked (``privacy.mask_name``); two names that
    mask alike get their ballot position ("张*明（2号）") so an owner can still tell them apart."""
    rows = db.session.execute(select(Candidate.id, Candidate.position, Candidate.name)
                              .where(Candidate.vote_id == vote.id)).all()
    return _public_names(rows)


def _public_names(rows) -> dict[int, str]:
    masked = {cid: mask_name(name) for cid, _position, name in rows}
    clashes = {label for label in masked.values() if list(masked.values()).count(label) > 1}
    return {cid: (f"{masked[cid]}（{position}号）" if masked[cid] in clashes else masked[cid])
            for cid, position, _name in rows}


def public_count_view(vote: Vote, compound: Compound) -> dict:
    """:func:`count_view` for public pages and PDFs: candidates' names masked (PIPL)."""
    view = count_view(vote, compound)
    if vote.kind == "election":
        by_name = {name: public_candidate_names(vote)[cid] for cid, name in candidate_names(vote).items()}
        view["items"] = [{**item, "label": by_name.get(item["label"], mask_name(item["label"]))}
                         for item in view["items"]]
    return view


def latest_election_result(compound: Compound) -> dict | None:
    """The compound's latest counted committee election, for its home page: who was elected, named
    as the result notice names them (masked, PIPL), with the links to the notice and the ballot box.
    Two queries, whatever the number of votes or ballots."""
    from flask import url_for

    vote = db.session.scalar(select(Vote).where(Vote.compound_id == compound.id, Vote.kind == "election",
                                                Vote.state == "counted", Vote.result.is_not(None))
                             .order_by(Vote.counted_at.desc(), Vote.id.desc()).limit(1))
    if vote is None:
        return None
    rows = db.session.execute(select(Candidate.id, Candidate.position, Candidate.name)
                              .where(Candidate.vote_id == vote.id)).all()
    public = _public_names(rows)
    by_name = {name: public[cid] for cid, _position, name in rows}
    elected = [by_name.get(row["name"], mask_name(row["name"])) for row in vote.result.get("candidates", [])
               if row.get("elected")]
    status = vote.result.get("status", "")
    return {"vote_id": vote.id, "title": vote.title, "seats": vote.seats, "is_by_election": vote.is_by_election,
            "status": status, "status_label": STATUS_LABELS.get(status, status), "elected": elected,
            "counted_at": vote.counted_at, "notice_id": vote.result_notice_id,
            "notice_url": (url_for("notices.notice", code=compound.code, notice_id=vote.result_notice_id)
                           if vote.result_notice_id else None),
            "box_url": url_for("voting.box", code=compound.code, vote_id=vote.id)}


def result_notice_context(vote: Vote, compound: Compound) -> dict:
    """The result notice posted on the public board: candidates' names masked (PIPL)."""
    view = public_count_view(vote, compound)
    plain = _vote_plain(vote, compound)
    if vote.kind == "election":
        elected = [item["label"] for item in view["items"] if item["elected"]]
        summary = (f"{vote.title}：{view['status_label']}。当选：{'、'.join(elected) if elected else '无'}。")
    else:
        elected = []
        summary = f"{vote.title}：{'通过' if view['passed'] else '未通过'}（{view['status_label']}）。"
    return {"title": f"{vote.title}表决结果公告", "compound_name": compound.name,
            "generated_on": clock.today().isoformat(), "issuer": f"{compound.name}业主大会", "vote": plain,
            "count": view, "elected": elected, "summary": summary, "box_url": box_url(vote, compound),
            "audit_anchor": audit_anchor_plain()}


def audit_anchor_plain() -> dict:
    """The audit chain's head hash and entry count, as plain values for a PDF."""
    from ..audit.operations import anchor

    head = anchor()
    return {"count": head.count, "head_hash": head.head_hash, "grouped": head.grouped, "text": head.text}


def letters_base_url() -> str:
    """The address the voter letters' QR codes and links point to: PUBLIC_BASE_URL.

    In production the app refuses to print letters without it: the request's own address is
    often the app server's (127.0.0.1 behind nginx), and a letter pointing there sends every
    owner nowhere. Under development and tests the request's host is used.
    """
    from flask import current_app, request
    from flask_babel import gettext as _

    from ..web.security import is_production
    from .operations import VotingError

    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/") + "/"
    if is_production(current_app):
        raise VotingError(_("尚未设置本系统对外的网址（PUBLIC_BASE_URL），通知书上的二维码会指向服务器内部地址，业主无法扫码投票。"
                            "请管理员设置后再打印（例如 PUBLIC_BASE_URL=https://yeweihui.example.cn）。"))
    return request.host_url


def box_url(vote: Vote, compound: Compound) -> str:
    """The public ballot box's address (PUBLIC_BASE_URL, else the request's host; a path in commands)."""
    from flask import current_app, has_request_context, request

    base = current_app.config.get("PUBLIC_BASE_URL") or (request.host_url if has_request_context() else "")
    return f"{base.rstrip('/')}/board/{compound.code}/votes/{vote.id}"


# --------------------------------------------------------------------------- letters and ballot papers


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as a PNG data: URI (the PDF fetcher reads only data: and static files).

    A fixed mask skips segno's evaluation of all eight (any mask is valid and scans; this
    makes a batch of letters about three times faster to build).
    """
    return segno.make_qr(url, error="m", mask=2, boost_error=False).png_data_uri(scale=3, border=2)


def letters_context(vote: Vote, compound: Compound, codes: dict[int, str], base_url: str,
                    batch: LetterBatch | None = None) -> dict:
    """One letter per voter who got a code: name, units, area, code and QR (data: URI).

    ``batch``: the letter batch, printed on each letter ("第 2 批（补打）")."""
    voters = db.session.scalars(select(Voter).where(Voter.id.in_(list(codes)))
                                .options(selectinload(Voter.units).selectinload(Unit.building))).all()
    voters = sorted(voters, key=lambda v: (v.kind == "developer", v.units[0].sort_key if v.units else ""))
    base = base_url.rstrip("/")
    letters = []
    for voter in voters:
        code = codes[voter.id]
        url = f"{base}/ballot/{vote.id}?code={code}"
        letters.append({"name": voter.display_name, "units": "、".join(u.label for u in voter.units),
                        "area": voter.area, "code": code, "url": url, "qr": qr_data_uri(url)})
    candidates = [{"name": c.name, "statement": c.statement} for c in vote.candidates]
    return {"title": "业主表决通知书", "compound_name": compound.name, "generated_on": clock.today().isoformat(),
            "issuer": f"{compound.name}业主大会", "vote": _vote_plain(vote, compound), "letters": letters,
            "candidates": candidates, "ballot_url": f"{base}/ballot/{vote.id}",
            "batch": ({"number": batch.number, "is_reprint": batch.is_reprint} if batch is not None else None)}


def render_letters(vote: Vote, compound: Compound, codes: dict[int, str], base_url: str,
                   batch: LetterBatch | None = None) -> bytes:
    """The letters PDF of ``codes`` ({voter_id: code}); callable on its own (a job, a command)."""
    from ..pdf import render_pdf

    return render_pdf("voter_letters.html", **letters_context(vote, compound, codes, base_url, batch))


def ballot_paper_context(vote: Vote, compound: Compound) -> dict:
    return {"title": f"{vote.title}表决票", "compound_name": compound.name,
            "generated_on": clock.today().isoformat(), "issuer": f"{compound.name}业主大会",
            "vote": _vote_plain(vote, compound),
            "candidates": [{"name": c.name, "statement": c.statement} for c in vote.candidates]}


# --------------------------------------------------------------------------- ballot box


def box_page(vote: Vote, page: int, per_page: int = 100, hash_prefix: str = ""):
    """A page of the public ballot box: receipts and choices, no voter; ``hash_prefix`` (lowercase hex)
    keeps the ballots whose receipt hash starts with it."""
    query = select(Ballot).where(Ballot.vote_id == vote.id)
    if hash_prefix:
        query = query.where(Ballot.receipt_hash.startswith(hash_prefix, autoescape=True))
    query = query.order_by(Ballot.receipt_hash)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def ballot_text(ballot: Ballot, names: dict[int, str]) -> str:
    if ballot.is_spoilt:
        return "无效票"
    if ballot.choices:
        return "、".join(names.get(cid, "?") for cid in sorted(c.candidate_id for c in ballot.choices))
    if ballot.choice:
        return CHOICE_LABELS[ballot.choice]
    return "空白票"


def candidate_names(vote: Vote) -> dict[int, str]:
    return dict(db.session.execute(select(Candidate.id, Candidate.name).where(Candidate.vote_id == vote.id)).all())
