"""An organiser uploads the roll file the committee really has; every problem names row and column."""

import io
from decimal import Decimal

import openpyxl
import pytest

from committee_app.registry.rollfile import RollError, parse_roll_file

HEADER_ZH = "楼栋,房号,面积,业主,业主编号,状态,手机,车位"
GOOD_ROWS = [
    "3栋,1-201,89.5,张三,,已售,13800000001,否",
    "3栋,1-202,120.25,李四、王五,,已售,,",
    "3栋,1-301,100,,,未售,,",
    "地下车库,A-12,12.5,赵喆,Z1,已售,,是",
    "3栋,2-101,95.00,赵喆,Z1,已售,,",
]


def csv_bytes(lines, encoding="utf-8"):
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messages(result):
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_an_organiser_imports_a_csv_roll_in_any_common_encoding(encoding):
    result = parse_roll_file("roll.csv", csv_bytes([HEADER_ZH, *GOOD_ROWS], encoding))
    assert result.ok, messages(result)
    assert [r.row_number for r in result.rows] == [2, 3, 4, 5, 6]
    first = result.rows[0]
    assert (first.building, first.unit, first.area) == ("3栋", "1-201", Decimal("89.50"))
    assert first.owner_names == ("张三",)
    assert first.phone == "13800000001"
    assert first.is_sold and not first.is_parking and first.owner_ref is None
    assert result.rows[1].owner_names == ("李四", "王五")
    unsold = result.rows[2]
    assert not unsold.is_sold and unsold.owner_names == () and unsold.phone is None
    parking = result.rows[3]
    assert parking.is_parking and parking.owner_ref == "Z1" and parking.owner_names == ("赵喆",)
    assert result.rows[4].area == Decimal("95.00")
    assert str(result.rows[4].area) == "95.00"


def test_english_headers_in_any_order_with_odd_case_and_spaces():
    data = csv_bytes([
        " Owner , AREA,unit,Building ,Status",
        "Zhang San,60.1,101,B1,SOLD",
        ",70,102,B1,unsold",
    ])
    result = parse_roll_file("ROLL.CSV", data)
    assert result.ok, messages(result)
    assert result.rows[0].owner_names == ("Zhang San",)
    assert result.rows[0].area == Decimal("60.10")
    assert result.rows[1].is_sold is False


def test_bilingual_header_cells_and_optional_columns_left_out():
    data = csv_bytes(["楼栋/building,房号/unit,面积/area,业主/owner", "1栋,101,50,张三"])
    result = parse_roll_file("roll.csv", data)
    assert result.ok, messages(result)
    row = result.rows[0]
    assert row.is_sold and not row.is_parking and row.phone is None and row.owner_ref is None


def test_a_unit_written_after_the_header_name_is_ignored():
    data = csv_bytes(["楼栋,房号,面积（㎡）,业主", "1栋,101,50,张三"])
    assert parse_roll_file("roll.csv", data).ok
    data = csv_bytes(["building,unit,Area (m2),owner", "1栋,101,50,张三"])
    assert parse_roll_file("roll.csv", data).ok


def test_an_xlsx_roll_keeps_areas_exact():
    data = xlsx_bytes([
        ["楼栋", "房号", "面积", "业主", "手机", "车位"],
        ["3栋", "1-201", 89.5, "张三", 13800000001, "是"],
        [5, 1201, 120, "李四;王五", None, None],
        ["5栋", "1202", 0.1, "堃", None, "否"],
        [None, None, None, None, None, None],
        ["5栋", "1203", "77.77", "钱七", None, None],
    ])
    result = parse_roll_file("名册.xlsx", data)
    assert result.ok, messages(result)
    areas = [r.area for r in result.rows]
    assert areas == [Decimal("89.50"), Decimal("120.00"), Decimal("0.10"), Decimal("77.77")]
    assert all(a.as_tuple().exponent == -2 for a in areas)
    assert result.rows[0].phone == "13800000001" and result.rows[0].is_parking
    assert (result.rows[1].building, result.rows[1].unit) == ("5", "1201")
    assert result.rows[1].owner_names == ("李四", "王五")
    assert [r.row_number for r in result.rows] == [2, 3, 4, 6]


def test_an_xlsx_float_with_three_decimals_is_refused():
    data = xlsx_bytes([["楼栋", "房号", "面积", "业主"], ["1栋", "101", 89.123, "张三"]])
    result = parse_roll_file("roll.xlsx", data)
    assert not result.ok
    assert messages(result) == ["第2行「面积」：面积「89.123」最多保留两位小数"]


@pytest.mark.parametrize("filename,data", [
    ("roll.csv", bytes(range(256)) * 8),
    ("roll.csv", b"\x00\x01\x02garbage\x00"),
    ("roll.xlsx", b"PK\x03\x04 this is not a zip"),
    ("roll.xlsx", "楼栋,房号\n".encode()),
    ("roll.xls", b"\xd0\xcf\x11\xe0"),
    ("roll.pdf", b"%PDF-1.7"),
    ("roll", b"a,b"),
    ("roll.csv", b""),
])
def test_garbage_or_unsupported_files_give_one_clear_error(filename, data):
    result = parse_roll_file(filename, data)
    assert not result.ok and result.rows == []
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.message_zh and error.message_en


def test_unsupported_type_names_xlsx_and_csv():
    error = parse_roll_file("roll.xls", b"x").errors[0]
    assert ".xlsx" in error.message_zh and ".csv" in error.message_en


def test_wrong_columns_are_named():
    data = csv_bytes(["楼栋,房号,面积,门牌,备注", "1栋,101,50,x,y"])
    result = parse_roll_file("roll.csv", data)
    assert len(result.errors) == 1
    text = str(result.errors[0])
    assert "业主" in text and "「门牌」" in text and "「备注」" in text
    english = result.errors[0].text("en")
    assert "owner" in english and '"门牌"' in english
    assert result.errors[0].row == 1


def test_duplicated_column_is_a_wrong_column():
    data = csv_bytes(["楼栋,房号,面积,业主,owner", "1栋,101,50,张三,李四"])
    result = parse_roll_file("roll.csv", data)
    assert len(result.errors) == 1 and "重复的列" in result.errors[0].message_zh


@pytest.mark.parametrize("line,column,message", [
    ("1栋,101,,张三,", "area", "缺少面积"),
    ("1栋,101,abc,张三,", "area", "面积「abc」不是数字"),
    ("1栋,101,NaN,张三,", "area", "面积「NaN」不是数字"),
    ("1栋,101,0,张三,", "area", "面积必须大于0"),
    ("1栋,101,-5,张三,", "area", "面积必须大于0"),
    ("1栋,101,89.123,张三,", "area", "面积「89.123」最多保留两位小数"),
    ("1栋,101,1e30,张三,", "area", "面积「1e30」只能用半角数字和小数点书写，如 89.50"),
    ("1栋,101,1_000,张三,", "area", "面积「1_000」只能用半角数字和小数点书写，如 89.50"),
    ("1栋,101,１２０,张三,", "area", "面积「１２０」只能用半角数字和小数点书写，如 89.50"),
    ("1栋,101,99999999.99,张三,", "area", "面积「99999999.99」超过一个专有部分的上限 20000.00 ㎡，请核对"),
    (",101,50,张三,", "building", "缺少楼栋"),
    ("1栋,,50,张三,", "unit", "缺少房号"),
    ("1栋,101,50,张三,出租", "status", "状态「出租」无法识别，应为「已售」或「未售」"),
    ("1栋,101,50,,已售", "owner", "已售房屋必须填写业主"),
    ("1栋,101,50, 、 ;,", "owner", "已售房屋必须填写业主"),
])
def test_each_bad_row_names_its_row_and_column(line, column, message):
    data = csv_bytes(["楼栋,房号,面积,业主,状态", "1栋,100,60,甲,", line])
    result = parse_roll_file("roll.csv", data)
    assert not result.ok and result.rows == []
    assert result.errors == [
        RollError(3, column, message, result.errors[0].message_en),
    ]
    assert str(result.errors[0]).startswith("第3行「")
    assert result.errors[0].text("en").startswith("Row 3, column")


def test_error_text_matches_the_house_style():
    data = csv_bytes(["楼栋,房号,面积,业主", "1栋,100,60,甲", "1栋,101,0,乙"])
    error = parse_roll_file("roll.csv", data).errors[0]
    assert str(error) == "第3行「面积」：面积必须大于0"
    assert error.text("en") == 'Row 3, column "area": area must be greater than 0'


def test_unknown_parking_value():
    data = csv_bytes(["楼栋,房号,面积,业主,车位", "1栋,101,50,张三,可能"])
    assert messages(parse_roll_file("roll.csv", data)) == [
        "第2行「车位」：车位「可能」无法识别，应为「是」或「否」"]


def test_duplicate_unit_names_both_rows():
    data = csv_bytes(["楼栋,房号,面积,业主", "1栋,101,50,张三", "1栋,102,50,李四", " 1栋 ,101,51,王五"])
    result = parse_roll_file("roll.csv", data)
    assert messages(result) == ["第4行「房号」：1栋 101 重复：第2行和第4行"]


def test_one_owner_ref_with_two_names_names_both_rows():
    data = csv_bytes([
        "楼栋,房号,面积,业主,业主编号",
        "1栋,101,50,张三,A1",
        "1栋,102,50,张三,A1",
        "1栋,103,50,李四,A1",
    ])
    result = parse_roll_file("roll.csv", data)
    assert messages(result) == ["第4行「业主编号」：业主编号「A1」在第2行和第4行对应不同的业主姓名"]


def test_owner_ref_of_co_owners_may_list_them_in_any_order():
    data = csv_bytes([
        "楼栋,房号,面积,业主,业主编号",
        "1栋,101,50,张三、李四,A1",
        "1栋,102,50,李四；张三,A1",
    ])
    assert parse_roll_file("roll.csv", data).ok


def test_a_half_good_file_yields_every_error_and_nothing_to_import():
    data = csv_bytes([
        HEADER_ZH,
        *GOOD_ROWS,
        "",
        "4栋,101,,张三,,,,",
        ",,,,,,,",
        "4栋,102,50,,,已售,,",
    ])
    result = parse_roll_file("roll.csv", data)
    assert not result.ok
    assert result.rows == []
    assert [(e.row, e.column) for e in result.errors] == [(8, "area"), (10, "owner")]


def test_blank_lines_are_skipped_but_row_numbers_stay_true():
    data = csv_bytes(["楼栋,房号,面积,业主", "", "1栋,101,50,张三", ",,,", "1栋,102,abc,李四"])
    result = parse_roll_file("roll.csv", data)
    assert messages(result) == ["第5行「面积」：面积「abc」不是数字"]


def test_header_only_file_has_no_data_rows():
    result = parse_roll_file("roll.csv", csv_bytes(["楼栋,房号,面积,业主"]))
    assert not result.ok and result.errors[0].message_en == "the file has no data rows"


def test_a_20000_row_roll_parses_whole():
    """How fast is bench/bench_roll_import.py's business; here only that every row comes through."""
    lines = [HEADER_ZH] + [
        f"{n // 200 + 1}栋,{n % 200 + 1:04d},{80 + n % 50}.{n % 100:02d},业主{n // 2},R{n // 2},已售,,否"
        for n in range(20_000)
    ]
    data = csv_bytes(lines)
    result = parse_roll_file("big.csv", data)
    assert result.ok, messages(result)[:3]
    assert len(result.rows) == 20_000


def test_the_row_cap_stops_reading_a_stream_that_never_ends():
    import itertools

    from committee_app.registry.rollfile import parse_roll_rows

    endless = itertools.chain([("楼栋", "房号", "面积", "业主")],
                              (("1栋", f"1-{n}", "90", f"业主{n}") for n in itertools.count()))
    result = parse_roll_rows(endless, max_rows=1000)
    assert not result.ok and result.errors[0].row is None
    assert "1,000" in result.errors[0].message_zh


def test_an_xlsx_with_more_rows_than_the_cap_is_refused():
    rows = [["楼栋", "房号", "面积", "业主"]] + [["1栋", f"1-{n}", 90, f"业主{n}"] for n in range(30)]
    result = parse_roll_file("roll.xlsx", xlsx_bytes(rows), max_rows=20)
    assert [str(e) for e in result.errors] == [
        "文件超过 20 行的上限（空行也计入），未导入任何数据。请核对文件，或分小区导入"]


def test_a_workbook_declaring_a_huge_sheet_reads_only_its_cells():
    """A sheet that declares A1:XFD1048576 would make every row 16,384 cells wide."""
    import re
    import zipfile

    from committee_app.registry.rollfile import MAX_COLUMNS, _xlsx_stream

    data = xlsx_bytes([["楼栋", "房号", "面积", "业主"], ["1栋", "1-1", 90, "张三"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:D2" />', b'<dimension ref="A1:XFD1048576" />')
                content = re.sub(rb'r="([A-D]?)2"', rb'r="\g<1>300"', content)  # a gap: rows 2-299 missing
                assert b"XFD1048576" in content and b'<row r="300"' in content
            out.writestr(item, content)
    widths = {len(row) for row in _xlsx_stream(buffer.getvalue())}
    assert max(widths) <= MAX_COLUMNS
    result = parse_roll_file("roll.xlsx", buffer.getvalue())
    assert result.ok and [row.row_number for row in result.rows] == [300]


def test_201_bad_rows_list_200_errors_and_count_the_rest():
    lines = ["楼栋,房号,面积,业主"] + [f"1栋,1-{n},abc,张三" for n in range(201)]
    result = parse_roll_file("roll.csv", csv_bytes(lines))
    assert len(result.errors) == 200 and result.error_count == 201 and result.more_errors == 1


def test_the_length_limits_fit_the_database_columns():
    from committee_app.registry.models import Building, Owner, Unit, Voter
    from committee_app.registry.rollfile import MAX_LENGTHS, MAX_UNIT_KEY

    assert MAX_LENGTHS["building"] <= Building.__table__.c.name.type.length
    assert MAX_LENGTHS["unit"] <= Unit.__table__.c.number.type.length
    assert MAX_LENGTHS["owner"] <= Owner.__table__.c.name.type.length
    assert MAX_LENGTHS["phone"] <= Voter.__table__.c.phone.type.length
    assert MAX_LENGTHS["owner_ref"] + len("ref:") <= Voter.__table__.c.key.type.length
    assert MAX_UNIT_KEY + len("unit:/") <= Voter.__table__.c.key.type.length
