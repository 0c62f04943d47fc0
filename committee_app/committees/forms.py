from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..web.forms import DateField

ROLE_CHOICES = [("chair", _l("主任")), ("vice_chair", _l("副主任")), ("member", _l("委员"))]


class CommitteeForm(FlaskForm):
    elected_on = DateField(_l("选举日期"), validators=[DataRequired(_l("请填写选举日期。"))])
    term_starts_on = DateField(_l("任期开始日期（默认选举日）"), validators=[Optional()])
    term_ends_on = DateField(_l("任期届满日期（默认按任期年限计算）"), validators=[Optional()])
    filed_on = DateField(_l("备案日期"), validators=[Optional()])
    members = TextAreaField(_l("委员（每行一名：姓名，职务，楼栋-房号）"),
                            validators=[DataRequired(_l("请至少填写一名委员。")), Length(max=5000)])
    submit = SubmitField(_l("登记本届业委会"))


class TermForm(FlaskForm):
    term_ends_on = DateField(_l("任期届满日期"), validators=[DataRequired()])
    filed_on = DateField(_l("备案日期"), validators=[Optional()])
    submit = SubmitField(_l("保存"))


class MemberForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("职务"), choices=ROLE_CHOICES, default="member")
    unit = StringField(_l("房屋（楼栋-房号，可选）"), validators=[Optional(), Length(max=200)])
    joined_on = DateField(_l("加入日期"), validators=[DataRequired()])
    submit = SubmitField(_l("增加委员"))


class MemberUpdateForm(FlaskForm):
    role = SelectField(_l("职务"), choices=ROLE_CHOICES)
    left_on = DateField(_l("离任日期"), validators=[Optional()])
    submit = SubmitField(_l("保存"))
