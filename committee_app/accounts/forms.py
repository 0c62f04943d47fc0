from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

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


class GrantForm(FlaskForm):
    role = SelectField(_l("角色"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()])
    street_id = SelectField(_l("街道"), coerce=int, validators=[Optional()])
    community_id = SelectField(_l("社区"), coerce=int, validators=[Optional()])
    compound_id = SelectField(_l("小区"), coerce=int, validators=[Optional()])
    voter_key = StringField(_l("业主表决权人编号（业主角色）"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("授予角色"))
