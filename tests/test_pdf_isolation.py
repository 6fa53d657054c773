"""Rendering a PDF never reads server files or reaches other hosts (RELIABILITY.md).

Hostile HTML — file:// references, remote images and stylesheets, CSS @import, SVG images, an
attachment link, a redirect — is rendered while a canary server on this machine records every
connection it receives. Nothing may reach it, and nothing of /etc/passwd may be in the PDF.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
from io import BytesIO
from pathlib import Path

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from procurement.documents.pdf import Asset, data_uri, render_pdf

PASSWD_MARKER = "root:x:0:0"


class Canary(http.server.ThreadingHTTPServer):
    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                canary.hits.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def canary():
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


HOSTILE = """<!doctype html><html><head><title>hostile</title>
<link rel="stylesheet" href="{{ base }}/sheet.css">
<style>@import url("{{ base }}/imported.css"); @import url("file:///etc/passwd");
body { background: url("file:///etc/passwd"); } h1 { background: url("{{ base }}/bg.png"); }
@font-face { font-family: X; src: url("{{ base }}/font.woff"); }</style></head><body>
<h1>Hostile</h1>
<img src="file:///etc/passwd"><img src="{{ base }}/image.png"><img src="{{ base }}/redirect">
<object data="file:///etc/passwd"></object><embed src="file:///etc/passwd">
<a rel="attachment" href="file:///etc/passwd">passwd</a>
<a rel="attachment" href="{{ base }}/attachment.bin">remote attachment</a>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 width="10" height="10">
<image href="{{ base }}/svg.png" width="10" height="10"/><image xlink:href="file:///etc/passwd"/></svg>
<img src="{{ safe }}">
<p>{{ user_text }}</p>
</body></html>"""


def test_hostile_html_renders_without_fetching_anything(canary):
    base = f"http://127.0.0.1:{canary.server_address[1]}"
    html = Template(HOSTILE).render(
        Context(
            {
                "base": base,
                "safe": data_uri(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
                "user_text": '<img src="file:///etc/passwd">',  # autoescaped: stays text
            }
        )
    )
    rendered = render_pdf(html)

    assert canary.hits == [], f"the renderer reached the canary: {canary.hits}"
    assert any(url.startswith("file:///etc/passwd") for url in rendered.refused)
    assert any(url.startswith(base) for url in rendered.refused)
    reader = PdfReader(BytesIO(rendered.pdf))
    assert dict(reader.attachments) == {}
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Hostile" in text and '<img src="file:///etc/passwd">' in text
    assert PASSWD_MARKER not in text
    assert PASSWD_MARKER.encode() not in rendered.pdf


def test_nothing_of_etc_passwd_is_in_the_uncompressed_pdf(canary, tmp_path):
    if not Path("/etc/passwd").read_text().startswith("root:"):
        pytest.skip("this machine's /etc/passwd does not start with root")
    base = f"http://127.0.0.1:{canary.server_address[1]}"
    pdf = render_pdf(
        Template(HOSTILE).render(Context({"base": base, "safe": "", "user_text": ""}))
    ).pdf
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf)
    expanded = tmp_path / "expanded.pdf"
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(path), str(expanded)], check=True
    )
    assert PASSWD_MARKER.encode() not in expanded.read_bytes()


def test_the_apps_own_assets_and_data_uris_are_served():
    pixel = data_uri(
        b"<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", "image/svg+xml"
    )
    html = f'<img src="{pixel}"><img src="asset:logo.svg"><p>ok</p>'
    logo = Asset(b"<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", "image/svg+xml")
    rendered = render_pdf(html, assets={"asset:logo.svg": logo})
    assert rendered.refused == ()
