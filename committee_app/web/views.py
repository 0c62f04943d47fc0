from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, has_request_context, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .. import clock
from ..accounts.models import Role
from ..extensions import db
from ..features import hooks
from ..i18n import ui_language
from ..policy import Ability, can, scope_of
from ..registry.models import Compound
from .models import HealthCheck
from .safe_redirect import safe_next
from .transaction import InputRefused, database_problem, known_error

bp = Blueprint("web", __name__)

# Which landing page wins when a user holds several roles.
_LANDING_ORDER = [Role.ADMIN, Role.STREET_OFFICER, Role.MENTOR, Role.ORGANISER, Role.OWNER]


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        compounds = db.session.scalars(select(Compound).order_by(Compound.name)).all()
        return render_template("web/public_index.html", compounds=compounds,
                               board_endpoint=hooks().public_board_endpoint)
    landing = hooks().landing
    for role in _LANDING_ORDER:
        if role in current_user.roles and landing.get(role) in current_app.view_functions:
            return redirect(url_for(landing[role]))
    scope = scope_of(current_user)
    if len(scope.organiser_compound_ids) == 1 and not scope.is_admin:
        compound = db.session.get(Compound, next(iter(scope.organiser_compound_ids)))
        return redirect(url_for("registry.compound", code=compound.code))
    if can(current_user, Ability.READ):
        return redirect(url_for("registry.compounds"))
    if scope.owner_voter_keys:
        compound = db.session.get(Compound, next(iter(scope.owner_voter_keys)))
        return redirect(url_for("registry.compound", code=compound.code))
    return render_template("web/no_role.html")


@bp.post("/language")
def set_language():
    code = request.form.get("locale", "")
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
    return redirect(safe_next(request.form.get("next"), url_for("web.index")))


@bp.get("/healthz")
def healthz():
    """Reads and writes the database: 200 when both work, else 503 saying what is wrong."""
    try:
        check = db.session.get(HealthCheck, 1)
        if check is None:
            db.session.add(HealthCheck(id=1, checked_at=clock.utcnow()))
        else:
            check.checked_at = clock.utcnow()
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        problem = database_problem(error)
        current_app.logger.error("health check failed: %s", error)
        return {"status": "error", "database": problem.kind, "message": problem.message}, 503
    return {"status": "ok", "database": "writable"}


def register_error_handlers(app: Flask) -> None:
    def error_page(status: int, title: str, message: str):
        return render_template("web/error.html", status=status, title=title, message=message), status

    @app.errorhandler(400)
    def bad_request(error):
        return error_page(400, _("请求无效"), getattr(error, "description", "") or _("提交的内容无法处理。"))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(400, _("表单已失效"), _("页面已过期或表单来源不可信，请返回刷新后重新提交。"))

    @app.errorhandler(403)
    def forbidden(error):
        return error_page(403, _("无权访问"), _("您的账号无权查看或修改此内容。如需权限，请联系管理员。"))

    @app.errorhandler(404)
    def not_found(error):
        return error_page(404, _("页面不存在"), _("您要找的页面不存在或已被移除。"))

    @app.errorhandler(413)
    def too_large(error):
        return error_page(413, _("文件过大"), _("上传的文件超过了允许的大小。"))

    @app.errorhandler(InputRefused)
    def input_refused(error):
        db.session.rollback()
        return error_page(400, _("请求无效"), str(error))

    @app.errorhandler(DBAPIError)
    def database_error(error):
        db.session.rollback()
        message, status = known_error(error)
        app.logger.error("database error: %s", error)
        return error_page(status, _("未保存"), message)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return error_page(500, _("系统出错"), _("抱歉，系统出现错误，您的操作未被保存。请稍后再试。"))


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def layout_context():
        items = []
        if has_request_context() and current_user.is_authenticated:
            items = [item for item in hooks().nav if item.visible(current_user)]
        return {"nav_items": items, "today": clock.today()}

    @app.template_filter("area")
    def format_area(value) -> str:
        return "" if value is None else f"{value:,.2f}"

    @app.template_global("citation")
    def citation_in_ui_language(key: str):
        """A citation key → the law's name, article and summary in the UI's language (macro ``citations``)."""
        from flask_babel import get_locale

        from ..rules.citations import cite

        locale = get_locale() if has_request_context() else None
        return cite(key, "en" if locale is not None and locale.language == "en" else "zh")

    @app.template_global("colon")
    def colon_in_ui_language() -> str:
        """The colon after a label: full-width in Chinese, ": " in English (``{{ _('导师') }}{{ colon() }}``)."""
        return ": " if ui_language() == "en" else "："

    @app.template_global("ui_text")
    def text_in_ui_language(zh: str | None, en: str | None = None) -> str | None:
        """Rule data's two titles → the one of the UI's language (English only where it exists)."""
        return en if en and ui_language() == "en" else zh

    @app.template_filter("readable_law")
    def readable_law_filter(message) -> str:
        """Flashed and error messages: citation keys become the laws' names in the UI's language."""
        from ..rules.citations import readable

        return readable(message, ui_language())

    @app.template_filter("paren")
    def parenthesised_in_ui_language(value) -> Markup:
        """A parenthetical: full-width brackets in Chinese, " (…)" in English (``{{ n|paren }}``)."""
        return Markup(" ({})" if ui_language() == "en" else "（{}）").format(value)

    @app.template_filter("law_names")
    def law_names_filter(keys, separator: str = "；") -> str:
        """Public PDFs: the Chinese names and articles of citation keys (never the keys)."""
        from ..rules.citations import law_names

        return law_names(keys or (), separator)

    @app.template_filter("local_dt")
    def format_local_datetime(value) -> str:
        return "" if value is None else clock.to_local(value).strftime("%Y-%m-%d %H:%M")

    @app.template_filter("local_date")
    def format_local_date(value) -> str:
        """A stored naive-UTC datetime as its Asia/Shanghai date."""
        return "" if value is None else clock.to_local(value).date().isoformat()

    @app.template_filter("how_counted")
    def how_counted(value) -> str:
        """How a computed date was counted (a rules.CountedDate), in the page's language."""
        from flask_babel import get_locale

        if value is None or not hasattr(value, "explanation"):
            return ""
        locale = get_locale()
        return value.explanation("en" if locale is not None and locale.language == "en" else "zh")

    @app.template_global("period_note")
    def period_note(event_on, ends_on) -> str:
        """How a stored period end (posted on ``event_on``, ends on ``ends_on``) is counted (CC arts 201-203)."""
        from ..rules.periods import explain_stored_end

        if event_on is None or ends_on is None:
            return ""
        return how_counted(explain_stored_end(event_on, ends_on))


def flash_errors(form) -> None:
    """Flash every validation error of a WTForms form (for forms shown in dialogs)."""
    for field_errors in form.errors.values():
        for message in field_errors:
            flash(message, "danger")
