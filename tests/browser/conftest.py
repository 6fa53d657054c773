"""Browser tests: pytest-playwright driving Debian's Chromium against Django's live server.

Never `playwright install`: the Debian browser is launched by path, with the flags that keep it
off the network. Playwright's sync API runs an event loop in this thread, so Django's ORM calls
from the test need DJANGO_ALLOW_ASYNC_UNSAFE.
"""

import os

import pytest

from tests.conftest import CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.chromium)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but with /static/ served by the app's own whitenoise.

    pytest-django serves static files through Django's finders, which do not know the hashed
    names ManifestStaticFilesStorage writes into pages; whitenoise, as in production, does.
    """
    from pytest_django.fixtures import skip_if_no_django
    from pytest_django.live_server_helper import LiveServer

    skip_if_no_django()
    server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()
