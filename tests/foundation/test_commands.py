"""The commands of SPEC §3 that the foundation owns."""
import json

from tests.conftest import SMALL_ROLL


def test_compound_create_roll_import_and_summary(app, runner, tmp_path):
    result = runner.invoke(args=["compound", "create", "ZT9", "--name", "中铁九期"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["compound", "create", "ZT9", "--name", "again"]).exit_code != 0
    roll = tmp_path / "roll.csv"
    roll.write_bytes(SMALL_ROLL.decode("utf-8").encode("gbk"))
    result = runner.invoke(args=["roll", "import", "ZT9", str(roll)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["roll", "summary", "ZT9", "--json"])
    assert json.loads(result.output) == {"compound": "ZT9", "units": 7, "voters": 5, "headcount": 5, "area": "607.75",
                                         "roll_version": 1}


def test_a_bad_roll_file_prints_row_errors_and_exits_non_zero(app, runner, tmp_path):
    runner.invoke(args=["compound", "create", "X1", "--name", "某小区"])
    roll = tmp_path / "roll.csv"
    roll.write_text("楼栋,房号,面积,业主\n1栋,101,abc,张三\n1栋,101,90,李四\n", encoding="utf-8")
    result = runner.invoke(args=["roll", "import", "X1", str(roll)])
    assert result.exit_code != 0
    assert "第2行" in result.output and "第3行" in result.output
    summary = json.loads(runner.invoke(args=["roll", "summary", "X1", "--json"]).output)
    assert summary["units"] == 0


def test_unknown_compound_is_a_clear_error(app, runner):
    result = runner.invoke(args=["roll", "summary", "NOPE", "--json"])
    assert result.exit_code != 0 and "NOPE" in result.output


def test_seed_demo_builds_the_shuangbai_community(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo1234" in result.output
    summary = json.loads(runner.invoke(args=["roll", "summary", "ZT1Q", "--json"]).output)
    assert summary["voters"] > 100
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "already seeded" in again.output
    assert again.output.count("demo logins") == 1  # make run prints the logins once, seeded or not
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
