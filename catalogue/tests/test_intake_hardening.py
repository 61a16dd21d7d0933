"""Hostile values at intake (issue 8, items 3 and the low ones): long text, control and invisible characters,
formula cells, UTF-16 files, libxml2's own words, oversized uploads and pixel bombs."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler, load_handler
from django.http.multipartparser import MultiPartParser
from django.urls import reverse
from django.utils import translation
from PIL import Image

from catalogue.error_codes import issue_detail, issue_texts
from catalogue.intake import import_file
from catalogue.models import CatalogueVersion
from catalogue.pictures.files import image_problem_text
from catalogue.pictures.uploads import attach_uploaded_images
from catalogue.tests.fixtures import issues, live_snapshot

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status
HEAD = "Artikelnummer;Benämning;Beskrivning;Enhet;Pris;Sökord\n"


def csv_file(tmp_path, body: str | bytes, name: str = "katalog.csv"):
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def test_a_long_run_of_dictionary_words_imports_cleanly(intake_catalogue, tmp_path):
    """ "papper"*1000 in a description crashed the import with RecursionError (a 500, the version stuck)."""
    description = "papper" * 800  # 4,800 characters: under the limit, one 'word'
    version = import_file(
        csv_file(tmp_path, HEAD + f"A-1;Papper;{description};EA;10;\n"), catalogue=intake_catalogue, background=False
    )
    assert version.status != Status.RECEIVED and version.error_count == 0, version.report
    assert version.items.get().description == description


def test_text_beyond_its_limit_is_a_row_error_in_both_languages(intake_catalogue, live_version, tmp_path):
    before = live_snapshot(intake_catalogue)
    keywords = ",".join(f"ord{n}" for n in range(60))
    body = HEAD + f"A-1;Papper;{'papper' * 1000};EA;10;\nA-2;{'x' * 300};kort;EA;10;\nA-3;Gem;kort;EA;5;{keywords}\n"
    version = import_file(csv_file(tmp_path, body), catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    too_long = issues(version, "HUB-VALUE-TOO-LONG")
    assert [(i["line"], i["column"]) for i in too_long] == [(2, "Beskrivning (C)"), (3, "Benämning (B)")]
    assert "6000 tecken, högst 5000" in issue_texts(too_long[0])["sv"]
    assert "6000 characters, at most 5000" in issue_texts(too_long[0])["en"]
    listed = issues(version, "HUB-LIST-TOO-LONG")[0]
    assert listed["line"] == 4 and "60" in issue_texts(listed)["sv"] and "50" in issue_texts(listed)["en"]
    assert live_snapshot(intake_catalogue) == before


def test_a_nul_byte_is_refused_with_its_row(intake_catalogue, tmp_path):
    version = import_file(
        csv_file(tmp_path, HEAD + "A-1;Pap\x00per;kort;EA;10;\nA-2;Gem;kort;EA;5;\n"),
        catalogue=intake_catalogue,
        background=False,
    )
    assert version.status == Status.INVALID
    issue = issues(version, "HUB-CONTROL-CHARACTER")[0]
    assert (issue["line"], issue["column"]) == (2, "Benämning (B)")
    assert "U+0000" in issue_texts(issue)["sv"]
    # Compared in Python: PostgreSQL refuses a NUL even inside a query parameter.
    assert not any("\x00" in name for name in version.items.values_list("name", flat=True))


def test_invisible_direction_and_zero_width_characters_are_removed_with_a_warning(intake_catalogue, tmp_path):
    name = "Penna \u202eblå\u202c\u200b"
    version = import_file(
        csv_file(tmp_path, HEAD + f"A-1;{name};kort;EA;10;sk\u200bola\n"), catalogue=intake_catalogue, background=False
    )
    assert version.error_count == 0, version.report
    item = version.items.get()
    assert (item.name, item.keywords) == ("Penna blå", ["skola"])
    warning = issues(version, "HUB-INVISIBLE-REMOVED")[0]
    assert warning["severity"] == "warning" and "U+202E" in issue_texts(warning)["sv"]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+46 8 123", "-2+3", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text_with_a_warning(intake_catalogue, tmp_path, cell):
    version = import_file(
        csv_file(tmp_path, HEAD + f"A-1;{cell};kort;EA;10;\n"), catalogue=intake_catalogue, background=False
    )
    assert version.error_count == 0, version.report
    assert version.items.get().name == cell
    warning = issues(version, "HUB-FORMULA-PREFIX")[0]
    assert (warning["severity"], warning["line"], warning["column"]) == ("warning", 2, "Benämning (B)")


def test_an_ordinary_peppol_name_starting_with_a_dash_gives_no_formula_warning(intake_catalogue, peppol_file):
    path = peppol_file(2)
    text = path.read_text(encoding="utf-8")
    start = text.index("<cbc:Name>", text.index("<cac:Item>")) + len("<cbc:Name>")
    path.write_text(text[:start] + "-" + text[start:], encoding="utf-8")
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert issues(version, "HUB-FORMULA-PREFIX") == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_a_utf16_csv_is_asked_for_as_utf8_not_called_malformed_xml(intake_catalogue, tmp_path, encoding):
    body = (HEAD + "A-1;Papper;kort;EA;10;\n").encode(encoding)
    if encoding == "utf-16-be":
        body = b"\xfe\xff" + body
    version = import_file(csv_file(tmp_path, body), catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    assert [i["code"] for i in version.report["issues"] if i["severity"] == "error"] == ["FILE-UTF16"]
    issue = issues(version, "FILE-UTF16")[0]
    assert "UTF-8" in issue_texts(issue)["sv"] and "UTF-16" in issue_texts(issue)["en"]


def test_a_utf16_xml_file_is_still_read_as_xml(intake_catalogue, peppol_file):
    path = peppol_file(2)
    text = path.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path.write_bytes(text.encode("utf-16"))
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.format == "peppol"


@pytest.mark.parametrize(
    ("content", "reason_sv", "where"),
    [
        (b"<Catalogue xmlns='urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2'>\n<a></b>", "passar inte", 2),
        (b"<Catalogue xmlns='urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2'>\n<a>", "avkortad", 2),
        (b"<Catalogue xmlns='urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2'>\n<a x=1/>", "citattecken", 2),
        (b"<Catalogue xmlns='urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2'>\n<a>A & B</a>", "&amp;", 2),
    ],
)
def test_xml_syntax_errors_are_told_in_plain_words_with_line_and_column(
    intake_catalogue, tmp_path, content, reason_sv, where
):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    version = import_file(path, catalogue=intake_catalogue, background=False)
    issue = issues(version, "XML-MALFORMED")[0]
    assert reason_sv in issue_texts(issue)["sv"]
    assert f"rad {where}, kolumn " in issue_texts(issue)["sv"] and f"line {where}, column " in issue_texts(issue)["en"]
    libxml2_words = ("Opening and ending", "Premature end", "AttValue", "xmlParseEntityRef", "expected")
    assert not any(word in issue_texts(issue)["sv"] for word in libxml2_words)


def test_an_xml_encoding_error_names_the_byte_not_libxml2s_words(intake_catalogue, tmp_path):
    path = tmp_path / "enc.xml"
    path.write_bytes(b"<Catalogue xmlns='urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2'>\n<a>\xe5 </a>")
    version = import_file(path, catalogue=intake_catalogue, background=False)
    issue = issues(version, "FILE-ENCODING")[0]
    assert issue["line"] == 2
    assert "Input is not proper" not in issue_texts(issue)["sv"] and "Invalid bytes" not in issue_texts(issue)["sv"]
    # Where the bad byte is stays available, as a technical detail apart from the Swedish sentence.
    assert "position" in issue_detail(issue) and "position" not in issue_texts(issue)["sv"]


def test_the_portal_refuses_an_oversized_upload_before_reading_it(
    client, supplier_user, intake_catalogue, settings, monkeypatch
):
    settings.CATALOGUE_MAX_UPLOAD_BYTES = 1000

    def never(*args, **kwargs):
        raise AssertionError("the body was parsed before the size was checked")

    monkeypatch.setattr(MultiPartParser, "parse", never)
    client.force_login(supplier_user)
    response = client.post(
        reverse("catalogue:catalogue", args=[intake_catalogue.pk]),
        {"file": SimpleUploadedFile("stor.csv", b"x" * 200_000)},
    )
    assert response.status_code == 413
    assert "Filen är för stor" in response.content.decode()
    assert intake_catalogue.versions.count() == 0


def test_uploads_stream_to_disk_above_the_memory_limit(settings):
    handlers = [load_handler(path) for path in settings.FILE_UPLOAD_HANDLERS]
    assert any(isinstance(handler, TemporaryFileUploadHandler) for handler in handlers)
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024


def pixel_bomb() -> bytes:
    """A tiny PNG that declares 40,000 x 40,000 pixels (Pillow refuses it as a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_an_uploaded_pixel_bomb_is_called_too_large_not_a_non_image(review_live_version):
    result = attach_uploaded_images(review_live_version.catalogue, [("KP-100.png", pixel_bomb())])
    assert result["attached"] == []
    assert result["problems"][0]["code"] == "TOO-MANY-PIXELS"
    with translation.override("sv"):
        assert "för stor" in image_problem_text(result["problems"][0])


def test_a_png_pixel_bomb_really_is_one():
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(pixel_bomb()))
