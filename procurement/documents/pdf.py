"""HTML to archival PDF (PDF/A-3b) with WeasyPrint, fetching nothing it was not given.

Only the project's own templates are rendered, with autoescape; no user CSS. The URL fetcher
denies by default: it serves ``data:`` URIs and the app's own assets from an
in-memory map (``asset:`` URLs), never ``file://``, never the network, never a redirect. Every
refused fetch is logged and counted, so tests can prove nothing leaked.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

DATA_URI = re.compile(
    r"^data:(?P<mime>[\w.+/-]*)(?P<params>(;[\w.+-]+=[^;,]*)*)(?P<base64>;base64)?,"
)


@dataclass(frozen=True)
class Asset:
    body: bytes
    mime_type: str


class DenyByDefaultFetcher(URLFetcher):
    """Serve ``data:`` URIs and the given in-memory assets; refuse and log everything else."""

    def __init__(self, assets: Mapping[str, Asset] | None = None) -> None:
        # No protocol allowed and no redirects: the parent's opener is never reached.
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self.assets: Mapping[str, Asset] = assets or {}
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url in self.assets:
            asset = self.assets[url]
            return URLFetcherResponse(url, asset.body, {"Content-Type": asset.mime_type})
        if match := DATA_URI.match(url):
            payload = url[match.end() :]
            body = base64.b64decode(payload) if match["base64"] else payload.encode("utf-8")
            return URLFetcherResponse(url, body, {"Content-Type": match["mime"] or "text/plain"})
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch %s", url[:200])
        raise ValueError(f"refused to fetch {url[:200]}: only data: URIs and app assets")


def data_uri(body: bytes, mime_type: str) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(body).decode('ascii')}"


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    refused: tuple[str, ...]


def render_pdf(
    html: str,
    *,
    attachments: Mapping[str, tuple[bytes, str]] | None = None,
    assets: Mapping[str, Asset] | None = None,
    when: dt.datetime | None = None,
) -> Rendered:
    """Render ``html`` to PDF/A-3b; ``attachments`` maps a file name to (content, description).

    Attachments are embedded as the PDF's own evidence (relationship "Source"), as PDF/A-3
    allows.
    """
    fetcher = DenyByDefaultFetcher(assets=assets)
    files = [
        Attachment(
            file_obj=io.BytesIO(body),
            name=name,
            description=description,
            relationship="Source",
            url_fetcher=fetcher,
            created=when,
            modified=when,
        )
        for name, (body, description) in (attachments or {}).items()
    ]
    pdf = HTML(string=html, base_url="asset:/", url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/a-3b", attachments=files, uncompressed_pdf=False
    )
    return Rendered(pdf=pdf, refused=tuple(fetcher.refused))
