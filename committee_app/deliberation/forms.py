from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.forms import DateField

SIDE_CHOICES = [("for", _l("正方（赞成）")), ("against", _l("反方（反对）"))]


class SessionForm(FlaskForm):
    body = SelectField(_l("议事机构"), validators=[DataRequired()])
    title = StringField(_l("议题"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("日期"), validators=[DataRequired()])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    chair_name = StringField(_l("主持人"), validators=[DataRequired(), Length(max=120)])
    member_count = IntegerField(_l("成员总数"), validators=[DataRequired(), NumberRange(1, 500)])
    present = TextAreaField(_l("出席成员（每行一人，或用顿号分隔）"), validators=[Optional(), Length(max=5000)])
    meeting_id = SelectField(_l("并入业委会会议纪要（可选）"), validators=[Optional()], coerce=str)
    submit = SubmitField(_l("开始议事"))


class MotionForm(FlaskForm):
    text = TextAreaField(_l("动议内容"), validators=[DataRequired(), Length(max=5000)])
    moved_by = StringField(_l("动议人"), validators=[DataRequired(), Length(max=120)])
    parent_id = HiddenField()
    submit = SubmitField(_l("提出动议"))


class SecondForm(FlaskForm):
    seconded_by = StringField(_l("附议人"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("附议"))


class FloorForm(FlaskForm):
    speaker = StringField(_l("发言人"), validators=[DataRequired(), Length(max=120)])
    side = SelectField(_l("立场"), choices=SIDE_CHOICES)
    submit = SubmitField(_l("申请发言"))


class EndSpeechForm(FlaskForm):
    summary = TextAreaField(_l("发言要点（记入纪要）"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("结束发言"))


class VoteForm(FlaskForm):
    votes_for = IntegerField(_l("赞成"), validators=[InputRequired(), NumberRange(0, 500)], default=0)
    votes_against = IntegerField(_l("反对"), validators=[InputRequired(), NumberRange(0, 500)], default=0)
    votes_abstain = IntegerField(_l("弃权"), validators=[InputRequired(), NumberRange(0, 500)], default=0)
    submit = SubmitField(_l("记录表决结果"))


class EntryForm(FlaskForm):
    person = StringField(_l("姓名"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("类型"), choices=[("award", _l("志愿服务等参与（加分）")), ("exchange", _l("积分超市兑换（扣分）")),
                                          ("adjustment", _l("调整（正负均可，须写明理由）"))])
    activity = SelectField(_l("参与类别（加分时）"), validators=[Optional()])
    points = IntegerField(_l("积分"), validators=[DataRequired(), NumberRange(-10000, 10000)])
    reason = StringField(_l("事由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("记入台账"))


class RateForm(FlaskForm):
    activity = SelectField(_l("参与类别"))
    points = IntegerField(_l("积分"), validators=[InputRequired(), NumberRange(0, 1000)])
    valid_from = DateField(_l("生效日期"), validators=[DataRequired()])
    reason = StringField(_l("调整理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("调整积分标准"))


CHANNEL_CHOICES = [("self", _l("自我推荐")), ("resident", _l("居民推荐")), ("organisation", _l("组织推荐"))]


class CategoryForm(FlaskForm):
    name = StringField(_l("类别名称"), validators=[DataRequired(), Length(max=60)])
    description = StringField(_l("说明"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("增加类别"))


class NominationForm(FlaskForm):
    category_id = SelectField(_l("表彰类别"), coerce=str, validators=[DataRequired()])
    nominee = StringField(_l("被推荐人或团队"), validators=[DataRequired(), Length(max=120)])
    channel = SelectField(_l("推荐方式"), choices=CHANNEL_CHOICES)
    nominated_by = StringField(_l("推荐人"), validators=[DataRequired(), Length(max=120)])
    reason = TextAreaField(_l("推荐理由（事迹）"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("提交推荐"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("评审结果"), choices=[("", _l("请选择")), ("accept", _l("通过")), ("decline", _l("不通过"))],
                           validators=[DataRequired(_l("请选择评审结果。"))])
    note = StringField(_l("评审意见（不通过时必填）"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("记录评审"))


class ConsultationForm(FlaskForm):
    title = StringField(_l("主题"), validators=[DataRequired(), Length(max=200)])
    question = TextAreaField(_l("征询问题"), validators=[DataRequired(), Length(max=5000)])
    options = TextAreaField(_l("选项（每行一项；只征集意见时留空）"), validators=[Optional(), Length(max=5000)])
    closes_on = DateField(_l("截止日期"), validators=[DataRequired()])
    submit = SubmitField(_l("发起征询"))


class VoiceForm(FlaskForm):
    option = SelectField(_l("我的选择"), validators=[Optional()], validate_choice=False)
    comment = TextAreaField(_l("我的意见"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("提交"))


class HideForm(FlaskForm):
    reason = StringField(_l("隐藏理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("隐藏"))


class PublishForm(FlaskForm):
    summary = TextAreaField(_l("意见汇总"), validators=[DataRequired(), Length(max=5000)])
    answer = TextAreaField(_l("业委会答复"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("发布汇总和答复"))
