from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, \
    StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.forms import DateField

CHANNEL_CHOICES = [
    ("self", _l("本人自荐（纸质自荐表）")),
    ("joint", _l("业主联名推荐")),
    ("party", _l("社区党组织推荐")),
    ("community", _l("社区（居委会）推荐")),
]


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class OpenListForm(FlaskForm):
    seats = IntegerField(_l("委员名额（单数）"), validators=[InputRequired(_l("请填写委员名额。")),
                                                   NumberRange(min=1, max=99)])


class NominationForm(FlaskForm):
    channel = SelectField(_l("推荐方式"), choices=CHANNEL_CHOICES, validate_choice=False)
    owner_id = SelectField(_l("被推荐人（从业主名册中选择）"), coerce=int, validate_choice=False,
                           validators=[InputRequired(_l("请从名册中选择被推荐人。"))])
    recommended_by = StringField(_l("推荐组织（党组织或社区推荐时填写）"), validators=[Optional(), Length(max=255)])
    cosigner_ids = SelectMultipleField(_l("联名业主（联名推荐时，从名册中选择）"), coerce=int, validate_choice=False)
    is_party_member = BooleanField(_l("中共党员"))
    biography = TextAreaField(_l("个人简介（500 字以内）"), validators=[Optional(), Length(max=500)])
    statement = TextAreaField(_l("参选陈述 / 推荐理由"), validators=[DataRequired(_l("请填写参选陈述（推荐理由）。")),
                                                              Length(max=2000)])
    documents = MultipleFileField(_l("证明材料（PDF、JPEG 或 PNG，可多选）"))


class SelfNominationForm(FlaskForm):
    owner_id = SelectField(_l("被推荐人（本人）"), coerce=int, validate_choice=False)
    is_party_member = BooleanField(_l("中共党员"))
    biography = TextAreaField(_l("个人简介（500 字以内）"), validators=[Optional(), Length(max=500)])
    statement = TextAreaField(_l("参选陈述"), validators=[DataRequired(_l("请填写参选陈述（推荐理由）。")),
                                                      Length(max=2000)])
    documents = MultipleFileField(_l("证明材料（PDF、JPEG 或 PNG，可多选）"))


class DocumentsForm(FlaskForm):
    documents = MultipleFileField(_l("证明材料（PDF、JPEG 或 PNG）"))


class RoundForm(FlaskForm):
    vetted_on = DateField(_l("审查日期"), validators=[InputRequired(_l("请填写审查日期。"))])
    reviewers = StringField(_l("审查人 / 审查单位"), validators=[DataRequired(_l("请填写审查人或审查单位。")),
                                                           Length(max=255)])
    note = TextAreaField(_l("审查意见"), validators=[Optional(), Length(max=2000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("撤回理由"), validators=[DataRequired(_l("请写明撤回的理由。")), Length(max=2000)])


class ObjectionForm(FlaskForm):
    nomination_id = SelectField(_l("异议对象"), coerce=int, validate_choice=False)
    text = TextAreaField(_l("异议内容和理由"), validators=[DataRequired(_l("请写明异议的内容和理由。")),
                                                        Length(max=2000)])


ANSWER_OUTCOMES = [("upheld", _l("异议成立")), ("dismissed", _l("异议不成立"))]


class AnswerForm(FlaskForm):
    """No outcome is preselected: the organiser must decide each objection (issue 15 item 7)."""

    outcome = SelectField(_l("处理结果"), choices=[("", _l("请选择"))] + ANSWER_OUTCOMES, default="",
                          validators=[DataRequired(_l("请选择处理结果：异议成立或不成立。")),
                                      AnyOf([value for value, _label in ANSWER_OUTCOMES],
                                            message=_l("请选择处理结果：异议成立或不成立。"))])
    answer = TextAreaField(_l("答复"), validators=[DataRequired(_l("请填写答复内容。")), Length(max=2000)])
