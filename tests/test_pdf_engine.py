"""The PDF engine renders Chinese documents with real glyphs and reads nothing but the app's static files."""

import logging
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask

from committee_app.pdf import StaticOnlyURLFetcher, check_pdf_environment, render_pdf

ROOT = Path(__file__).resolve().parents[1]

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) not installed: apt-get install poppler-utils",
)


@pytest.fixture
def pdf_app():
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    with app.app_context():
        yield app


def roll_notice_context(extra_voters=0):
    voters = [
        {"name": "赵喆", "kind": "owner", "units": ["3栋-1-201", "车位A-12"],
         "area": Decimal("102.00")},
        {"name": "李四、王堃", "kind": "co_owned", "units": ["3栋-1-202"],
         "area": Decimal("120.25")},
        {"name": "开发建设单位（未售/未交付）", "kind": "developer",
         "units": ["5栋-101", "5栋-102"], "area": Decimal("200.00")},
    ]
    voters += [
        {"name": f"业主{n}", "kind": "owner", "units": [f"9栋-{n}"], "area": Decimal("10.00")}
        for n in range(extra_voters)
    ]
    return {
        "compound_name": "双柏小区",
        "generated_on": "2026-11-26",
        "issuer": "双柏小区首次业主大会筹备组",
        "voters": voters,
        "totals": {"units": 5 + extra_voters, "voters": 3 + extra_voters,
                   "headcount": 3 + extra_voters,
                   "area": Decimal("422.25") + 10 * extra_voters},
        "publicity": {"starts_on": "2026-12-01", "ends_on": "2026-12-15"},
    }


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text with all whitespace removed (layout spacing is not what we test)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"[^\S\f]+", "", text)


@needs_poppler
def test_a_roll_notice_shows_rare_chinese_names_with_real_glyphs(pdf_app, tmp_path):
    pdf = render_pdf("roll_notice.html", **roll_notice_context())
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    for expected in ("业主名册公示", "双柏小区", "赵喆", "李四、王堃", "3栋-1-201", "车位A-12",
                     "开发建设单位（未售/未交付）", "422.25", "2026-12-01", "2026-12-15",
                     "第八条、第九条", "第1页/共1页", "生成日期：2026-11-26"):
        assert expected in text, expected
    (tmp_path / "doc.pdf").write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "NotoSansCJK" in fonts.replace("-", "")
    assert "yes yes" in fonts  # embedded and subset


@needs_poppler
def test_a_long_roll_notice_numbers_its_pages(pdf_app, tmp_path):
    pdf = render_pdf("roll_notice.html", **roll_notice_context(extra_voters=120))
    text = pdf_text(pdf, tmp_path)
    pages = text.count("\f")
    assert pages >= 3
    assert f"第2页/共{pages}页" in text
    assert "业主119" in text


def test_render_needs_an_app_context():
    with pytest.raises(RuntimeError):
        render_pdf("roll_notice.html", **roll_notice_context())


@pytest.mark.parametrize("url", [
    "http://example.com",
    "https://example.com/style.css",
    "file:///etc/passwd",
    "ftp://example.com/x",
])
def test_the_fetcher_refuses_the_network_and_files_outside_static(url):
    fetcher = StaticOnlyURLFetcher(ROOT / "static")
    with pytest.raises(ValueError):
        fetcher(url)


def test_the_fetcher_refuses_climbing_out_of_static(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    fetcher = StaticOnlyURLFetcher(static)
    with pytest.raises(ValueError):
        fetcher(static.as_uri() + "/../secret.txt")
    with pytest.raises(ValueError):
        fetcher(static.as_uri() + "/%2e%2e/secret.txt")
    with pytest.raises(ValueError):
        fetcher((static / "missing.css").as_uri())


def test_the_fetcher_reads_static_files_and_data_urls():
    fetcher = StaticOnlyURLFetcher(ROOT / "static")
    css = fetcher((ROOT / "static" / "pdf" / "print.css").as_uri())
    try:
        assert b"@page" in css.read()
        assert css.content_type == "text/css"
    finally:
        css.close()
    data = fetcher("data:text/plain;base64,5Lia5Li7")
    try:
        assert data.read().decode() == "业主"
    finally:
        data.close()


def test_a_template_cannot_pull_in_remote_or_private_files(pdf_app, tmp_path, caplog):
    template_dir = tmp_path / "templates" / "pdf"
    template_dir.mkdir(parents=True)
    (template_dir / "probe.html").write_text(
        '<html><head><link rel="stylesheet" href="http://example.com/x.css"></head>'
        '<body><img src="file:///etc/passwd"><p>好</p></body></html>', encoding="utf-8")
    app = Flask(__name__, template_folder=str(tmp_path / "templates"),
                static_folder=str(ROOT / "static"))
    with app.app_context(), caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf("probe.html")
    assert pdf.startswith(b"%PDF-")
    refused = caplog.text
    assert "example.com" in refused and "/etc/passwd" in refused


def test_the_environment_check_logs_nothing_when_all_is_installed(caplog):
    logger = logging.getLogger("committee_app.test_pdf")
    with caplog.at_level(logging.WARNING, logger=logger.name):
        problems = check_pdf_environment(logger)
    assert [r.getMessage() for r in caplog.records] == [f"PDF rendering: {p}" for p in problems]
    for problem in problems:
        assert "apt-get install" in problem


def test_the_environment_check_names_the_debian_packages(monkeypatch, caplog):
    import ctypes.util
    import committee_app.pdf as pdf_module

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(pdf_module.subprocess, "run",
                        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout="", stderr=""))
    pdf_module._environment_problems.cache_clear()
    try:
        logger = logging.getLogger("committee_app.test_pdf")
        with caplog.at_level(logging.WARNING, logger=logger.name):
            problems = check_pdf_environment(logger)
    finally:
        pdf_module._environment_problems.cache_clear()
    assert len(problems) == 2
    assert "libharfbuzz-subset0" in caplog.text
    assert "fonts-noto-cjk" in caplog.text
    assert all(r.levelno == logging.WARNING for r in caplog.records)
