"""The candidate list goes on the public board: its PDF and text show masked names (PIPL);
the organisers' own copy keeps them."""
import shutil
import subprocess

import pytest

from committee_app.extensions import db
from committee_app.notices.models import Notice

from .test_nominations import collecting, posted  # noqa: F401  (fixtures)


def pdf_text(data: bytes) -> str:
    return "".join(subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                                  check=True).stdout.decode("utf-8").split())


def test_anyone_reads_the_posted_candidate_list_with_masked_names(app, client, posted):
    with app.app_context():
        notice = db.session.scalar(db.select(Notice).where(Notice.kind == "candidate_list"))
        notice_id, body, pdf = notice.id, notice.body, notice.pdf
    assert "张*" in body and "赵*" in body and "张三" not in body and "赵喆" not in body
    page = client.get(f"/board/A/notices/{notice_id}").get_data(as_text=True)
    assert "张三" not in page and "赵喆" not in page
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    text = pdf_text(client.get(f"/board/A/notices/{notice_id}.pdf").data)
    assert "张*（中共党员）" in text and "赵*" in text
    assert "张三" not in text and "赵喆" not in text
    assert pdf_text(pdf) == text
