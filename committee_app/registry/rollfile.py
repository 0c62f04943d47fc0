"""Parse an owner roll file (名册) into checked rows: pure Python, no Flask, no database.

SPEC §3 "Roll file columns". A file is either ``.xlsx`` (first sheet, header in row 1) or
``.csv`` (UTF-8, UTF-8 with BOM, or GBK/GB18030). Every problem is collected as a
:class:`RollError` that names the spreadsheet row (header = row 1) and the column; the
parser never raises on bad input, so the caller can import all-or-nothing: import
``result.rows`` only when ``result.ok``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

__all__ = [
    "COLUMNS",
    "RollError",
    "RollParseResult",
    "RollRow",
    "parse_roll_file",
    "parse_roll_rows",
    "split_owner_names",
]

TWO_PLACES = Decimal("0.01")
MAX_AREA = Decimal("99999999.99")  # fits NUMERIC(10, 2); no exclusive part comes near

# canonical key -> (Chinese label, English label, required)
COLUMNS: dict[str, tuple[str, str, bool]] = {
    "building": ("楼栋", "building", True),
    "unit": ("房号", "unit", True),
    "area": ("面积", "area", True),
    "owner": ("业主", "owner", True),
    "owner_ref": ("业主编号", "owner_ref", False),
    "status": ("状态", "status", False),
    "phone": ("手机", "phone", False),
    "parking": ("车位", "parking", False),
}

_WHITESPACE = re.compile(r"\s+")
# A unit after the name, as real files write it: "面积(㎡)", "面积（平方米）", "area (m2)".
_UNIT_SUFFIX = re.compile(r"[（(][^（()）]*[)）]$")


def _norm_header(text: str) -> str:
    return _UNIT_SUFFIX.sub("", _WHITESPACE.sub("", text)).casefold()


_HEADER_ALIASES: dict[str, str] = {}
for _key, (_zh, _en, _required) in COLUMNS.items():
    _HEADER_ALIASES[_norm_header(_zh)] = _key
    _HEADER_ALIASES[_norm_header(_en)] = _key
    _HEADER_ALIASES[_norm_header(f"{_zh}/{_en}")] = _key  # "楼栋/building" as in the spec

_SOLD = {"": True, "已售": True, "sold": True,
         "未售": False, "unsold": False, "未交付": False, "undelivered": False}
_PARKING = {"": False, "否": False, "no": False, "n": False,
            "是": True, "yes": True, "y": True}
_OWNER_SPLIT = re.compile(r"[、;；]")
# Control characters that never occur in a real text roll (tab, CR, LF allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RollRow:
    """One checked line of the roll: one exclusive part (专有部分)."""

    row_number: int
    building: str
    unit: str
    area: Decimal
    owner_names: tuple[str, ...]
    owner_ref: str | None
    is_sold: bool
    phone: str | None
    is_parking: bool


@dataclass(frozen=True, slots=True)
class RollError:
    """One problem found in the file; ``row``/``column`` are None for file-level errors."""

    row: int | None
    column: str | None  # canonical key ("area"), see COLUMNS
    message_zh: str
    message_en: str

    def text(self, lang: str = "zh") -> str:
        """"第3行「面积」：面积必须大于0" or "Row 3, column "area": area must be greater than 0"."""
        if lang.startswith("zh"):
            where = ""
            if self.row is not None:
                where += f"第{self.row}行"
            if self.column is not None:
                where += f"「{column_label(self.column, 'zh')}」"
            return f"{where}：{self.message_zh}" if where else self.message_zh
        parts = []
        if self.row is not None:
            parts.append(f"Row {self.row}")
        if self.column is not None:
            parts.append(f'column "{column_label(self.column, "en")}"')
        where = ", ".join(parts)
        return f"{where}: {self.message_en}" if where else self.message_en

    def __str__(self) -> str:
        return self.text("zh")


@dataclass(slots=True)
class RollParseResult:
    rows: list[RollRow] = field(default_factory=list)
    errors: list[RollError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def column_label(key: str, lang: str = "zh") -> str:
    labels = COLUMNS.get(key)
    if labels is None:
        return key
    return labels[0] if lang.startswith("zh") else labels[1]


def split_owner_names(text: str) -> tuple[str, ...]:
    """"张三、李四; 王五；" -> ("张三", "李四", "王五")."""
    return tuple(part.strip() for part in _OWNER_SPLIT.split(text) if part.strip())


# --------------------------------------------------------------------------- reading


def _file_error(zh: str, en: str) -> RollParseResult:
    return RollParseResult(errors=[RollError(None, None, zh, en)])


def _decode_csv(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            return None  # binary data that happened to decode
        return text
    return None


def _csv_rows(data: bytes):
    text = _decode_csv(data)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook  # imported here: CSV-only callers need not pay for it

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [row for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A cell as trimmed text; numbers keep their exact written form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)  # shortest repr: 89.5 -> "89.5", never 89.4999…
    return str(value).strip()


# --------------------------------------------------------------------------- parsing


def parse_roll_file(filename: str, data: bytes) -> RollParseResult:
    """Parse and check a roll file; never raises on bad input."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return _file_error(
            f"不支持的文件类型「{suffix or filename}」：请上传 .xlsx 或 .csv 文件"
            "（旧版 .xls 请另存为 .xlsx）",
            f"Unsupported file type '{suffix or filename}': upload an .xlsx or .csv file"
            " (save an old .xls file as .xlsx)",
        )
    if not data:
        return _file_error("文件为空", "The file is empty")
    try:
        raw_rows = _csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
    except Exception:  # openpyxl raises many kinds on corrupt files; csv.Error too
        raw_rows = None
    if raw_rows is None:
        if suffix == ".csv":
            return _file_error(
                "无法读取文件：不是 UTF-8 或 GBK 编码的 CSV 文本",
                "Unreadable file: not CSV text in UTF-8 or GBK",
            )
        return _file_error(
            "无法读取文件：不是有效的 Excel (.xlsx) 文件",
            "Unreadable file: not a valid Excel (.xlsx) workbook",
        )
    try:
        return parse_roll_rows(raw_rows)
    except Exception:  # a safety net: a bad file must give a message, never a 500
        return _file_error("无法读取文件内容，请检查文件格式", "Could not read the file's content")


def _map_header(header_row) -> tuple[dict[str, int], list[RollError]]:
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, cell in enumerate(header_row):
        text = _cell_text(cell)
        if not text:
            continue
        key = _HEADER_ALIASES.get(_norm_header(text))
        if key is None:
            unknown.append(text)
        elif key in positions:
            duplicated.append(text)
        else:
            positions[key] = index
    missing = [key for key, (_zh, _en, required) in COLUMNS.items()
               if required and key not in positions]
    if not (unknown or duplicated or missing):
        return positions, []
    zh_parts, en_parts = [], []
    if missing:
        zh_parts.append("缺少列：" + "、".join(f"{COLUMNS[k][0]}/{k}" for k in missing))
        en_parts.append("missing column(s): " + ", ".join(f"{k}/{COLUMNS[k][0]}" for k in missing))
    if unknown:
        zh_parts.append("无法识别的列：" + "、".join(f"「{t}」" for t in unknown))
        en_parts.append("unknown column(s): " + ", ".join(f'"{t}"' for t in unknown))
    if duplicated:
        zh_parts.append("重复的列：" + "、".join(f"「{t}」" for t in duplicated))
        en_parts.append("duplicated column(s): " + ", ".join(f'"{t}"' for t in duplicated))
    allowed_zh = "、".join(f"{zh}/{en}" for zh, en, _r in COLUMNS.values())
    return positions, [RollError(
        1, None,
        "列名不正确：" + "；".join(zh_parts) + f"。可用的列：{allowed_zh}",
        "Wrong columns: " + "; ".join(en_parts)
        + ". Allowed columns: " + ", ".join(en for _zh, en, _r in COLUMNS.values()),
    )]


def _parse_area(text: str) -> tuple[Decimal | None, tuple[str, str] | None]:
    if not text:
        return None, ("缺少面积", "area is missing")
    try:
        area = Decimal(text)
    except InvalidOperation:
        return None, (f"面积「{text}」不是数字", f'area "{text}" is not a number')
    if not area.is_finite():
        return None, (f"面积「{text}」不是数字", f'area "{text}" is not a number')
    if area <= 0:
        return None, ("面积必须大于0", "area must be greater than 0")
    if area > MAX_AREA:
        return None, (f"面积「{text}」过大", f'area "{text}" is too large')
    quantized = area.quantize(TWO_PLACES)
    if quantized != area:
        return None, (f"面积「{text}」最多保留两位小数",
                      f'area "{text}" has more than 2 decimal places')
    return quantized, None


def parse_roll_rows(raw_rows) -> RollParseResult:
    """Check already-read rows (a list of cell tuples, header first)."""
    result = RollParseResult()
    errors = result.errors
    # Skip leading blank lines? No: the spec fixes the header in row 1.
    if not raw_rows or not any(_cell_text(c) for c in raw_rows[0]):
        errors.append(RollError(1, None, "第一行必须是列名（表头）",
                                "the first row must be the header"))
        return result
    positions, header_errors = _map_header(raw_rows[0])
    if header_errors:
        errors.extend(header_errors)
        return result

    width = len(raw_rows[0])
    col_building = positions["building"]
    col_unit = positions["unit"]
    col_area = positions["area"]
    col_owner = positions["owner"]
    col_ref = positions.get("owner_ref")
    col_status = positions.get("status")
    col_phone = positions.get("phone")
    col_parking = positions.get("parking")

    seen_units: dict[tuple[str, str], int] = {}
    seen_refs: dict[str, tuple[int, frozenset[str]]] = {}

    for row_number, raw in enumerate(raw_rows[1:], start=2):
        cells = [_cell_text(c) for c in raw]
        if not any(cells):
            continue  # blank line
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        elif len(cells) > width and any(cells[width:]):
            errors.append(RollError(row_number, None, "该行的单元格多于表头的列",
                                    "the row has more cells than the header has columns"))

        def err(column: str, zh: str, en: str) -> None:
            errors.append(RollError(row_number, column, zh, en))

        row_ok = True
        building = _WHITESPACE.sub(" ", cells[col_building])
        unit = _WHITESPACE.sub(" ", cells[col_unit])
        if not building:
            err("building", "缺少楼栋", "building is missing")
            row_ok = False
        if not unit:
            err("unit", "缺少房号", "unit is missing")
            row_ok = False

        area, area_problem = _parse_area(cells[col_area])
        if area_problem:
            err("area", *area_problem)
            row_ok = False

        is_sold = True
        if col_status is not None:
            status_text = cells[col_status]
            status = _SOLD.get(status_text.casefold())
            if status is None:
                err("status", f"状态「{status_text}」无法识别，应为「已售」或「未售」",
                    f'unknown status "{status_text}": use "sold" or "unsold"')
                row_ok = False
            else:
                is_sold = status

        is_parking = False
        if col_parking is not None:
            parking_text = cells[col_parking]
            parking = _PARKING.get(parking_text.casefold())
            if parking is None:
                err("parking", f"车位「{parking_text}」无法识别，应为「是」或「否」",
                    f'unknown parking value "{parking_text}": use "yes" or "no"')
                row_ok = False
            else:
                is_parking = parking

        owner_names: tuple[str, ...] = ()
        owner_ref: str | None = None
        if is_sold:
            owner_names = split_owner_names(cells[col_owner])
            if not owner_names:
                err("owner", "已售房屋必须填写业主", "a sold unit must have an owner")
                row_ok = False
            owner_ref = (cells[col_ref] if col_ref is not None else "") or None
            if owner_ref is not None and owner_names:
                names_key = frozenset(owner_names)
                first = seen_refs.get(owner_ref)
                if first is None:
                    seen_refs[owner_ref] = (row_number, names_key)
                elif first[1] != names_key:
                    err("owner_ref",
                        f"业主编号「{owner_ref}」在第{first[0]}行和第{row_number}行"
                        "对应不同的业主姓名",
                        f'owner_ref "{owner_ref}" names different owners on rows '
                        f"{first[0]} and {row_number}")
                    row_ok = False

        if building and unit:
            unit_key = (building.casefold(), unit.casefold())
            first_row = seen_units.get(unit_key)
            if first_row is None:
                seen_units[unit_key] = row_number
            else:
                err("unit", f"{building} {unit} 重复：第{first_row}行和第{row_number}行",
                    f"duplicate unit {building} {unit}: rows {first_row} and {row_number}")
                row_ok = False

        if row_ok and not errors:
            phone = cells[col_phone] if col_phone is not None else ""
            result.rows.append(RollRow(
                row_number=row_number,
                building=building,
                unit=unit,
                area=area,
                owner_names=owner_names,
                owner_ref=owner_ref,
                is_sold=is_sold,
                phone=phone or None,
                is_parking=is_parking,
            ))

    if not result.rows and not errors:
        errors.append(RollError(None, None, "文件中没有数据行", "the file has no data rows"))
    if errors:
        result.rows.clear()  # all-or-nothing: a file with errors yields no rows to import
    return result
