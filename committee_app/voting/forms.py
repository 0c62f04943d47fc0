from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..web.forms import DateField, DateTimeLocalField
from .models import SUBJECTS


class VoteForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=[("election", _l("业委会选举")), ("motion", _l("事项表决"))])
    title = StringField(_l("标题"), validators=[DataRequired(), Length(max=255)])
    seats = IntegerField(_l("应选名额（选举）"), validators=[Optional(), NumberRange(min=1, max=99)])
    is_by_election = BooleanField(_l("补选（填补出缺委员，名额不受单数限制）"))
    subject = SelectField(_l("表决事项（事项表决）"),
                          choices=[(key, label) for key, label in SUBJECTS.items() if key != "committee"])
    # the matter follows the subject (CC art 278 ¶2); a choice that contradicts it is refused
    matter = SelectField(_l("事项类别"), choices=[("", _l("按表决事项确定（民法典第278条）")),
                                                  ("ordinary", _l("一般事项（过半数）")),
                                                  ("special", _l("特别事项（四分之三以上）"))],
                         validators=[Optional()], default="")
    meeting_on = DateField(_l("业主大会日期"), validators=[Optional()])
    opens_at = DateTimeLocalField(_l("投票开始时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("投票截止时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    description = TextAreaField(_l("说明"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("新建表决"))


class CandidateForm(FlaskForm):
    name = StringField(_l("候选人姓名"), validators=[DataRequired(), Length(max=120)])
    statement = TextAreaField(_l("竞选陈述"), validators=[Optional(), Length(max=2000)])
    biography = TextAreaField(_l("简介"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("添加候选人"))


class TimesForm(FlaskForm):
    opens_at = DateTimeLocalField(_l("投票开始时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("投票截止时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    submit = SubmitField(_l("保存时间"))


class PaperImportForm(FlaskForm):
    ballot_file = FileField(_l("选票文件（.xlsx 或 .csv）"), validators=[
        FileRequired(_l("请选择选票文件。")), FileAllowed(["xlsx", "csv"], _l("只接受 .xlsx 或 .csv 文件。"))])
    slot = SelectField(_l("录入序号"), choices=[("", _l("自动（先第一次，后第二次）")), ("1", _l("第一次录入")),
                                                ("2", _l("第二次录入"))], validators=[Optional()])
    counter_name = StringField(_l("计票人"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("导入"))
