"""The notification centre: list, open (mark read and go where the person acts), mark all
read, channel preferences, and the private calendar feed."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import clock
from ..policy import Ability, can
from ..web.transaction import transaction
from . import operations, util
from .models import CHANNELS

bp = Blueprint("notifications", __name__)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 -]{5,20}$")


@bp.get("/notifications")
@login_required
def index():
    items = util.notifications_of(current_user.id)
    book = operations.rule_book()
    language = str(get_locale() or "zh")[:2]

    def title_of(notification) -> str:
        rule = book.rule(notification.rule_key)
        return (rule.title_in(language, notification.values or {}) if rule else None) or notification.title

    return render_template("notifications/index.html", items=items, book=book, title_of=title_of,
                           unread=sum(1 for n in items if not n.is_read),
                           channel_labels={"email": _("邮件"), "sms": _("短信")},
                           state_labels={"pending": _("待发送"), "sending": _("发送中"), "sent": _("已发送"),
                                         "failed": _("发送失败")},
                           when=lambda moment: clock.to_local(moment).strftime("%Y-%m-%d %H:%M"))


@bp.post("/notifications/<int:notification_id>/open")
@transaction
@login_required
def open_notification(notification_id: int):
    notification = util.own_notification(current_user.id, notification_id)
    if notification is None:
        abort(404)
    operations.mark_read(notification)
    return redirect(util.safe_link(notification.link) or url_for("notifications.index"))


@bp.post("/notifications/read")
@transaction
@login_required
def read_all():
    count = operations.mark_all_read(current_user.id)
    flash(ngettext("已将 %(num)s 条通知标为已读。", "已将 %(num)s 条通知标为已读。", count), "success")
    return redirect(url_for("notifications.index"))


def _preferences_context(submitted: dict | None = None) -> dict:
    """The settings page's values; may create the profile and calendar token (the view commits)."""
    book = operations.rule_book()
    profile = operations.profile_of(current_user.id)
    token = operations.calendar_token(current_user.id)
    return {
        "book": book, "profile": profile, "channels": CHANNELS, "prefs": util.preferences_of(current_user.id),
        "feed_url": url_for("notifications.calendar", token=token, _external=True),
        "is_owner": can(current_user, Ability.VOTE), "sms_enabled": bool(current_app.config.get("NOTIFY_SMS_ENABLED")),
        "submitted": submitted or {},
    }


@bp.get("/notifications/settings")
@transaction
@login_required
def settings():
    return render_template("notifications/settings.html", **_preferences_context())


@bp.post("/notifications/settings")
@transaction
@login_required
def save_settings():
    email = request.form.get("email", "").strip()
    phone = request.form.get("phone", "").strip()
    errors = []
    if email and (len(email) > 255 or not EMAIL.match(email)):
        errors.append(_("电子邮箱格式不正确。"))
    if phone and not PHONE.match(phone):
        errors.append(_("手机号码格式不正确。"))
    if errors:
        for error in errors:
            flash(error, "danger")
        return render_template("notifications/settings.html",
                               **_preferences_context({"email": email, "phone": phone})), 400
    book = operations.rule_book()
    choices = {(kind, channel): request.form.get(f"{kind}:{channel}") == "on"
               for kind in book.kinds for channel in CHANNELS}
    operations.save_preferences(current_user.id, email=email, phone=phone,
                                stops_optional=request.form.get("stops_optional") == "on"
                                and can(current_user, Ability.VOTE), choices=choices)
    flash(_("通知设置已保存。"), "success")
    return redirect(url_for("notifications.settings"))


@bp.post("/notifications/calendar/reset")
@transaction
@login_required
def reset_calendar():
    operations.reset_calendar_token(current_user.id)
    flash(_("日历订阅地址已重置，旧地址不再可用。"), "success")
    return redirect(url_for("notifications.settings", _anchor="calendar"))


@bp.get("/calendar/<token>.ics")
def calendar(token: str):
    user = util.user_by_token(token)
    if user is None:
        abort(404)
    return Response(util.calendar_feed(user), mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=committee.ics", "Cache-Control": "private"})
