"""Pages in a real browser: Playwright driving the system Chromium (no browser download)."""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from licensing import jobs
from licensing.workflow import Status
from tests.factories import application_in, complete_draft

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def signed_in(browser: Browser, url: str, username: str) -> Page:
    """A new page, signed in through the login form (every test user's password is "pw")."""
    page = browser.new_page()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.locator("form").get_by_role("button", name="Sign in").click()
    return page


def test_applicant_signs_in_and_sees_only_own_case(
    browser: Browser, live_server: Any, actors: Any, other_applicant: Any
) -> None:
    ours = application_in(Status.SUBMITTED, **actors)
    theirs = complete_draft(other_applicant.membership_set.get().organisation, other_applicant)
    applicant = actors["applicant"]
    page = browser.new_page()
    page.goto(live_server.url)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.get_by_label("Username").fill(applicant.username)
    page.get_by_label("Password").fill("pw")
    page.locator("form").get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Applications").wait_for()
    assert page.get_by_role("link", name=ours.reference).is_visible()
    assert page.get_by_text(theirs.reference).count() == 0
    page.get_by_role("link", name=ours.reference).click()
    page.get_by_text("Motorwerk GmbH").first.wait_for()
    # The stylesheet is served by the app itself.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    page.close()


def test_wrong_password_shows_a_clear_error(
    browser: Browser, live_server: Any, applicant: Any
) -> None:
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(applicant.username)
    page.get_by_label("Password").fill("wrong")
    page.locator("form").get_by_role("button", name="Sign in").click()
    assert "correct username and password" in page.get_by_role("alert").inner_text()
    page.close()


def test_applicant_reads_a_notification_and_marks_it_read(
    browser: Browser, live_server: Any, actors: Any, other_applicant: Any
) -> None:
    ours = application_in(Status.UNDER_REVIEW, **actors)  # submitted, then accepted
    theirs = application_in(
        Status.SUBMITTED,
        **actors
        | {
            "applicant": other_applicant,
            "organisation": other_applicant.membership_set.get().organisation,
        },
    )
    page = signed_in(browser, live_server.url, actors["applicant"].username)

    page.get_by_role("link", name="Notifications 2 unread").click()
    page.get_by_role("heading", name="Notifications").wait_for()
    assert page.get_by_text(f"{ours.reference}: Under review").is_visible()
    assert page.get_by_text(theirs.reference).count() == 0
    page.get_by_role("button", name="Mark all read").click()
    page.get_by_text("2 notification(s) marked read.").wait_for()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
    page.close()


def test_supervisor_opens_the_rules_changes_from_the_queue(
    browser: Browser, live_server: Any, actors: Any
) -> None:
    application_in(Status.SUBMITTED, **actors)
    jobs.check_rules()  # the first check: every open case judged once
    page = signed_in(browser, live_server.url, actors["supervisor"].username)

    page.get_by_role("link", name="Rules changes and licences to review").click()
    page.get_by_role("heading", name="Rules changes").wait_for()
    assert page.get_by_text("the rules in force were checked for the first time").is_visible()
    page.close()
