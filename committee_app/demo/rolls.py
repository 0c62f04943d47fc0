"""Invented but plausible owner rolls for the demo compounds (deterministic)."""
from __future__ import annotations

import csv
import io
import random
from decimal import Decimal

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志宏海波斌宇浩凯欣怡晨曦子涵梓萱思远雨桐嘉怡一鸣俊熙语嫣喆堃昊然博文"


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def demo_roll_csv(seed: int, buildings: int, floors: int, units_per_floor: int, *, parking: int = 12,
                  unsold: int = 4, multi_buyers: int = 6, co_owned_share: float = 0.15) -> bytes:
    """A roll file in the SPEC §3 columns, as the bytes a committee would upload (UTF-8 with BOM)."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    used_names: set[str] = set()

    def fresh_name() -> str:
        while True:
            name = person_name(rng)
            if name not in used_names:
                used_names.add(name)
                return name

    flats = [(f"{b}栋", f"{unit}-{floor:d}{door:02d}")
             for b in range(1, buildings + 1) for unit in (1, 2) for floor in range(1, floors + 1)
             for door in range(1, units_per_floor + 1)]
    rng.shuffle(flats)
    unsold_flats = flats[:unsold]
    buyer_flats = flats[unsold:]
    for building, number in sorted(unsold_flats):
        rows.append({"楼栋": building, "房号": number, "面积": _area(rng, 88, 143), "业主": "", "状态": "未售"})
    # multi-unit buyers: one owner_ref on two or three flats (sometimes plus a parking space)
    index = 0
    for buyer in range(multi_buyers):
        name = fresh_name()
        for _ in range(rng.choice((2, 2, 3))):
            building, number = buyer_flats[index]
            index += 1
            rows.append({"楼栋": building, "房号": number, "面积": _area(rng, 88, 143), "业主": name,
                         "业主编号": f"B{seed:02d}{buyer:03d}", "手机": _phone(rng)})
    for building, number in buyer_flats[index:]:
        if rng.random() < co_owned_share:
            owner = f"{fresh_name()}、{fresh_name()}"
        else:
            owner = fresh_name()
        rows.append({"楼栋": building, "房号": number, "面积": _area(rng, 62, 156), "业主": owner, "手机": _phone(rng)})
    for space in range(1, parking + 1):
        owner_row = rng.choice([r for r in rows if r.get("业主") and "、" not in r["业主"]])
        rows.append({"楼栋": "地下车库", "房号": f"A-{space:03d}", "面积": _area(rng, 12, 14), "业主": owner_row["业主"],
                     "业主编号": owner_row.get("业主编号") or f"P{seed:02d}{space:03d}", "车位": "是"})
        if not owner_row.get("业主编号"):
            owner_row["业主编号"] = f"P{seed:02d}{space:03d}"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["楼栋", "房号", "面积", "业主", "业主编号", "状态", "手机", "车位"])
    writer.writeheader()
    for row in sorted(rows, key=lambda r: (r["楼栋"], r["房号"])):
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def _area(rng: random.Random, low: int, high: int) -> str:
    return f"{Decimal(rng.randint(low * 100, high * 100)) / 100:.2f}"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}"
