from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..i18n import ui_language
from ..pdf import render_pdf
from ..policy import Ability, authorize, can, compounds_where, get_compound_or_404, scope_of
from ..registry.models import Compound
from ..storage import operations as storage
from ..web import datacache
from ..web.safe_redirect import safe_next
from ..web import listing
from ..web.transaction import attempt, transaction
from . import operations, util
from .forms import (
    AttendanceForm,
    CompleteItemForm,
    DropItemForm,
    EventForm,
    InviteForm,
    ItemForm,
    SessionEditForm,
    SessionForm,
    UploadForm,
)
from .models import ActionItem, CoachingSession, WorkshopEvent, WorkshopFile

bp = Blueprint("workshop", __name__, url_prefix="/workshop")


# ----------------------------------------------------------------------------- helpers


def _flash_form_errors(form) -> None:
    for messages in form.errors.values():
        for message in messages:
            flash(message if isinstance(message, str) else _("请检查填写的内容。"), "danger")


def _authorize_any(compound: Compound, *abilities: Ability) -> None:
    if not any(can(current_user, ability, compound) for ability in abilities):
        authorize(abilities[0], compound)


def _session_of(compound: Compound, session_id: int) -> CoachingSession:
    session = db.session.get(CoachingSession, session_id)
    if session is None or session.compound_id != compound.id:
        abort(404)
    return session


def _item_of(compound: Compound, item_id: int) -> ActionItem:
    item = db.session.get(ActionItem, item_id)
    if item is None or item.compound_id != compound.id:
        abort(404)
    return item


def _coached_community_ids() -> list[int]:
    return [community.id for community in util.coached_communities(current_user)]


def _event_or_404(event_id: int) -> WorkshopEvent:
    authorize(Ability.COACH)
    event = db.session.get(WorkshopEvent, event_id)
    if event is None:
        abort(404)
    if event.community_id not in _coached_community_ids():
        abort(403)
    return event


def _back(default: str) -> Response:
    return redirect(safe_next(request.form.get("next"), default))


def _read_upload(form_file) -> tuple[bytes, str] | None:
    if form_file is None or not getattr(form_file, "filename", ""):
        return None
    return form_file.read(), form_file.filename


def _send_stored(file: WorkshopFile):
    stored = storage.get(file.stored_file_id)
    if stored is None:
        abort(404)
    disposition = "inline" if file.content_type != "application/pdf" else "attachment"
    response = storage.send(stored)
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(file.filename)}"
    return response


# ----------------------------------------------------------------------------- board


@bp.get("/")
def board():
    authorize(Ability.COACH)
    today = clock.today()
    # the mentor's compounds, communities and coming events: the same for every mentor with these grants
    compound_ids, communities, events = datacache.cached(
        "workshop.scope", (repr(scope_of(current_user)), today), lambda: util.board_scope(current_user, today))
    has_procedures = util.procedures_available()
    language = ui_language()

    def rows_part() -> tuple[str, dict]:
        # the same for every mentor of these compounds: kept rendered in the data cache
        rows = util.rows_of(compound_ids, today, language)
        return (render_template("workshop/_board_rows.html", rows=rows, today=today, has_procedures=has_procedures,
                                level=lambda row: util.attention_level(row, today)),
                util.board_summary(rows))

    rows_html, summary = datacache.render_kept("workshop.board_part", (compound_ids, today, str(get_locale()),
                                                                   language, has_procedures), rows_part)
    return render_template("workshop/board.html", rows_html=rows_html, summary=summary, today=today,
                           communities=communities, events=events,
                           has_procedures=has_procedures)


# ----------------------------------------------------------------------------- compound coaching


@bp.get("/compounds/<code>")
def compound(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.COACH, compound)
    procedure = util.procedure_overviews([compound.id]).get(compound.id)
    return render_template("workshop/compound.html", compound=compound, sessions=util.compound_sessions(compound),
                           procedure=procedure, has_procedures=util.procedures_available(),
                           items=util.compound_items([compound.id]), today=clock.today(),
                           topic_label=util.topic_label, step_title=lambda key: util.step_title(compound, key),
                           complete_form=CompleteItemForm(), drop_form=DropItemForm(), can_update=True)


def _session_form(compound: Compound) -> SessionForm:
    form = SessionForm()
    form.attendee_ids.choices = [(user.id, user.display_name) for user in util.organiser_accounts(compound.id)]
    form.topics.choices = [(key, util.topic_label(key)) for key in util.TOPICS]
    form.step_key.choices = [("", _("（不涉及具体步骤）"))] + util.step_choices(compound)
    return form


@bp.route("/compounds/<code>/sessions/new", methods=["GET", "POST"])
@transaction
def new_session(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.COACH, compound)
    form = _session_form(compound)
    if request.method == "GET":
        form.held_on.data = clock.today()
    elif form.validate_on_submit():
        items, problem = [], None
        for row in form.items.entries:
            values = (row.form.title.data or "").strip(), (row.form.assignee.data or "").strip(), row.form.due_on.data
            if any(values):
                if not all(values):
                    problem = _("待办事项须写明内容、负责人和完成期限。")
                    break
                items.append(operations.NewItem(*values))
        upload = _read_upload(form.attachment.data)

        def log_session():
            if problem:
                raise operations.WorkshopError(problem)
            logged = operations.log_session(
                compound, held_on=form.held_on.data, place=form.place.data, topics=form.topics.data or [],
                advice=form.advice.data, step_key=form.step_key.data or None,
                attendee_user_ids=form.attendee_ids.data or [], guest_names=operations.split_names(form.guests.data),
                items=items, mentor=current_user)
            if upload:
                operations.store_file(upload[0], upload[1], session=logged, actor=current_user)
            return logged
        session, refusal = attempt(log_session)
        if not refusal:
            flash(_("会谈记录已保存，含 %(n)s 项待办。", n=len(items)), "success")
            return redirect(url_for("workshop.session", code=compound.code, session_id=session.id))
    else:
        _flash_form_errors(form)
    status = 400 if request.method == "POST" else 200
    return render_template("workshop/session_form.html", compound=compound, form=form), status


@bp.get("/compounds/<code>/sessions/<int:session_id>")
def session(code: str, session_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.COACH, compound)
    session = _session_of(compound, session_id)
    item_form = ItemForm()
    return render_template("workshop/session.html", compound=compound, session=session, today=clock.today(),
                           item_form=item_form, upload_form=UploadForm(), topic_label=util.topic_label,
                           step=util.step_title(compound, session.step_key),
                           complete_form=CompleteItemForm(), drop_form=DropItemForm(), can_update=True)


@bp.route("/compounds/<code>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@transaction
def edit_session(code: str, session_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.COACH, compound)
    session = _session_of(compound, session_id)
    form = SessionEditForm(obj=session if request.method == "GET" else None)
    form.topics.choices = [(key, util.topic_label(key)) for key in util.TOPICS]
    form.step_key.choices = [("", _("（不涉及具体步骤）"))] + util.step_choices(compound)
    if request.method == "POST":
        if form.validate_on_submit():
            _result, refusal = attempt(lambda: operations.update_session(
                session, held_on=form.held_on.data, place=form.place.data, topics=form.topics.data or [],
                advice=form.advice.data, step_key=form.step_key.data or None, actor=current_user))
            if not refusal:
                flash(_("会谈记录已修改。"), "success")
                return redirect(url_for("workshop.session", code=compound.code, session_id=session.id))
        else:
            _flash_form_errors(form)
    status = 400 if request.method == "POST" else 200
    return render_template("workshop/session_edit.html", compound=compound, session=session, form=form), status


@bp.post("/compounds/<code>/sessions/<int:session_id>/items")
@transaction
def add_item(code: str, session_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.COACH, compound)
    session = _session_of(compound, session_id)
    form = ItemForm()
    if form.validate_on_submit():
        _result, refusal = attempt(lambda: operations.add_item(
            session, form.title.data, form.assignee.data, form.due_on.data, actor=current_user))
        if not refusal:
            flash(_("已添加待办事项。"), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("workshop.session", code=compound.code, session_id=session.id))


@bp.post("/compounds/<code>/sessions/<int:session_id>/files")
@transaction
def upload_session_file(code: str, session_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.COACH, compound)
    session = _session_of(compound, session_id)
    form = UploadForm()
    upload = _read_upload(form.file.data) if form.validate_on_submit() else None
    if upload is None:
        flash(_("请选择要上传的文件。"), "danger")
    else:
        _result, refusal = attempt(lambda: operations.store_file(
            upload[0], upload[1], session=session, actor=current_user))
        if not refusal:
            flash(_("附件已上传。"), "success")
    return redirect(url_for("workshop.session", code=compound.code, session_id=session.id))


@bp.get("/compounds/<code>/files/<int:file_id>")
def session_file(code: str, file_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.COACH, compound)
    file = db.session.get(WorkshopFile, file_id)
    if file is None or file.session is None or file.session.compound_id != compound.id:
        abort(404)
    return _send_stored(file)


# ----------------------------------------------------------------------------- action items


ITEMS_PER_PAGE = 20


def _items_page(compounds: list, endpoint: str, *, show_compound: bool, **page_context):
    """The action items of ``compounds``, filtered by compound, state and text from the query
    string (a value that is not allowed is ignored), one page at a time."""
    today = clock.today()
    filters = {"q": listing.search_text(request.args),
               "state": listing.choice(request.args, "state", util.ITEM_STATES),
               "compound": listing.chosen_id(request.args, "compound", [c.id for c in compounds])
               if show_compound else None}
    ids = [filters["compound"]] if filters["compound"] else [c.id for c in compounds]
    page = db.paginate(util.filtered_items(ids, today=today, state=filters["state"], text=filters["q"]),
                       page=listing.page_number(request.args), per_page=ITEMS_PER_PAGE, error_out=False)
    return render_template("workshop/items.html", items=page.items, page=page, filters=filters,
                           compounds=compounds if show_compound else [], endpoint=endpoint, today=today,
                           show_compound=show_compound, complete_form=CompleteItemForm(), drop_form=DropItemForm(),
                           can_update=True, **page_context)


@bp.get("/compounds/<code>/items")
def items(code: str):
    compound = get_compound_or_404(code)
    _authorize_any(compound, Ability.MANAGE, Ability.COACH)
    return _items_page([compound], "workshop.items", show_compound=False, single=compound,
                       page_args={"code": compound.code})


@bp.get("/items")
def coached_items():
    authorize(Ability.COACH)
    compounds = list(db.session.scalars(compounds_where(current_user, Ability.COACH).order_by(Compound.name)))
    return _items_page(compounds, "workshop.coached_items", show_compound=True, single=None, coach_view=True,
                       page_args={})


@bp.get("/my-items")
def my_items():
    authorize(Ability.MANAGE)
    compounds = list(db.session.scalars(compounds_where(current_user, Ability.MANAGE).order_by(Compound.name)))
    return _items_page(compounds, "workshop.my_items", show_compound=len(compounds) > 1, single=None,
                       page_args={})


@bp.post("/compounds/<code>/items/<int:item_id>/complete")
@transaction
def complete_item(code: str, item_id: int):
    compound = get_compound_or_404(code)
    _authorize_any(compound, Ability.MANAGE, Ability.COACH)
    item = _item_of(compound, item_id)
    form = CompleteItemForm()
    if form.validate_on_submit():
        _result, refusal = attempt(lambda: operations.complete_item(
            item, form.completed_on.data, form.note.data, actor=current_user))
        if not refusal:
            flash(_("已标记完成：%(title)s", title=item.title), "success")
    else:
        _flash_form_errors(form)
    return _back(url_for("workshop.items", code=compound.code))


@bp.post("/compounds/<code>/items/<int:item_id>/drop")
@transaction
def drop_item(code: str, item_id: int):
    compound = get_compound_or_404(code)
    _authorize_any(compound, Ability.MANAGE, Ability.COACH)
    item = _item_of(compound, item_id)
    form = DropItemForm()
    if form.validate_on_submit():
        _result, refusal = attempt(lambda: operations.drop_item(item, form.reason.data, actor=current_user))
        if not refusal:
            flash(_("已撤销：%(title)s", title=item.title), "success")
    else:
        _flash_form_errors(form)
    return _back(url_for("workshop.items", code=compound.code))


# ----------------------------------------------------------------------------- coaching record PDF


@bp.get("/compounds/<code>/coaching-record.pdf")
def coaching_record(code: str):
    compound = get_compound_or_404(code)
    _authorize_any(compound, Ability.COACH, Ability.SIGN_OFF)
    pdf = render_pdf("coaching_record.html", **util.coaching_record_context(compound))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=coaching-record-{compound.code}.pdf"})


# ----------------------------------------------------------------------------- events


@bp.get("/events")
def events():
    authorize(Ability.COACH)
    return render_template("workshop/events.html", events=util.events_of(_coached_community_ids()),
                           today=clock.today(), kind_label=util.event_kind_label)


@bp.route("/events/new", methods=["GET", "POST"])
@transaction
def new_event():
    authorize(Ability.COACH)
    communities = util.coached_communities(current_user)
    form = EventForm()
    form.community_id.choices = [(c.id, c.name) for c in communities]
    if request.method == "GET":
        form.held_on.data = clock.today()
    elif form.validate_on_submit():
        community = next((c for c in communities if c.id == form.community_id.data), None)
        if community is None:
            flash(_("请选择您负责的社区。"), "danger")
        else:
            event, refusal = attempt(lambda: operations.create_event(
                community, kind=form.kind.data, title=form.title.data, held_on=form.held_on.data,
                speakers=form.speakers.data, place=form.place.data, description=form.description.data,
                actor=current_user))
            if not refusal:
                flash(_("活动已创建，请添加受邀人。"), "success")
                return redirect(url_for("workshop.event", event_id=event.id))
    else:
        _flash_form_errors(form)
    return render_template("workshop/event_form.html", form=form), 400 if request.method == "POST" else 200


def _invite_form(event: WorkshopEvent, people) -> InviteForm:
    form = InviteForm()
    form.user_ids.choices = [(user_id, f"{user.display_name}（{compound_name}）")
                             for user_id, (user, _cid, compound_name) in people.items()]
    compounds = db.session.execute(select(Compound.id, Compound.name)
                                   .where(Compound.community_id == event.community_id).order_by(Compound.name)).all()
    form.guest_compound_id.choices = [(0, _("（不属于某个小区）"))] + [(c.id, c.name) for c in compounds]
    return form


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    event = _event_or_404(event_id)
    people = util.community_people(event.community_id)
    invited = {invitee.user_id for invitee in event.invitees if invitee.user_id}
    invite_form = _invite_form(event, people)
    invite_form.user_ids.choices = [c for c in invite_form.user_ids.choices if c[0] not in invited]
    return render_template("workshop/event.html", event=event, invite_form=invite_form,
                           attendance_form=AttendanceForm(), upload_form=UploadForm(), today=clock.today(),
                           kind_label=util.event_kind_label)


@bp.post("/events/<int:event_id>/invitees")
@transaction
def invite(event_id: int):
    event = _event_or_404(event_id)
    form = _invite_form(event, util.community_people(event.community_id))
    if form.validate_on_submit():
        compound_id = form.guest_compound_id.data or None
        guests = [(name, compound_id) for name in operations.split_names(form.guests.data)]
        added, refusal = attempt(lambda: operations.invite(
            event, user_ids=form.user_ids.data or [], guests=guests, actor=current_user))
        if not refusal:
            flash(_("已添加 %(n)s 名受邀人。", n=added), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("workshop.event", event_id=event.id))


@bp.post("/events/<int:event_id>/attendance")
@transaction
def attendance(event_id: int):
    event = _event_or_404(event_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        _result, refusal = attempt(lambda: operations.take_attendance(
            event, set(form.present.data or []), actor=current_user))
        if not refusal:
            present = sum(1 for invitee in event.invitees if invitee.attended)
            flash(_("签到已保存：到场 %(n)s 人，共邀请 %(total)s 人。", n=present, total=len(event.invitees)), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("workshop.event", event_id=event.id))


@bp.post("/events/<int:event_id>/materials")
@transaction
def upload_material(event_id: int):
    event = _event_or_404(event_id)
    form = UploadForm()
    upload = _read_upload(form.file.data) if form.validate_on_submit() else None
    if upload is None:
        flash(_("请选择要上传的文件。"), "danger")
    else:
        _result, refusal = attempt(lambda: operations.store_file(
            upload[0], upload[1], event=event, actor=current_user))
        if not refusal:
            flash(_("资料已上传。"), "success")
    return redirect(url_for("workshop.event", event_id=event.id))


@bp.get("/events/<int:event_id>/materials/<int:file_id>")
def material(event_id: int, file_id: int):
    event = _event_or_404(event_id)
    file = db.session.get(WorkshopFile, file_id)
    if file is None or file.event_id != event.id:
        abort(404)
    return _send_stored(file)


# ----------------------------------------------------------------------------- training records


@bp.get("/people")
def people():
    authorize(Ability.COACH)
    return render_template("workshop/people.html", people=util.training_people(_coached_community_ids()))


@bp.get("/people/accounts/<int:user_id>")
def account_record(user_id: int):
    from ..accounts.models import User

    if (current_user.is_authenticated and current_user.id == user_id and can(current_user, Ability.MANAGE)
            and not can(current_user, Ability.COACH)):
        person = current_user
        records = util.own_training_record(user_id)
    else:
        authorize(Ability.COACH)
        person = db.get_or_404(User, user_id)
        records = util.training_record(_coached_community_ids(), user_id=user_id)
        if not records and user_id not in _people_in_scope():
            abort(403)
    return render_template("workshop/training_record.html", name=person.display_name, records=records,
                           kind_label=util.event_kind_label)


def _people_in_scope() -> set[int]:
    ids: set[int] = set()
    for community_id in _coached_community_ids():
        ids.update(util.community_people(community_id))
    return ids


@bp.get("/people/guests")
def guest_record():
    authorize(Ability.COACH)
    name = (request.args.get("name") or "").strip()
    records = util.training_record(_coached_community_ids(), guest_name=name) if name else []
    if not records:
        abort(404)
    return render_template("workshop/training_record.html", name=name, records=records,
                           kind_label=util.event_kind_label)


@bp.get("/my-training")
def my_training():
    authorize(Ability.MANAGE)
    return redirect(url_for("workshop.account_record", user_id=current_user.id))


def compound_panel(compound: Compound, user) -> dict | None:
    """The compound page's section: the mentor's open items for its organisers and mentor."""
    manage, coach = can(user, Ability.MANAGE, compound), can(user, Ability.COACH, compound)
    if not (manage or coach):
        if can(user, Ability.SIGN_OFF, compound):
            return {"compound": compound, "items": None, "today": clock.today(), "pdf_only": True}
        return None
    return {"compound": compound, "items": util.compound_items([compound.id], only_open=True),
            "today": clock.today(), "pdf_only": False, "coach": coach,
            "complete_form": CompleteItemForm(), "drop_form": DropItemForm()}

