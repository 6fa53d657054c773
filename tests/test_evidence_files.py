"""Evidence files (providers.evidence): what an evaluator may upload, and every way a file is
refused before anything of it is stored. No database: the check is plain Python on bytes."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from providers.evidence import (
    KINDS,
    MAX_EVIDENCE_BYTES,
    MAX_JSON_DEPTH,
    Evidence,
    EvidenceRefused,
    evidence_check,
)

# The smallest PDF a reader opens: a catalogue, an empty page tree, a trailer and the end marker.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n"
    b"%%EOF\n"
)
CSV = b"item,score,cost\nq-1,1,-2.50\nq-2,0,-3\n"
JSON = b'{"benchmark": "IndicQA", "scores": [0.5, 1, 0.75]}'


def refused(name: str, data: bytes) -> str:
    """The message ``evidence_check`` refuses the file with."""
    with pytest.raises(EvidenceRefused) as exc:
        evidence_check(name, data)
    return str(exc.value)


def zip_of(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(name, content)
    return buffer.getvalue()


# Accepted --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("Report.PDF", PDF, "application/pdf"),
        ("results.csv", CSV, "text/csv"),
        ("results.json", JSON, "application/json"),
        ("परिणाम.json", JSON, "application/json"),
    ],
)
def test_a_good_file_is_accepted_with_its_sniffed_type_and_sha256(
    name: str, data: bytes, content_type: str
) -> None:
    assert evidence_check(name, data) == Evidence(
        name=name,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
    )
    assert content_type in KINDS.values()


def test_a_file_of_exactly_the_limit_is_accepted() -> None:
    end = b"\n%%EOF\n"
    body = PDF.removesuffix(b"%%EOF\n") + b"%"  # the padding is a PDF comment
    data = body + b"x" * (MAX_EVIDENCE_BYTES - len(body) - len(end)) + end
    assert evidence_check("big.pdf", data).size == MAX_EVIDENCE_BYTES


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert evidence_check("excel.csv", b"\xef\xbb\xbf" + CSV).content_type == "text/csv"
    assert evidence_check("bom.json", b"\xef\xbb\xbf" + JSON).content_type == "application/json"


def test_text_starting_with_mz_is_not_taken_for_a_program() -> None:
    assert evidence_check("countries.csv", b"MZ,Mozambique\nIN,India\n").content_type == "text/csv"


def test_a_pdf_name_that_only_starts_like_js_is_not_active_content() -> None:
    assert evidence_check("data.pdf", PDF.replace(b"/Catalog", b"/Catalog /JSONData 1"))


# Size ------------------------------------------------------------------------------------------


def test_an_empty_file_is_refused() -> None:
    assert refused("report.pdf", b"") == "report.pdf is empty: upload the file with its content."


def test_a_file_over_10_mb_is_refused_with_its_size() -> None:
    message = refused("report.pdf", PDF + b"x" * (MAX_EVIDENCE_BYTES + 1 - len(PDF)))
    assert message == "report.pdf is 10.1 MB: evidence files are limited to 10 MB."


def test_the_size_is_said_in_mb_with_one_decimal() -> None:
    assert refused("report.pdf", b"x" * int(12.35 * 1024 * 1024)).startswith(
        "report.pdf is 12.4 MB"
    )


# Archives and programs -------------------------------------------------------------------------


def test_a_zip_renamed_pdf_is_refused() -> None:
    message = refused("report.pdf", zip_of("report.pdf", PDF))
    assert message == (
        "report.pdf is a ZIP archive. Archives are not accepted: upload the PDF, CSV or JSON "
        "file itself."
    )


def test_a_zip_bomb_named_csv_is_refused_without_decompressing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = zip_of("scores.csv", b"0" * 50_000_000)
    assert len(bomb) < 100_000  # 50 MB squeezed into a few dozen kB

    def no_decompressing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check decompressed the archive")

    monkeypatch.setattr(zipfile.ZipFile, "__init__", no_decompressing)
    monkeypatch.setattr("zlib.decompressobj", no_decompressing)
    message = refused("scores.csv", bomb)
    assert message.startswith("scores.csv is a ZIP archive")
    assert "archives are not accepted" in message.lower()


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip"),
        (b"Rar!\x1a\x07\x01\x00", "RAR"),
        (b"BZh91AY&SY" + b"\x00" * 20, "bzip2"),
        (b"\xfd7zXZ\x00\x00\x04", "xz"),
        (b"\x28\xb5\x2f\xfd\x00\x00", "Zstandard"),
        (b"PK\x05\x06" + b"\x00" * 18, "ZIP"),
    ],
)
def test_compressed_files_are_refused_whatever_their_name(data: bytes, what: str) -> None:
    for name in ("scores.csv", "scores.json", "report.pdf"):
        message = refused(name, data)
        assert message.startswith(f"{name} is a")
        assert what in message
        assert "Archives are not accepted" in message


@pytest.mark.parametrize(
    "data",
    [b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56],
)
def test_a_program_named_pdf_is_refused(data: bytes) -> None:
    assert refused("report.pdf", data) == (
        "report.pdf is a program, not a document: programs are not accepted as evidence."
    )


# Content that does not match its name ----------------------------------------------------------


def test_a_pdf_named_csv_is_refused() -> None:
    assert refused("scores.csv", PDF).startswith(
        "scores.csv is called a CSV file but its content is a PDF"
    )


def test_a_pdf_named_json_is_refused() -> None:
    assert refused("scores.json", PDF).startswith(
        "scores.json is called a JSON file but its content is a PDF"
    )


@pytest.mark.parametrize("data", [CSV, JSON, b"plain text"])
def test_something_else_named_pdf_is_refused(data: bytes) -> None:
    assert refused("report.pdf", data) == "report.pdf is called a PDF but its content is not a PDF."


def test_json_named_csv_is_refused() -> None:
    assert refused("scores.csv", JSON).startswith(
        "scores.csv is called a CSV file but its content is JSON"
    )


def test_csv_named_json_is_refused_as_not_json() -> None:
    assert refused("scores.json", CSV).startswith("scores.json is not valid JSON: ")


# PDF -------------------------------------------------------------------------------------------


def test_a_pdf_cut_short_is_refused() -> None:
    message = refused("report.pdf", PDF.replace(b"%%EOF", b"") + b"\n" * 10)
    assert message.startswith("report.pdf is not a complete PDF: it does not end with %%EOF")


def test_a_pdf_whose_end_marker_is_not_near_the_end_is_refused() -> None:
    assert "does not end with %%EOF" in refused("report.pdf", PDF + b" " * 1024)


@pytest.mark.parametrize(
    "active",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/AA << /O << /S /JS (x) >> >>",
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles 3 0 R >>",
        b"/Type /EmbeddedFile",
        b"/RichMedia 4 0 R",
        b"/AcroForm << /XFA 5 0 R >>",
        b"/OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>",  # #61 is "a"
    ],
)
def test_a_pdf_with_active_content_is_refused(active: bytes) -> None:
    pdf = PDF.replace(b"/Pages 2 0 R", b"/Pages 2 0 R " + active)
    assert refused("report.pdf", pdf) == (
        "report.pdf contains active content (JavaScript, launch actions or embedded files): "
        "print it to a new PDF and upload that."
    )


# Text: UTF-8, NUL, markup ----------------------------------------------------------------------


def test_csv_that_is_not_utf8_is_refused() -> None:
    message = refused("scores.csv", "item,score\ncafé,1\n".encode("latin-1"))
    assert message.startswith("scores.csv is not UTF-8 text")
    assert "save it as UTF-8" in message


def test_text_with_a_nul_is_refused() -> None:
    assert "contains NUL characters" in refused("scores.csv", b"item,score\nq\x00,1\n")


@pytest.mark.parametrize("name", ["scores.csv", "scores.json"])
@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>hello</body></html>",
        b"  \n<!DOCTYPE html>",
        b"item,note\nq-1,<SCRIPT>alert(1)</script>\n",
        b'{"note": "<svg onload=alert(1)>"}',
        b'{"link": "JavaScript:alert(1)"}',
        b'["<iframe src=x>"]',
    ],
)
def test_html_or_script_is_refused(name: str, data: bytes) -> None:
    assert refused(name, data) == (
        f"{name} contains HTML or script: evidence files must hold data only."
    )


# JSON ------------------------------------------------------------------------------------------


def test_json_with_a_key_twice_is_refused() -> None:
    message = refused("scores.json", b'{"score": 0.9, "score": 0.1}')
    assert message == 'scores.json has the key "score" twice in one object: which value was meant?'


def test_json_nested_deeper_than_64_is_refused() -> None:
    deep = b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1)
    assert refused("deep.json", deep) == (
        "deep.json nests arrays and objects more than 64 levels deep."
    )
    at_limit = b'{"a":' * (MAX_JSON_DEPTH - 1) + b"[]" + b"}" * (MAX_JSON_DEPTH - 1)
    assert evidence_check("deep.json", at_limit).content_type == "application/json"


def test_json_nested_beyond_the_parser_is_refused_as_too_deep() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    assert "more than 64 levels deep" in refused("deep.json", deep)


@pytest.mark.parametrize("data", [b"1", b'"text"', b"null", b"0.5"])
def test_json_must_hold_an_object_or_an_array(data: bytes) -> None:
    assert "must hold an object or an array" in refused("scores.json", data)


@pytest.mark.parametrize("data", [b'{"a": 1,}', b"[NaN]", b"[Infinity]"])
def test_invalid_json_is_refused(data: bytes) -> None:
    assert refused("scores.json", data).startswith("scores.json is not valid JSON: ")


# CSV -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "row", "column"),
    [
        (b'item,link\nq-1,"=HYPERLINK(""http://x"",""x"")"\n', 2, 2),
        (b"+1+1,score\n", 1, 1),
        (b"item,score\nq-1,1\nq-2,@SUM(A1)\n", 3, 2),
        (b'item,score\n"\t=1",1\n', 2, 1),
        (b'item,score\n"\r=1",1\n', 2, 1),
        (b"item,score\nq-1,-2+3+cmd|' /C calc'!A0\n", 2, 2),
        (b"item,score\nq-1,-x\n", 2, 2),
    ],
)
def test_a_spreadsheet_formula_is_refused_naming_its_cell(
    data: bytes, row: int, column: int
) -> None:
    message = refused("scores.csv", data)
    assert message.startswith(
        f"scores.csv has a spreadsheet formula in row {row}, column {column} "
    )


@pytest.mark.parametrize("cell", [b"-2", b"-0.75", b'"-1,23,456.78"', b"-5%", b"-1E+5"])
def test_a_negative_number_is_not_a_formula(cell: bytes) -> None:
    assert evidence_check("scores.csv", b"item,delta\nq-1," + cell + b"\n").size


@pytest.mark.parametrize("data", [b"\n", b"\r\n\r\n", b",,\n"])
def test_a_csv_without_rows_is_refused(data: bytes) -> None:
    assert refused("scores.csv", data) == (
        "scores.csv has no rows: a CSV file needs one row at least."
    )


def test_a_csv_the_csv_module_cannot_read_is_refused() -> None:
    huge_cell = b'"' + b"x" * 200_000 + b'"\n'
    assert refused("scores.csv", huge_cell).startswith("scores.csv is not a readable CSV file: ")


# File names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("../../etc/passwd.pdf", 'The file name "../../etc/passwd.pdf" contains a folder path'),
        ("a/b.pdf", 'The file name "a/b.pdf" contains a folder path'),
        ("a\\b.pdf", 'The file name "a\\b.pdf" contains a folder path'),
        ("report..pdf", 'The file name "report..pdf" contains ".."'),
        ("evil\x00.pdf", 'The file name "evil?.pdf" contains a control character'),
        ("evil\n.pdf", 'The file name "evil?.pdf" contains a control character'),
        ("evil\u202efdp.exe", 'The file name "evil?fdp.exe" contains a control character'),
        (".hidden.pdf", 'The file name ".hidden.pdf" starts with "."'),
        ("-rf.pdf", 'The file name "-rf.pdf" starts with "-"'),
        (".pdf", 'The file name ".pdf" is only an extension'),
        ("CON.pdf", 'The file name "CON.pdf" is reserved on Windows (CON)'),
        ("nul.json", 'The file name "nul.json" is reserved on Windows (NUL)'),
        ("com1.csv", 'The file name "com1.csv" is reserved on Windows (COM1)'),
        ("LPT9.pdf", 'The file name "LPT9.pdf" is reserved on Windows (LPT9)'),
        ("a:stream.pdf", 'The file name "a:stream.pdf" contains a character file names cannot'),
        ('say"hi".pdf', 'The file name "say"hi".pdf" contains a character file names cannot'),
        ("report.exe", '"report.exe" is not a PDF, CSV or JSON file'),
        ("report.pdf.exe", '"report.pdf.exe" is not a PDF, CSV or JSON file'),
        ("report", '"report" is not a PDF, CSV or JSON file'),
        ("report.pdf.", '"report.pdf." is not a PDF, CSV or JSON file'),
        ("", "The file has no name"),
    ],
)
def test_a_name_with_a_path_trick_is_refused_not_repaired(name: str, phrase: str) -> None:
    assert refused(name, PDF).startswith(phrase)


def test_a_name_over_120_characters_is_refused() -> None:
    name = "r" * 196 + ".pdf"
    message = refused(name, PDF)
    assert message == (
        f'The file name "{"r" * 59}…" is 200 characters long: file names are limited to 120 '
        "characters."
    )
    assert evidence_check("r" * 116 + ".pdf", PDF).name == "r" * 116 + ".pdf"


@pytest.mark.parametrize(
    ("name", "data"),
    [("CONFIG.pdf", PDF), ("console.csv", CSV), ("COM10.pdf", PDF), ("auxiliary.json", JSON)],
)
def test_names_that_only_begin_like_reserved_ones_are_accepted(name: str, data: bytes) -> None:
    assert evidence_check(name, data).name == name


def test_the_name_is_checked_before_the_content() -> None:
    assert refused("../x.pdf", b"").startswith('The file name "../x.pdf"')
    assert refused("report.zip", zip_of("report.pdf", PDF)).startswith('"report.zip" is not a')
