"""The one masking rule for names on public pages and public PDFs (PIPL)."""
import pytest

from committee_app.privacy import mask_name


@pytest.mark.parametrize("name, shown", [
    ("张小明", "张*明"),
    ("张明", "张*"),
    ("欧阳小明", "欧**明"),
    ("阿依古丽买买提", "阿*****提"),
    ("明", "*"),
    ("John Smith", "J* S*"),
    ("Madonna", "M*"),
    ("Anne-Marie  O'Neil", "A* O*"),
    ("李四、王芳", "李*、王*"),
    ("张三; John Smith", "张*; J* S*"),
    ("  赵喆 ", "赵*"),
    ("", ""),
    (None, ""),
])
def test_a_name_is_masked_before_it_goes_public(name, shown):
    assert mask_name(name) == shown


def test_a_masked_name_never_contains_the_hidden_characters():
    for name in ("张小明", "欧阳小明", "John Smith", "李四、王芳"):
        masked = mask_name(name)
        hidden = [ch for ch in name if ch not in masked]
        assert hidden, name  # something was hidden
        assert masked != name
