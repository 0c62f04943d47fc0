"""Parse an owner roll file (名册) into checked rows: pure Python, no Flask, no database.

SPEC §3 "Roll file columns". A file is either ``.xlsx`` (first sheet, header in row 1) or
``.csv`` (UTF-8, UTF-8 with BOM, or GBK/GB18030). Every problem is collected as a
:class:`RollError` that names the spreadsheet row (header = row 1) and the column; the
parser never raises on bad input, so the caller can import all-or-nothing: import
``result.rows`` only when ``result.ok``.

Every input is bounded (issue 12): at most ``max_rows`` rows, counted while the file is
streamed; an ``.xlsx`` is read in read-only mode and refused before it is opened when its
unzipped parts exceed ``max_unzipped`` bytes (a zip bomb); text longer than its database
column and control characters (NUL) are row/column errors; at most ``max_errors`` errors are
kept, ``error_count`` says how many there were.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
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
    "template_csv",
    "template_xlsx",
]

TWO_PLACES = Decimal("0.01")
# Defaults of the settings ROLL_MAX_ROWS, ROLL_MAX_UNIT_AREA, ROLL_MAX_XLSX_BYTES (config.py).
MAX_ROWS = 50_000
MAX_UNIT_AREA = Decimal("20000.00")  # m² of one exclusive part; a whole shopping podium is less
MAX_XLSX_BYTES = 64 * 1024 * 1024  # all parts of the workbook, unzipped
MAX_ERRORS = 200
MAX_COLUMNS = 64  # cells read per row of a workbook, whatever its declared dimension
# Longest text each column may hold, from the database columns it goes to
# (building.name, unit.number, owner.name, voter.key = "ref:" + owner_ref, voter.phone).
MAX_LENGTHS = {"building": 60, "unit": 60, "owner": 120, "owner_ref": 116, "phone": 40}
MAX_UNIT_KEY = 114  # voter.key "unit:<building>/<unit>" fits String(120)
_AREA_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)

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
    errors: list[RollError] = field(default_factory=list)  # the first ``max_errors``
    error_count: int = 0  # all errors found, listed or not
    max_errors: int = MAX_ERRORS

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def more_errors(self) -> int:
        """Errors found beyond those listed ("and N more")."""
        return max(self.error_count - len(self.errors), 0)

    def add(self, error: RollError) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(error)

    def add_first(self, error: RollError) -> None:
        """A file-level error, listed first even when the list is full."""
        self.error_count += 1
        self.errors.insert(0, error)
        del self.errors[self.max_errors:]


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
    result = RollParseResult()
    result.add(RollError(None, None, zh, en))
    return result


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
        if _CONTROL.search(text.split("\n", 1)[0]):
            return None  # binary data that happened to decode (a NUL further down is a row error)
        return text
    return None


def _csv_rows(data: bytes) -> list | None:
    """All rows of a CSV file as a list (the ballot file reads it whole)."""
    rows = _csv_stream(data)
    return None if rows is None else list(rows)


def _csv_stream(data: bytes) -> Iterator | None:
    text = _decode_csv(data)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


class _TooLarge(Exception):
    pass


def _check_xlsx_size(data: bytes, max_unzipped: int) -> None:
    """Refuse a workbook whose parts unzip to more than ``max_unzipped`` bytes, before reading it.

    The sizes are those of the zip's directory; Python's zipfile never returns more bytes
    than an entry declares, so a lying entry cannot get past this either.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        total = sum(info.file_size for info in archive.infolist())
    if total > max_unzipped:
        raise _TooLarge(total)


def _xlsx_rows(data: bytes) -> list:
    """All rows of the first sheet as a list (the ballot file reads it whole)."""
    return list(_xlsx_stream(data))


def _xlsx_stream(data: bytes) -> Iterator:
    from openpyxl import load_workbook  # imported here: CSV-only callers need not pay for it

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # never trust the declared size: read the rows that are there
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
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


def parse_roll_file(filename: str, data: bytes, *, max_rows: int = MAX_ROWS,
                    max_unit_area: Decimal = MAX_UNIT_AREA, max_unzipped: int = MAX_XLSX_BYTES,
                    max_errors: int = MAX_ERRORS) -> RollParseResult:
    """Parse and check a roll file; never raises on bad input."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return _file_error(
            f"不支持的文件类型「{_shown(suffix or filename)}」：请上传 .xlsx 或 .csv 文件"
            "（旧版 .xls 请另存为 .xlsx）",
            f"Unsupported file type '{_shown(suffix or filename)}': upload an .xlsx or .csv file"
            " (save an old .xls file as .xlsx)",
        )
    if not data:
        return _file_error("文件为空", "The file is empty")
    try:
        if suffix == ".xlsx":
            _check_xlsx_size(data, max_unzipped)
        raw_rows = _csv_stream(data) if suffix == ".csv" else _xlsx_stream(data)
    except _TooLarge:
        megabytes = max_unzipped // (1024 * 1024)
        return _file_error(
            f"Excel 文件解压后超过 {megabytes} MB 的上限，拒绝读取（可能是恶意构造的压缩文件）。"
            "请只保留名册所需的列和行，或另存为 .csv 后上传",
            f"The Excel file unzips to more than {megabytes} MB and was refused (it may be a zip bomb). "
            "Keep only the roll's columns and rows, or save it as .csv",
        )
    except Exception:  # openpyxl and zipfile raise many kinds on corrupt files
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
        return parse_roll_rows(raw_rows, max_rows=max_rows, max_unit_area=max_unit_area,
                               max_errors=max_errors)
    except Exception:  # a safety net: a bad file must give a message, never a 500
        if suffix == ".xlsx":
            return _file_error("无法读取文件：不是有效的 Excel (.xlsx) 文件",
                               "Unreadable file: not a valid Excel (.xlsx) workbook")
        return _file_error("无法读取文件内容，请检查文件格式", "Could not read the file's content")


def _shown(text: str, limit: int = 40) -> str:
    """A cell's text as quoted in a message: short, without control characters."""
    text = _CONTROL.sub("?", text)
    return text if len(text) <= limit else text[:limit] + "…"


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
        zh_parts.append("无法识别的列：" + "、".join(f"「{_shown(t)}」" for t in unknown[:20]))
        en_parts.append("unknown column(s): " + ", ".join(f'"{_shown(t)}"' for t in unknown[:20]))
    if duplicated:
        zh_parts.append("重复的列：" + "、".join(f"「{_shown(t)}」" for t in duplicated[:20]))
        en_parts.append("duplicated column(s): " + ", ".join(f'"{_shown(t)}"' for t in duplicated[:20]))
    allowed_zh = "、".join(f"{zh}/{en}" for zh, en, _r in COLUMNS.values())
    return positions, [RollError(
        1, None,
        "列名不正确：" + "；".join(zh_parts) + f"。可用的列：{allowed_zh}",
        "Wrong columns: " + "; ".join(en_parts)
        + ". Allowed columns: " + ", ".join(en for _zh, en, _r in COLUMNS.values()),
    )]


def _parse_area(text: str, max_unit_area: Decimal) -> tuple[Decimal | None, tuple[str, str] | None]:
    if not text:
        return None, ("缺少面积", "area is missing")
    # ASCII digits and one point only: Decimal() would also take "1_000", "１２３" and "1e3"
    if not _AREA_TEXT.fullmatch(text):
        if text.startswith("-") and _AREA_TEXT.fullmatch(text[1:]):
            return None, ("面积必须大于0", "area must be greater than 0")
        try:
            looks_numeric = Decimal(text).is_finite()
        except InvalidOperation:
            looks_numeric = False
        if looks_numeric:
            return None, (f"面积「{_shown(text)}」只能用半角数字和小数点书写，如 89.50",
                          f'area "{_shown(text)}" must be written with digits and a point only, e.g. 89.50')
        return None, (f"面积「{_shown(text)}」不是数字", f'area "{_shown(text)}" is not a number')
    area = Decimal(text)
    if area <= 0:
        return None, ("面积必须大于0", "area must be greater than 0")
    if area > max_unit_area:
        return None, (f"面积「{_shown(text)}」超过一个专有部分的上限 {max_unit_area} ㎡，请核对",
                      f'area "{_shown(text)}" is more than the {max_unit_area} m² one exclusive part may have:'
                      " check it")
    quantized = area.quantize(TWO_PLACES)
    if quantized != area:
        return None, (f"面积「{_shown(text)}」最多保留两位小数",
                      f'area "{_shown(text)}" has more than 2 decimal places')
    return quantized, None


def parse_roll_rows(raw_rows: Iterable, *, max_rows: int = MAX_ROWS, max_unit_area: Decimal = MAX_UNIT_AREA,
                    max_errors: int = MAX_ERRORS) -> RollParseResult:
    """Check rows (any iterable of cell tuples, header first), reading at most ``max_rows``
    rows after the header: the rest of a longer file is never read."""
    result = RollParseResult(max_errors=max_errors)
    rows_iter = iter(raw_rows)
    header = next(rows_iter, None)
    # Skip leading blank lines? No: the spec fixes the header in row 1.
    if header is None or not any(_cell_text(c) for c in header):
        result.add(RollError(1, None, "第一行必须是列名（表头）", "the first row must be the header"))
        return result
    positions, header_errors = _map_header(header)
    if header_errors:
        for error in header_errors:
            result.add(error)
        return result

    width = len(header)
    col_building = positions["building"]
    col_unit = positions["unit"]
    col_area = positions["area"]
    col_owner = positions["owner"]
    col_ref = positions.get("owner_ref")
    col_status = positions.get("status")
    col_phone = positions.get("phone")
    col_parking = positions.get("parking")
    key_of_column = {index: key for key, index in positions.items()}

    seen_units: dict[tuple[str, str], int] = {}
    seen_refs: dict[str, tuple[int, frozenset[str]]] = {}

    for row_number, raw in enumerate(rows_iter, start=2):
        if row_number - 1 > max_rows:  # counted while streaming: the rest is never read
            result.add_first(RollError(
                None, None,
                f"文件超过 {max_rows:,} 行的上限（空行也计入），未导入任何数据。请核对文件，或分小区导入",
                f"The file has more than {max_rows:,} rows (blank rows included): nothing was imported. "
                "Check the file"))
            break
        cells = [_cell_text(c) for c in raw]
        if not any(cells):
            continue  # blank line
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        elif len(cells) > width and any(cells[width:]):
            result.add(RollError(row_number, None, "该行的单元格多于表头的列",
                                 "the row has more cells than the header has columns"))

        def err(column: str, zh: str, en: str) -> None:
            result.add(RollError(row_number, column, zh, en))

        row_ok = True
        blanked: set[str] = set()  # columns already reported (control character, too long)
        if _CONTROL.search("".join(cells)):
            for index, text in enumerate(cells[:width]):
                if _CONTROL.search(text):
                    err(key_of_column.get(index, ""), "含有不可见的控制字符（如 NUL），请删除",
                        "contains an invisible control character (such as NUL): remove it")
                    row_ok = False
                    cells[index] = ""
                    blanked.add(key_of_column.get(index, ""))
        for key, limit in MAX_LENGTHS.items():
            index = positions.get(key)
            if index is None or len(cells[index]) <= limit:
                continue
            text = cells[index]
            names = split_owner_names(text) if key == "owner" else ()
            too_long = max(len(name) for name in names) > limit if names else len(text) > limit
            if too_long and key not in blanked:
                err(key, f"内容过长（最多 {limit} 个字）", f"too long (at most {limit} characters)")
                row_ok = False
                cells[index] = ""
                blanked.add(key)

        building = _WHITESPACE.sub(" ", cells[col_building])
        unit = _WHITESPACE.sub(" ", cells[col_unit])
        if not building and "building" not in blanked:
            err("building", "缺少楼栋", "building is missing")
            row_ok = False
        if not unit and "unit" not in blanked:
            err("unit", "缺少房号", "unit is missing")
            row_ok = False
        if building and unit and len(building) + len(unit) > MAX_UNIT_KEY:
            err("unit", f"楼栋和房号合计过长（最多 {MAX_UNIT_KEY} 个字）",
                f"building and unit together are too long (at most {MAX_UNIT_KEY} characters)")
            row_ok = False

        area, area_problem = _parse_area(cells[col_area], max_unit_area)
        if area_problem and "area" not in blanked:
            err("area", *area_problem)
            row_ok = False

        is_sold = True
        if col_status is not None:
            status_text = cells[col_status]
            status = _SOLD.get(status_text.casefold())
            if status is None:
                err("status", f"状态「{_shown(status_text)}」无法识别，应为「已售」或「未售」",
                    f'unknown status "{_shown(status_text)}": use "sold" or "unsold"')
                row_ok = False
            else:
                is_sold = status

        is_parking = False
        if col_parking is not None:
            parking_text = cells[col_parking]
            parking = _PARKING.get(parking_text.casefold())
            if parking is None:
                err("parking", f"车位「{_shown(parking_text)}」无法识别，应为「是」或「否」",
                    f'unknown parking value "{_shown(parking_text)}": use "yes" or "no"')
                row_ok = False
            else:
                is_parking = parking

        owner_names: tuple[str, ...] = ()
        owner_ref: str | None = None
        if is_sold:
            owner_names = split_owner_names(cells[col_owner])
            if not owner_names and "owner" not in blanked:
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
                        f"业主编号「{_shown(owner_ref)}」在第{first[0]}行和第{row_number}行"
                        "对应不同的业主姓名",
                        f'owner_ref "{_shown(owner_ref)}" names different owners on rows '
                        f"{first[0]} and {row_number}")
                    row_ok = False

        if building and unit:
            unit_key = (building.casefold(), unit.casefold())
            first_row = seen_units.get(unit_key)
            if first_row is None:
                seen_units[unit_key] = row_number
            else:
                err("unit", f"{_shown(building)} {_shown(unit)} 重复：第{first_row}行和第{row_number}行",
                    f"duplicate unit {_shown(building)} {_shown(unit)}: rows {first_row} and {row_number}")
                row_ok = False

        if row_ok and not result.error_count:
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

    if not result.rows and not result.error_count:
        result.add(RollError(None, None, "文件中没有数据行", "the file has no data rows"))
    if result.error_count:
        result.rows.clear()  # all-or-nothing: a file with errors yields no rows to import
    return result


# --------------------------------------------------------------------------- templates

_TEMPLATE_ROWS = {
    "zh": [
        ("1栋", "1-101", "89.50", "张三", "", "已售", "13800000000", "否"),
        ("1栋", "1-102", "120.00", "李四、王芳", "", "已售", "", ""),
        ("2栋", "2-101", "95.25", "赵六", "B01", "已售", "", ""),
        ("地下车库", "P-012", "12.00", "赵六", "B01", "已售", "", "是"),
        ("3栋", "3-101", "100.00", "", "", "未售", "", ""),
    ],
    "en": [
        ("Block 1", "1-101", "89.50", "Zhang San", "", "sold", "13800000000", "no"),
        ("Block 1", "1-102", "120.00", "Li Si; Wang Fang", "", "sold", "", ""),
        ("Block 2", "2-101", "95.25", "Zhao Liu", "B01", "sold", "", ""),
        ("Garage", "P-012", "12.00", "Zhao Liu", "B01", "sold", "", "yes"),
        ("Block 3", "3-101", "100.00", "", "", "unsold", "", ""),
    ],
}

_TEMPLATE_NOTES = {
    "zh": [
        ("列", "说明"),
        ("楼栋", "必填，如“1栋”"),
        ("房号", "必填，如“1-101”；同一楼栋内不得重复"),
        ("面积", "必填，平方米，大于0，最多两位小数，只用半角数字，如 89.50"),
        ("业主", "已售房屋必填；共有人用“、”或“;”分隔；未售房屋留空"),
        ("业主编号", "选填；同一买受人有多套房时，各行填同一编号，按一人计"),
        ("状态", "已售（默认）或未售（建设单位未售或未交付，合计按一人计）"),
        ("手机", "选填"),
        ("车位", "是/否；车位面积是否计入表决面积按本小区议事规则"),
        ("", "示例行请删除后再填写本小区的名册；表头必须在第一行。"),
    ],
    "en": [
        ("column", "what to write"),
        ("building", "required, e.g. \"Block 1\""),
        ("unit", "required, e.g. \"1-101\"; unique within a building"),
        ("area", "required, m², greater than 0, at most 2 decimals, digits only, e.g. 89.50"),
        ("owner", "required for sold units; co-owners separated by \";\"; empty for unsold units"),
        ("owner_ref", "optional; the same value on every unit of one buyer (counted as one voter)"),
        ("status", "sold (default) or unsold (the developer's unsold or undelivered stock, one voter together)"),
        ("phone", "optional"),
        ("parking", "yes/no; whether parking counts towards the area follows the compound's rules"),
        ("", "Delete the example rows and enter your compound's roll; the header must stay in row 1."),
    ],
}


def _template_header(lang: str) -> list[str]:
    return [column_label(key, lang) for key in COLUMNS]


def template_csv(lang: str = "zh") -> bytes:
    """A roll template as CSV in UTF-8 with a BOM (so Excel opens the Chinese right)."""
    lang = "zh" if lang.startswith("zh") else "en"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_template_header(lang))
    writer.writerows(_TEMPLATE_ROWS[lang])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(lang: str = "zh") -> bytes:
    """A roll template workbook: the roll sheet first (read on import), then the notes."""
    from openpyxl import Workbook

    lang = "zh" if lang.startswith("zh") else "en"
    book = Workbook()
    sheet = book.active
    sheet.title = "名册" if lang == "zh" else "roll"
    sheet.append(_template_header(lang))
    for row in _TEMPLATE_ROWS[lang]:
        sheet.append(list(row))
    for column in "ABCDEFGH":  # text cells: Excel keeps "1-101" and "89.50" as written
        for cell in sheet[column]:
            cell.number_format = "@"
        sheet.column_dimensions[column].width = 14
    notes = book.create_sheet("说明" if lang == "zh" else "notes")
    for row in _TEMPLATE_NOTES[lang]:
        notes.append(list(row))
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
