from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from .models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("管理员"),
    Role.STREET_OFFICER: _l("街道/社区工作人员"),
    Role.MENTOR: _l("工作室导师"),
    Role.ORGANISER: _l("筹备组/换届小组/业委会成员"),
    Role.OWNER: _l("业主"),
}


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("密码"), validators=[DataRequired()])
    submit = SubmitField(_l("登录"))


class UserForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(min=3, max=80),
                                                  Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("只能使用字母、数字、点、下划线和连字符。"))])
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(), Length(min=8, max=128)])
    submit = SubmitField(_l("创建账号"))


#: the largest id a form may name (the columns are 32-bit integers on PostgreSQL)
MAX_ID = 2**31 - 1


class IdSelectField(SelectField):
    """A select of database ids: empty or "0" is none; anything else must be a whole number in
    the column's range, or the field has a clear error (the database never sees it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, coerce=int, **kwargs)
        self.type = "SelectField"  # rendered as any select (templates/macros.html form_field)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        if raw in ("", "0"):
            self.data = 0
        elif raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID:
            self.data = int(raw)
        else:
            self.data = None
            raise ValueError(str(_l("“%(field)s”的选择无效，请从列表中重新选择。", field=self.label.text)))


#: the scope fields of each role, in the order the form shows them (static/js/grant-form.js
#: shows only the chosen role's fieldset; the server refuses a field of another role)
ROLE_FIELDS = {
    Role.ADMIN: (),
    Role.STREET_OFFICER: ("officer_street_id", "officer_community_id"),
    Role.MENTOR: ("mentor_community_id",),
    Role.ORGANISER: ("organiser_compound_id",),
    Role.OWNER: ("owner_compound_id", "owner_building_id", "owner_unit_id"),
}


class GrantForm(FlaskForm):
    """Grant a role: no role is preselected, and each role has its own scope fields."""

    role = SelectField(_l("角色"), choices=[("", _l("请选择角色"))] + [(role.value, label) for role, label in ROLE_LABELS.items()],
                       default="", validators=[DataRequired(_l("请选择角色。")),
                                               AnyOf([role.value for role in ROLE_LABELS], message=_l("请选择角色。"))])
    officer_street_id = IdSelectField(_l("街道"))
    officer_community_id = IdSelectField(_l("或者：社区"))
    mentor_community_id = IdSelectField(_l("工作室所在社区"))
    organiser_compound_id = IdSelectField(_l("小区"))
    owner_compound_id = IdSelectField(_l("业主所在小区"))
    owner_building_id = IdSelectField(_l("楼栋"))
    owner_unit_id = IdSelectField(_l("房号（从业主名册中选择）"))
    submit = SubmitField(_l("授予角色"))

    def scope_of(self, role: Role) -> dict[str, int]:
        """The chosen role's scope fields that were filled in, by field name."""
        return {name: getattr(self, name).data for name in ROLE_FIELDS[role] if getattr(self, name).data}

    def stray_fields(self, role: Role) -> list[str]:
        """Labels of filled-in fields that belong to another role."""
        return [str(getattr(self, name).label.text) for fields in ROLE_FIELDS.values() for name in fields
                if name not in ROLE_FIELDS[role] and getattr(self, name).data]
