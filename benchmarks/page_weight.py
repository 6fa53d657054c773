"""Page weight of the demo comparison page: ``.venv/bin/python benchmarks/page_weight.py``.

Serves the app with gunicorn under production settings (DEBUG off, static files collected by
``make static`` and served by whitenoise) on a free loopback port, over a throwaway database
holding the demo data (``load_demo``) and one comparison run by the demo health officer — the
workload of ``benchmarks/api.py``. Debian's Chromium, driven by Playwright, signs in as that
officer in one browser context, then opens the comparison page in a fresh context (empty cache,
the session cookie only): a first visit. Every response of that visit is counted at its encoded
transfer size as Chromium's network layer reports it (``Network.loadingFinished``'s
``encodedDataLength``: headers and body as they crossed the wire, compressed where the server
compressed). It prints one line per resource and the total in KB (1 KB = 1,024 bytes), with the
goal of ≤ 600 KB. The database is a fresh SQLite file, or with ``--postgres`` a fresh database on
the PostgreSQL server of ``DATABASE_URL`` (dropped afterwards). This script reports; it asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, StorageState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.api import (  # noqa: E402
    add_postgres_option,
    free_port,
    gunicorn,
    production_env,
    throwaway_database,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GOAL_KB = 600
OFFICER = "health-officer"


@dataclass
class Transfer:
    url: str
    kind: str
    status: int
    encoding: str
    encoded_bytes: int


def prepare() -> int:
    """Migrate, load the demo data, run one comparison as the demo officer (as
    ``benchmarks/api.py`` does); its id."""
    from benchmarks.api import prepare as api_prepare

    _, comparison = api_prepare()
    return comparison


def signed_in(browser: Browser, base: str, password: str) -> StorageState:
    """The demo officer's session (cookies), signed in through the sign-in page."""
    signing_in = browser.new_context()
    page = signing_in.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(OFFICER)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workloads/")
    state = signing_in.storage_state()
    signing_in.close()
    return state


def measure(base: str, path: str, password: str) -> list[Transfer]:
    """Sign in, then open ``path`` in a fresh context; every response's encoded size."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        state = signed_in(browser, base, password)

        context = browser.new_context(storage_state=state)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        responses: dict[str, dict[str, Any]] = {}
        transfers: list[Transfer] = []

        def received(event: dict[str, Any]) -> None:
            responses[event["requestId"]] = {"type": event.get("type", ""), **event["response"]}

        def finished(event: dict[str, Any]) -> None:
            response = responses.get(event["requestId"], {})
            if not response.get("url", "").startswith(base):
                return  # data: URLs inside style sheets cross no wire
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            transfers.append(
                Transfer(
                    url=response.get("url", "?"),
                    kind=response.get("type", ""),
                    status=int(response.get("status", 0)),
                    encoding=headers.get("content-encoding", "identity"),
                    encoded_bytes=int(event["encodedDataLength"]),
                )
            )

        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        page.goto(f"{base}{path}", wait_until="networkidle")
        page.locator("#chart-tco .main-svg").first.wait_for(state="attached")
        context.close()
        browser.close()
    return transfers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_postgres_option(parser)
    args = parser.parse_args()

    env = production_env()
    with (
        tempfile.TemporaryDirectory() as data_dir,
        throwaway_database(args.postgres, Path(data_dir)) as database,
    ):
        env.update(database)
        os.environ.update(env)
        comparison = prepare()
        from django.db import connections

        from procurement.management.commands.load_demo import DEMO_PASSWORD

        connections.close_all()  # PostgreSQL cannot drop a database with open sessions
        port = free_port()
        with gunicorn(port, env):
            transfers = measure(
                f"http://127.0.0.1:{port}", f"/comparisons/{comparison}/", DEMO_PASSWORD
            )

    print("First visit to the demo comparison page: gunicorn, DEBUG off, Debian Chromium")
    print(f"{'KB':>8}  {'encoding':<9} {'status':>6}  resource")
    for t in sorted(transfers, key=lambda t: -t.encoded_bytes):
        path = urlsplit(t.url).path
        print(f"{t.encoded_bytes / 1024:>8.1f}  {t.encoding:<9} {t.status:>6}  {path}")
    total = sum(t.encoded_bytes for t in transfers)
    print(f"{total / 1024:>8.1f}  total over {len(transfers)} responses (goal ≤ {GOAL_KB} KB)")


if __name__ == "__main__":
    main()
