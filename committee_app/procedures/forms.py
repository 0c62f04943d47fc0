from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..web.forms import DateField
from .models import MEETING_FORMS


class StartProcedureForm(FlaskForm):
    kind = SelectField(_l("程序"), choices=[("reelection", _l("业主委员会换届选举")),
                                             ("formation", _l("首次业主大会（成立业主大会、选举业主委员会）"))])
    term_ends_on = DateField(_l("本届业委会任期届满日（换届）"), validators=[Optional()])
    application_on = DateField(_l("业主书面申请日（首次业主大会）"), validators=[Optional()])
    submit = SubmitField(_l("开始程序"))


class AnchorsForm(FlaskForm):
    application_on = DateField(_l("业主书面申请日"), validators=[Optional()])
    group_formed_on = DateField(_l("筹备组成立日"), validators=[Optional()])
    term_ends_on = DateField(_l("任期届满日"), validators=[Optional()])
    meeting_on = DateField(_l("业主大会会议（表决）日"), validators=[Optional()])
    election_on = DateField(_l("选举日"), validators=[Optional()])
    submit = SubmitField(_l("保存日期"))


class CompleteStepForm(FlaskForm):
    done_on = DateField(_l("完成日期"), validators=[DataRequired(_l("请填写完成日期。"))])
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=4000)])
    documents = MultipleFileField(_l("附件（PDF、JPEG 或 PNG）"))
    submit = SubmitField(_l("记录完成"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由"), validators=[DataRequired(_l("请写明理由。")), Length(max=4000)])
    submit = SubmitField(_l("提交"))


class DocumentForm(FlaskForm):
    documents = MultipleFileField(_l("附件（PDF、JPEG 或 PNG）"))
    submit = SubmitField(_l("上传"))


class MeetingNoticeForm(FlaskForm):
    posted_on = DateField(_l("通知张贴日期"), validators=[DataRequired(_l("请填写张贴日期。"))])
    meeting_on = DateField(_l("会议（表决）日期"), validators=[DataRequired(_l("请填写会议日期。"))])
    meeting_time = StringField(_l("时间"), validators=[DataRequired(_l("请填写会议时间。")), Length(max=40)])
    place = StringField(_l("地点"), validators=[DataRequired(_l("请填写会议地点。")), Length(max=255)])
    form = SelectField(_l("会议形式"), choices=[(key, _l(label)) for key, label in MEETING_FORMS.items()])
    agenda = TextAreaField(_l("会议议题（每行一项）"), validators=[DataRequired(_l("请填写会议议题。")), Length(max=4000)])
    reason = TextAreaField(_l("更正或改期的理由（将显示在被替换的通知上）"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("生成并张贴会议通知"))


class PostRollNoticeForm(FlaskForm):
    submit = SubmitField(_l("发布名册公示"))


class PlainForm(FlaskForm):
    """A form with only the CSRF token (buttons, and the settings page built from the rule set)."""
