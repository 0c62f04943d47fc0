"""What each kind of job does: plan the work into chunks, render a chunk, name the result.

A kind's ``plan(job)`` runs once per attempt in a worker and returns ``(total, payloads)``:
the progress total (pages, letters, compounds, rows) and one JSON-able payload per chunk.
``render(job, payload)`` returns ``(data, done)``: the chunk's bytes and how much of the total
it covers. Chunks run in parallel on the workers; PDF chunks are joined with pypdf in order.

Other features' code is imported lazily inside the functions, so this module loads even
when a feature is not installed.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db

LETTERS_PER_CHUNK = int(os.environ.get("COMMITTEE_LETTERS_PER_CHUNK", "100"))
COMPOUNDS_PER_CHUNK = 5


class JobError(Exception):
    """A job cannot be done as asked; the message is shown to the person who asked."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # lazy string
    unit: Any  # what progress counts, lazy string
    content_type: str
    filename: Callable[[Any], str]
    plan: Callable[[Any], tuple[int, list]]
    render: Callable[[Any, Any], tuple[bytes, int]]
    # the record's state lets it be read now (a count record: once the vote has closed); None: always
    readable: Callable[[Any], bool] | None = None
    # what a download records (the full roll notice: a personal-data access); None: nothing
    on_download: Callable[[Any, Any], None] | None = None
    # what the finished document is also for, in the job's "done" transaction (a notice's PDF): None: nothing
    on_done: Callable[[Any, bytes], None] | None = None


def join_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of ``parts`` in order (pypdf)."""
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _compound(job):
    from ..registry.models import Compound

    compound = db.session.get(Compound, job.compound_id)
    if compound is None:
        raise JobError(_l("小区已不存在。"))
    return compound


def _user(job):
    from ..accounts.models import User

    return db.session.get(User, job.requested_by_id) if job.requested_by_id else None


# --------------------------------------------------------------------------- voter letters


def _vote(job):
    from ..voting.models import Vote

    vote = db.session.get(Vote, job.target_id)
    if vote is None or vote.compound_id != job.compound_id:
        raise JobError(_l("表决已不存在。"))
    return vote


def _letters_plan(job) -> tuple[int, list]:
    """Issue the codes (the voting feature's rule: every voter without a letter gets a code once;
    ``params["reprint_all"]``: a draft vote's whole run printed again, earlier codes void; a
    retry of a run that failed after issuing: new codes for that batch, whose letters were never
    made), then one chunk per LETTERS_PER_CHUNK letters, each naming the batch printed on them.

    The plain codes exist only here and in the chunk messages on the queue: the database
    keeps their HMACs. The issue is audited with the person who asked as the actor.
    """
    from ..voting import operations

    vote = _vote(job)
    try:
        if job.params.get("reprint_all"):  # a draft's whole run: a retry simply prints it again
            issued = operations.reprint_all_letters(vote, reason=job.params.get("reason", ""), actor=_user(job))
        elif job.params.get("batch"):  # a retry: the failed run's letters never left, new codes for them
            issued = operations.reissue_unprinted(vote, job.params["batch"], actor=_user(job))
        else:
            issued = operations.issue_letters(vote, actor=_user(job))
    except operations.VotingError as error:
        raise JobError(str(error)) from error
    if issued.batch is not None and not job.params.get("reprint_all"):
        job.params = {**job.params, "batch": issued.batch.id}  # committed with the plan: a retry knows it
    if not issued.codes:
        raise JobError(_l("每位表决权人的通知书都已发出（或已投票），没有需要打印的通知书。"))
    items = [[voter_id, code] for voter_id, code in issued.codes.items()]
    batch_id = issued.batch.id if issued.batch is not None else None
    chunks = [{"batch": batch_id, "codes": items[i:i + LETTERS_PER_CHUNK]}
              for i in range(0, len(items), LETTERS_PER_CHUNK)]
    return len(items), chunks


def render_letters(vote, compound, codes: dict[int, str], base_url: str, batch=None) -> bytes:
    """The one place a job renders voter letters: the voting feature's context and template."""
    from ..voting import util

    return util.render_letters(vote, compound, codes, base_url, batch)


def _letters_render(job, payload) -> tuple[bytes, int]:
    from ..voting.models import LetterBatch

    batch_id, items = (payload.get("batch"), payload["codes"]) if isinstance(payload, dict) else (None, payload)
    batch = db.session.get(LetterBatch, batch_id) if batch_id else None
    codes = {int(voter_id): code for voter_id, code in items}
    return (render_letters(_vote(job), _compound(job), codes, job.params.get("base_url", ""), batch),
            len(codes))


# --------------------------------------------------------------------------- roll notice


def _roll_notice_plan(job) -> tuple[int, list]:
    from ..registry.models import Voter

    count = db.session.scalar(select(db.func.count()).select_from(Voter).where(Voter.compound_id == job.compound_id))
    return max(count or 0, 1), [None]


def _roll_notice_render(job, _payload) -> tuple[bytes, int]:
    from ..pdf import render_pdf
    from ..registry import util

    context = util.roll_notice_context(_compound(job))
    return render_pdf("roll_notice.html", **context), max(len(context.get("voters", [])), 1)


def _roll_notice_downloaded(job, user) -> None:
    """The full roll notice carries names and units: every download is a personal-data access."""
    from ..privacy import audit_personal_data

    audit_personal_data("roll.notice_pdf", _compound(job), actor=user, detail={"job": job.id})


# --------------------------------------------------------------------------- the board's roll notice of a procedure


def _board_notice(job):
    from ..notices.models import Notice

    notice = db.session.get(Notice, job.target_id)
    if notice is None or notice.compound_id != job.compound_id:
        raise JobError(_l("公告已不存在。"))
    return notice


def _board_roll_notice_plan(job) -> tuple[int, list]:
    """The notice was posted when asked; its PDF is attached once (a retry after a failure renders again)."""
    from ..notices.models import Notice

    notice = _board_notice(job)
    if db.session.scalar(select(Notice.id).where(Notice.id == notice.id, Notice.pdf.is_not(None))):
        raise JobError(_l("该公告已附有公示文件。"))
    rows = job.params.get("rows")
    if rows is not None:
        return max(len(rows), 1), [None]
    from ..registry.models import RollEntry

    count = db.session.scalar(select(db.func.count()).select_from(RollEntry)
                              .where(RollEntry.roll_version_id == job.params.get("roll_version_id")))
    return max(count or 0, 1), [None]


def _board_roll_notice_render(job, _payload) -> tuple[bytes, int]:
    """The roll as it stood when the notice was posted (the params fix it), names masked."""
    from ..procedures import operations

    try:
        pdf, count = operations.render_roll_notice(_compound(job), job.params)
    except operations.ProcedureError as error:
        raise JobError(str(error)) from error
    return pdf, max(count, 1)


def _board_roll_notice_done(job, data: bytes) -> None:
    from ..procedures import operations

    try:
        operations.attach_roll_notice_pdf(_board_notice(job), data, actor=_user(job) or job.requested_by_name)
    except operations.ProcedureError as error:
        raise JobError(str(error)) from error


# --------------------------------------------------------------------------- count record of a vote


def _count_record_readable(job) -> bool:
    """Results are hidden while owners vote: the count record is readable once the vote has closed."""
    from ..voting import util
    from ..voting.models import Vote

    vote = db.session.get(Vote, job.target_id)
    return vote is not None and vote.compound_id == job.compound_id and not util.results_hidden(vote)


def _count_record_plan(job) -> tuple[int, list]:
    if not _count_record_readable(job):
        _vote(job)  # gone: says so
        raise JobError(_l("计票记录在投票截止后才能打印；投票期间只公布投票进度。"))
    return 1, [None]


def _count_record_render(job, _payload) -> tuple[bytes, int]:
    from ..pdf import render_pdf
    from ..voting import util

    vote = _vote(job)
    return render_pdf("count_record.html", **util.count_record_context(vote, _compound(job))), 1


# --------------------------------------------------------------------------- filing package of a procedure


def _procedure(job):
    from ..procedures.models import Procedure

    procedure = db.session.get(Procedure, job.target_id)
    if procedure is None or procedure.compound_id != job.compound_id:
        raise JobError(_l("程序已不存在。"))
    return procedure


def _filing_plan(job) -> tuple[int, list]:
    _procedure(job)
    return 1, [None]


def _filing_render(job, _payload) -> tuple[bytes, int]:
    from ..oversight import reports
    from ..pdf import render_pdf

    return render_pdf("filing_package.html", **reports.filing_package_context(_compound(job), _procedure(job))), 1


# --------------------------------------------------------------------------- street compliance report


def street_procedures(street_id: int) -> list[tuple[int, int]]:
    """(compound id, latest procedure id) of every compound of the street that has a procedure."""
    from ..procedures.models import Procedure
    from ..registry.models import Community, Compound

    rows = db.session.execute(
        select(Compound.id, Procedure.id).join(Community, Compound.community_id == Community.id)
        .join(Procedure, Procedure.compound_id == Compound.id)
        .where(Community.street_id == street_id)
        .order_by(Compound.name, Compound.id, Procedure.started_at.desc(), Procedure.id.desc())).all()
    latest: dict[int, int] = {}
    for compound_id, procedure_id in rows:
        latest.setdefault(compound_id, procedure_id)
    return list(latest.items())


def _street_plan(job) -> tuple[int, list]:
    pairs = street_procedures(job.street_id)
    if not pairs:
        raise JobError(_l("该街道没有小区正在进行程序，没有可生成的合规报告。"))
    chunks = [pairs[i:i + COMPOUNDS_PER_CHUNK] for i in range(0, len(pairs), COMPOUNDS_PER_CHUNK)]
    return len(pairs), chunks


def _street_render(job, payload) -> tuple[bytes, int]:
    from ..oversight import reports
    from ..pdf import render_pdf
    from ..procedures.models import Procedure
    from ..registry.models import Compound

    parts = []
    for compound_id, procedure_id in payload:
        compound = db.session.get(Compound, compound_id)
        procedure = db.session.get(Procedure, procedure_id)
        if compound is None or procedure is None:
            continue
        parts.append(render_pdf("compliance_report.html", **reports.compliance_report_context(compound, procedure)))
    if not parts:
        raise JobError(_l("报告涉及的小区已不存在。"))
    return join_pdfs(parts), len(payload)


# --------------------------------------------------------------------------- oversight board CSV


def _board_csv_plan(job) -> tuple[int, list]:
    return 1, [None]


def _board_csv_render(job, _payload) -> tuple[bytes, int]:
    from ..oversight import util

    user = _user(job)
    if user is None:
        raise JobError(_l("请求导出的账户已不存在。"))
    filters = {"community_id": job.params.get("community_id"), "only_findings": bool(job.params.get("only_findings")),
               "only_overdue": bool(job.params.get("only_overdue")), "sort": job.params.get("sort") or "name"}
    return util.board_csv(util.board_rows(user, **filters)), 1


KINDS: dict[str, JobKind] = {kind.name: kind for kind in (
    JobKind("voting.letters", _l("业主表决通知书（含投票码）"), _l("封"), "application/pdf",
            lambda job: f"voter-letters-{job.compound_id}-{job.target_id}.pdf", _letters_plan, _letters_render),
    JobKind("registry.roll_notice", _l("业主名册公示"), _l("名"), "application/pdf",
            lambda job: f"roll-notice-{job.compound_id}.pdf", _roll_notice_plan, _roll_notice_render,
            on_download=_roll_notice_downloaded),
    JobKind("procedures.roll_notice", _l("业主名册公示（公示栏，姓名已隐去）"), _l("名"), "application/pdf",
            lambda job: f"roll-notice-board-{job.compound_id}-{job.target_id}.pdf", _board_roll_notice_plan,
            _board_roll_notice_render, on_done=_board_roll_notice_done),
    JobKind("voting.count_record", _l("计票记录"), _l("份"), "application/pdf",
            lambda job: f"count-record-{job.target_id}.pdf", _count_record_plan, _count_record_render,
            readable=_count_record_readable),
    JobKind("oversight.filing_package", _l("备案材料"), _l("份"), "application/pdf",
            lambda job: f"filing-{job.compound_id}-{job.target_id}.pdf", _filing_plan, _filing_render),
    JobKind("oversight.street_report", _l("全街道合规报告"), _l("个小区"), "application/pdf",
            lambda job: f"compliance-street-{job.street_id}.pdf", _street_plan, _street_render),
    JobKind("oversight.board_csv", _l("监督看板 CSV"), _l("份"), "text/csv; charset=utf-8",
            lambda job: "oversight-board.csv", _board_csv_plan, _board_csv_render),
)}
