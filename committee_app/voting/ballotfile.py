"""Parse a paper ballot file (SPEC §3 "Ballot file columns"): pure Python, no database.

Columns (Chinese or English header, any order): 楼栋/building, 房号/unit (any unit of
the voter), then 选择/choices (elections: names separated by 、 or ;) or 表决/vote
(motions: 同意/for, 反对/against, 弃权/abstain), optional 无效/spoilt (是/yes) and
代理人/proxy (the proxy's name). Errors name the row (header = row 1) and never raise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from ..registry.rollfile import _cell_text, _csv_rows, _norm_header, _xlsx_rows

COLUMNS = {
    "building": ("楼栋", "building"),
    "unit": ("房号", "unit"),
    "choices": ("选择", "choices"),
    "vote": ("表决", "vote"),
    "spoilt": ("无效", "spoilt"),
    "proxy": ("代理人", "proxy"),
}
_ALIASES = {}
for _key, (_zh, _en) in COLUMNS.items():
    for _label in (_zh, _en, f"{_zh}/{_en}"):
        _ALIASES[_norm_header(_label)] = _key

VOTE_WORDS = {"同意": "for", "for": "for", "赞成": "for", "反对": "against", "against": "against",
              "弃权": "abstain", "abstain": "abstain", "": None}
YES_NO = {"": False, "否": False, "no": False, "n": False, "是": True, "yes": True, "y": True}
_SPLIT = re.compile(r"[、;；,，]")


@dataclass(frozen=True)
class BallotRow:
    row_number: int
    building: str
    unit: str
    choices: tuple[str, ...]
    vote: str | None
    is_spoilt: bool
    proxy: str | None


@dataclass(frozen=True)
class BallotError:
    row: int | None
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}" if self.row else self.message


@dataclass
class BallotParse:
    rows: list[BallotRow] = field(default_factory=list)
    errors: list[BallotError] = field(default_factory=list)


def parse_ballot_file(filename: str, data: bytes, kind: str) -> BallotParse:
    result = BallotParse()
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        result.errors.append(BallotError(None, "不支持的文件类型：请上传 .csv 或 .xlsx 文件"))
        return result
    if not data:
        result.errors.append(BallotError(None, "文件为空"))
        return result
    try:
        raw = _csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
    except Exception:  # corrupt workbook or csv
        raw = None
    if not raw:
        result.errors.append(BallotError(None, "无法读取文件：不是 UTF-8/GBK 编码的 CSV 或有效的 .xlsx 文件"))
        return result
    header = [_ALIASES.get(_norm_header(_cell_text(cell))) for cell in raw[0]]
    positions = {key: index for index, key in enumerate(header) if key}
    needed = ["building", "unit", "choices" if kind == "election" else "vote"]
    missing = [COLUMNS[key][0] + "/" + COLUMNS[key][1] for key in needed if key not in positions]
    if missing:
        result.errors.append(BallotError(1, "缺少列：" + "、".join(missing)))
        return result

    def cell(row, key) -> str:
        index = positions.get(key)
        return _cell_text(row[index]) if index is not None and index < len(row) else ""

    for number, row in enumerate(raw[1:], start=2):
        if not any(_cell_text(value) for value in row):
            continue
        building, unit = cell(row, "building"), cell(row, "unit")
        if not building or not unit:
            result.errors.append(BallotError(number, "楼栋和房号不能为空"))
            continue
        spoilt_text = cell(row, "spoilt").casefold()
        if spoilt_text not in YES_NO:
            result.errors.append(BallotError(number, f"「无效」只能填 是/否，而不是「{spoilt_text}」"))
            continue
        vote = None
        choices: tuple[str, ...] = ()
        if kind == "election":
            choices = tuple(part.strip() for part in _SPLIT.split(cell(row, "choices")) if part.strip())
        else:
            vote_text = cell(row, "vote").casefold()
            if vote_text not in VOTE_WORDS:
                result.errors.append(BallotError(number, f"「表决」只能填 同意/反对/弃权，而不是「{vote_text}」"))
                continue
            vote = VOTE_WORDS[vote_text]
        result.rows.append(BallotRow(number, building, unit, choices, vote, YES_NO[spoilt_text],
                                     cell(row, "proxy") or None))
    if not result.rows and not result.errors:
        result.errors.append(BallotError(None, "文件中没有任何选票"))
    return result
