"""Uploads are judged by their first bytes, not by their names."""
from committee_app import uploads


def test_pdf_jpeg_and_png_are_recognised_by_their_first_bytes():
    assert uploads.sniff(b"%PDF-1.7 ...").extension == ".pdf"
    assert uploads.sniff(b"\xff\xd8\xff\xe0 jfif").content_type == "image/jpeg"
    assert uploads.sniff(b"\x89PNG\r\n\x1a\n....").content_type == "image/png"


def test_anything_else_is_refused():
    for data in (b"", b"MZ\x90\x00 an executable", b"<html>%PDF-", b"PK\x03\x04 a zip named .pdf"):
        assert uploads.sniff(data) is None
