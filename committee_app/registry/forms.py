from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class RollImportForm(FlaskForm):
    roll_file = FileField(_l("名册文件（.xlsx 或 .csv）"), validators=[
        FileRequired(_l("请选择名册文件。")),
        FileAllowed(["xlsx", "csv"], _l("只接受 .xlsx 或 .csv 文件。")),
    ])
    submit = SubmitField(_l("上传并预览"))


class ConfirmForm(FlaskForm):
    """A bare form for the confirm and cancel buttons (CSRF token only)."""


class StreetForm(FlaskForm):
    name = StringField(_l("街道名称"), validators=[DataRequired(), Length(max=120)])
    district = StringField(_l("所属区县"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("新建街道"))


class CommunityForm(FlaskForm):
    street_id = SelectField(_l("街道"), coerce=int)
    name = StringField(_l("社区名称"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("新建社区"))


class CompoundForm(FlaskForm):
    community_id = SelectField(_l("社区"), coerce=int)
    code = StringField(_l("小区编号"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("小区名称"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("新建小区"))
