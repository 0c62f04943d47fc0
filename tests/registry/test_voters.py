"""Voters are counting persons: a multi-unit buyer, a co-owned unit and the developer's stock are one each."""

from decimal import Decimal

from committee_app.registry.rollfile import RollRow, parse_roll_file
from committee_app.registry.voters import DEVELOPER_DISPLAY_NAME, derive_voters


def roll(*lines):
    data = ("楼栋,房号,面积,业主,业主编号,状态,车位\n" + "\n".join(lines) + "\n").encode()
    result = parse_roll_file("roll.csv", data)
    assert result.ok, [str(e) for e in result.errors]
    return result.rows


def test_one_unit_one_owner_is_one_voter():
    [voter] = derive_voters(roll("3栋,1-201,89.5,张三,,,"))
    assert voter.kind == "owner"
    assert voter.display_name == "张三"
    assert voter.owner_names == ("张三",)
    assert voter.row_numbers == (2,)
    assert voter.unit_labels == ("3栋-1-201",)
    assert voter.unit_count == 1
    assert voter.area == Decimal("89.50") and voter.parking_area == Decimal("0.00")


def test_a_buyer_with_several_units_counts_once_with_all_areas():
    voters = derive_voters(roll(
        "3栋,1-201,89.5,赵喆,Z1,,",
        "3栋,1-202,70,钱七,,,",
        "5栋,2-101,100.25,赵喆,Z1,,",
    ))
    assert [v.display_name for v in voters] == ["赵喆", "钱七"]
    buyer = voters[0]
    assert buyer.kind == "owner"
    assert buyer.key == "ref:Z1"
    assert buyer.unit_count == 2 and buyer.row_numbers == (2, 4)
    assert buyer.area == Decimal("189.75")


def test_co_owners_of_one_unit_are_one_voter():
    [voter] = derive_voters(roll("3栋,1-201,89.5,李四、王五;孙堃,,,"))
    assert voter.kind == "co_owned"
    assert voter.owner_names == ("李四", "王五", "孙堃")
    assert voter.display_name == "李四、王五、孙堃"
    assert voter.unit_count == 1


def test_same_name_without_owner_ref_stays_separate_voters():
    voters = derive_voters(roll("1栋,101,50,张三,,,", "1栋,102,50,张三,,,"))
    assert len(voters) == 2 and len({v.key for v in voters}) == 2


def test_the_developers_unsold_stock_is_one_voter():
    voters = derive_voters(roll(
        "1栋,101,50,,,未售,",
        "1栋,102,60,张三,,,",
        "2栋,201,70.5,开发商,,unsold,",
        "车库,B-1,12,,,未售,是",
    ))
    assert len(voters) == 2
    developer = voters[0]
    assert developer.kind == "developer" and developer.key == "developer"
    assert developer.display_name == DEVELOPER_DISPLAY_NAME == "开发建设单位（未售/未交付）"
    assert developer.owner_names == ()
    assert developer.unit_count == 3 and developer.row_numbers == (2, 4, 5)
    assert developer.area == Decimal("132.50")
    assert developer.parking_area == Decimal("12.00")


def test_parking_area_counts_only_when_the_compound_says_so():
    [voter] = derive_voters(roll("3栋,1-201,89.5,张三,A,,否", "地下车库,A-12,12.5,张三,A,,是"))
    assert voter.area == Decimal("102.00")
    assert voter.parking_area == Decimal("12.50")
    assert voter.weight_area(parking_counts=True) == Decimal("102.00")
    assert voter.weight_area(parking_counts=False) == Decimal("89.50")
    assert voter.unit_labels == ("3栋-1-201", "地下车库-A-12")


def test_headcount_and_area_of_a_mixed_roll():
    rows = roll(
        "1栋,101,50,张三,A,,",
        "1栋,102,50,张三,A,,",
        "1栋,103,60,李四、王五,,,",
        "1栋,104,70,,,未售,",
        "1栋,105,80,,,未售,",
        "1栋,106,90.01,赵六,,,",
    )
    voters = derive_voters(rows)
    assert len(voters) == 4
    assert sum(v.area for v in voters) == sum(r.area for r in rows) == Decimal("400.01")


def test_derive_voters_accepts_plain_rows_and_is_linear():
    rows = [
        RollRow(n, "1栋", str(n), Decimal("10.00"), (f"业主{n // 3}",), f"R{n // 3}", True, None, False)
        for n in range(3, 30_003)
    ]
    voters = derive_voters(rows)
    assert len(voters) == 10_000
    assert {v.unit_count for v in voters} == {3}
