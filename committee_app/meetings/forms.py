from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..web.forms import DateField


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(FlaskForm):
    title = StringField(_l("会议名称"), validators=[DataRequired(_l("请填写会议名称。")), Length(max=200)])
    meeting_on = DateField(_l("会议日期"), validators=[DataRequired(_l("请填写会议日期。"))])
    agenda_posted_on = DateField(_l("议题告知日期"), validators=[DataRequired(_l("请填写议题告知日期。"))])
    location = StringField(_l("会议地点"), validators=[Optional(), Length(max=200)])
    agenda = TextAreaField(_l("议题（每行一项）"), validators=[DataRequired(_l("请至少列出一项议题。")), Length(max=5000)])
    urgent_reason = TextAreaField(_l("紧急会议理由（议题告知不足7日时必填）"), validators=[Optional(), Length(max=2000)])
    request_id = SelectField(_l("响应委员提议"), coerce=int, default=0)
    submit = SubmitField(_l("发布议题并安排会议"))


class RequestForm(FlaskForm):
    requested_on = DateField(_l("提议日期"), validators=[DataRequired()])
    subject = TextAreaField(_l("提议事由"), validators=[DataRequired(_l("请填写提议事由。")), Length(max=2000)])
    member_ids = MultiCheckboxField(_l("提议委员"), coerce=int)
    submit = SubmitField(_l("登记委员提议"))


class AgendaItemForm(FlaskForm):
    title = StringField(_l("议题"), validators=[DataRequired(), Length(max=200)])
    urgent_reason = TextAreaField(_l("紧急会议理由（不足7日时必填）"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("增加议题"))


class AttendanceForm(FlaskForm):
    member_ids = MultiCheckboxField(_l("出席委员（本人出席，不得委托）"), coerce=int)
    submit = SubmitField(_l("保存出席情况"))


class MotionForm(FlaskForm):
    text = TextAreaField(_l("表决事项"), validators=[DataRequired(), Length(max=2000)])
    agenda_item_id = SelectField(_l("所属议题"), coerce=int, default=0)
    submit = SubmitField(_l("增加表决事项"))


class PlainForm(FlaskForm):
    """Only the CSRF token; the view reads its own named inputs."""


class MinutesForm(FlaskForm):
    opening = TextAreaField(_l("会议情况（主持人、记录人等）"), validators=[Optional(), Length(max=20000)])
    other = TextAreaField(_l("其他事项"), validators=[Optional(), Length(max=20000)])
    reason = TextAreaField(_l("更正理由（纪要锁定后必填）"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("保存为新版本"))


class SignForm(FlaskForm):
    member_ids = MultiCheckboxField(_l("签字的出席委员"), coerce=int)
    signed_on = DateField(_l("签字日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记签字"))


class ProposalForm(FlaskForm):
    title = StringField(_l("议题标题"), validators=[DataRequired(_l("请填写议题标题。")), Length(max=200)])
    body = TextAreaField(_l("议题内容"), validators=[DataRequired(_l("请填写议题内容。")), Length(max=5000)])
    submit = SubmitField(_l("提交议题"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("发言"), validators=[DataRequired(_l("请填写发言内容。")), Length(max=5000)])
    submit = SubmitField(_l("发表"))


class DecisionForm(FlaskForm):
    decision = TextAreaField(_l("业委会答复意见"), validators=[DataRequired(_l("请填写答复意见。")), Length(max=5000)])
    submit = SubmitField(_l("记录答复并公告"))
