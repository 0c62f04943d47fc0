"""Browser tests: the demo served by a real HTTP server, driven by Playwright in Debian's Chromium."""
from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from committee_app.extensions import db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_server(app):
    """The demo community served on a free local port; yields its base URL."""
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    app.config.update(SERVER_NAME=None, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # the job worker, as `make run` starts it (threads here: the queue is in this process's memory)
    worker = app.extensions["jobs_queue"].huey.create_consumer(workers=2, worker_type="thread", periodic=False,
                                                               initial_delay=0.05, max_delay=0.2, backoff=1.1)
    worker.start()
    yield f"http://127.0.0.1:{server.server_port}"
    worker.stop(graceful=True)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a 360 px wide phone."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def log_in():
    """``log_in(page, base_url, "organiser")`` signs in with the demo password."""
    def sign_in(page, base_url: str, username: str, password: str = "demo1234") -> None:
        page.goto(f"{base_url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("input[type=submit]")
    return sign_in
