from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    Form,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    FieldList,
    FormField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..web.forms import DateField


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ItemRowForm(Form):
    """One action item typed on the session form (all three fields or none)."""

    title = StringField(_l("待办事项"), validators=[Optional(), Length(max=300)])
    assignee = StringField(_l("负责人"), validators=[Optional(), Length(max=120)])
    due_on = DateField(_l("完成期限"), validators=[Optional()])


class SessionForm(FlaskForm):
    held_on = DateField(_l("会谈日期"), validators=[DataRequired(_l("请填写会谈日期。"))])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    attendee_ids = MultiCheckboxField(_l("参加人（本小区账号）"), coerce=int, validate_choice=False)
    guests = TextAreaField(_l("其他参加人（姓名，每行一个或用顿号分隔）"), validators=[Optional(), Length(max=2000)])
    topics = MultiCheckboxField(_l("议题"), validate_choice=False)
    step_key = SelectField(_l("涉及的程序步骤"), validators=[Optional()], validate_choice=False)
    advice = TextAreaField(_l("指导意见"), validators=[DataRequired(_l("请填写指导意见。")), Length(max=10000)])
    items = FieldList(FormField(ItemRowForm), min_entries=3, max_entries=10)
    attachment = FileField(_l("附件（PDF、JPEG 或 PNG，可选）"))
    submit = SubmitField(_l("保存会谈记录"))


class SessionEditForm(FlaskForm):
    held_on = DateField(_l("会谈日期"), validators=[DataRequired(_l("请填写会谈日期。"))])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    topics = MultiCheckboxField(_l("议题"), validate_choice=False)
    step_key = SelectField(_l("涉及的程序步骤"), validators=[Optional()], validate_choice=False)
    advice = TextAreaField(_l("指导意见"), validators=[DataRequired(_l("请填写指导意见。")), Length(max=10000)])
    submit = SubmitField(_l("保存修改"))


class ItemForm(FlaskForm):
    title = StringField(_l("待办事项"), validators=[DataRequired(_l("请填写事项内容。")), Length(max=300)])
    assignee = StringField(_l("负责人"), validators=[DataRequired(_l("请填写负责人。")), Length(max=120)])
    due_on = DateField(_l("完成期限"), validators=[DataRequired(_l("请填写完成期限。"))])
    submit = SubmitField(_l("添加事项"))


class CompleteItemForm(FlaskForm):
    completed_on = DateField(_l("完成日期"), validators=[DataRequired(_l("请填写完成日期。"))])
    note = TextAreaField(_l("完成情况"), validators=[DataRequired(_l("请填写完成情况说明。")), Length(max=2000)])
    submit = SubmitField(_l("标记完成"))


class DropItemForm(FlaskForm):
    reason = TextAreaField(_l("撤销理由"), validators=[DataRequired(_l("撤销事项须说明理由。")), Length(max=2000)])
    submit = SubmitField(_l("撤销事项"))


class UploadForm(FlaskForm):
    file = FileField(_l("文件（PDF、JPEG 或 PNG）"))
    submit = SubmitField(_l("上传"))


class EventForm(FlaskForm):
    community_id = SelectField(_l("社区"), coerce=int, validate_choice=False)
    kind = SelectField(_l("活动类型"), choices=[("salon", _l("业委会主题沙龙")), ("microclass", _l("微学堂"))])
    title = StringField(_l("主题"), validators=[DataRequired(_l("请填写活动主题。")), Length(max=200)])
    speakers = StringField(_l("主讲人"), validators=[Optional(), Length(max=300)])
    held_on = DateField(_l("日期"), validators=[DataRequired(_l("请填写活动日期。"))])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("内容简介"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("创建活动"))


class InviteForm(FlaskForm):
    user_ids = MultiCheckboxField(_l("各小区账号"), coerce=int, validate_choice=False)
    guest_compound_id = SelectField(_l("来宾所属小区"), coerce=int, validate_choice=False)
    guests = TextAreaField(_l("其他受邀人（姓名，每行一个或用顿号分隔）"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("添加受邀人"))


class AttendanceForm(FlaskForm):
    present = MultiCheckboxField(_l("到场"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("保存签到"))
