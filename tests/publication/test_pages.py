"""The public pages: the same for everyone, no cookie, cacheable, a valid Atom feed, and a
fixed number of queries whatever the plan holds."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone, translation

from accounts.models import User
from lessons.models import Classification, Lesson, LessonDomain, LessonStatus, Releasability
from missions.models import Activity, LineOfEffort, Plan
from outreach.models import CommunicationItem, CommunicationStatus
from publication.models import PlanPublication
from tests.publication.conftest import PUBLIC_SUMMARY, PUBLIC_TITLE

ATOM = "{http://www.w3.org/2005/Atom}"
PAGES = [
    "/public/",
    "/public/plans/valeria/",
    "/public/plans/valeria/feed.atom",
    "/public/feed.atom",
]


def message(plan: Plan, by: User, title: str, *, public: bool = True) -> CommunicationItem:
    return CommunicationItem.objects.create(
        plan=plan,
        title=title,
        audience="home_public",
        channel="press_release",
        key_message=f"{title}: what we said.",
        planned_date=timezone.localdate(),
        status=CommunicationStatus.PUBLISHED,
        published_at=timezone.now(),
        spokesperson=plan.lead_organisation,
        public=public,
        created_by=by,
    )


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_answers_set_no_cookie_and_may_be_cached(
    url: str, published: PlanPublication
) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("url", PAGES)
def test_signed_in_people_get_the_same_page_and_their_session_is_left_alone(
    url: str, published: PlanPublication, lead_approver: User
) -> None:
    anonymous = Client().get(url)
    client = Client()
    client.force_login(lead_approver)
    session_key = client.session.session_key
    signed_in = client.get(url)
    assert signed_in.status_code == 200
    assert signed_in.cookies == {}
    assert signed_in["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in signed_in.get("Vary", "")
    assert signed_in.get("Content-Language") == anonymous.get("Content-Language")
    if url.endswith(".atom"):  # its `updated` is the moment it was asked for when it has no entry
        assert signed_in["Content-Type"] == anonymous["Content-Type"]
    else:
        assert signed_in.content == anonymous.content
    assert client.session.session_key == session_key


def test_no_page_asks_anyone_to_sign_in(published: PlanPublication) -> None:
    page = Client().get("/public/plans/valeria/").content.decode()
    assert "/login/" not in page
    assert "csrfmiddlewaretoken" not in page


@pytest.mark.parametrize(
    "url",
    ["/public/plans/valeria/", "/public/plans/valeria/feed.atom", "/public/plans/unknown/"],
)
def test_a_plan_never_published_answers_404(url: str, active_plan: Plan) -> None:
    response = Client().get(url)
    assert response.status_code == 404
    assert response.cookies == {}
    assert response["Cache-Control"] == "public, max-age=60"
    assert b"There is no public page at this address." in response.content


def test_the_index_lists_the_published_plans(published: PlanPublication) -> None:
    page = Client().get("/public/").content.decode()
    assert PUBLIC_TITLE in page
    assert PUBLIC_SUMMARY in page
    assert 'href="/public/plans/valeria/"' in page


def test_the_feed_is_atom(published: PlanPublication, lead_planner: User) -> None:
    plan = published.plan
    message(plan, lead_planner, "Radio message on land courts")
    message(plan, lead_planner, "Internal note", public=False)
    feed = ET.fromstring(  # noqa: S314 (our own answer)
        Client().get("/public/plans/valeria/feed.atom").content
    )
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == PUBLIC_TITLE
    assert feed.find(f"{ATOM}id") is not None
    assert feed.find(f"{ATOM}updated") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Radio message on land courts",
        f"Published: {PUBLIC_TITLE}",
    ]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith("tag:testserver,")
        assert entry.findtext(f"{ATOM}updated")
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert link.get("href", "").startswith("http://testserver/public/plans/valeria/")
    assert entries[0].findtext(f"{ATOM}summary") == "Radio message on land courts: what we said."
    everything = ET.fromstring(  # noqa: S314 (our own answer)
        Client().get("/public/feed.atom").content
    )
    assert [e.findtext(f"{ATOM}title") for e in everything.findall(f"{ATOM}entry")] == [
        "Radio message on land courts"
    ]


def fill(plan: Plan, by: User, n: int) -> None:
    """`n` more public activities (each in a line of effort of its own), public messages and
    public lessons."""
    template = Activity.objects.filter(line_of_effort__plan=plan).order_by("id").first()
    assert template is not None
    start = Activity.objects.filter(public=True).count()
    for i in range(start, start + n):
        extra_line = LineOfEffort.objects.create(
            plan=plan,
            domain=["security", "policing", "development"][i % 3],
            title=f"Line {i}",
            lead_organisation=plan.lead_organisation,
            order=i + 1,
        )
        Activity.objects.create(
            line_of_effort=extra_line,
            title=f"Public activity {i}",
            responsible_organisation=plan.lead_organisation,
            actor_type="civilian",
            task_nature="non_military",
            start_date=template.start_date,
            end_date=template.end_date,
            progress=i,
            public=True,
        )
        message(plan, by, f"Message {i}")
        lesson = Lesson.objects.create(
            title=f"Lesson {i}",
            observation="o",
            conclusion="c",
            source_plan=plan,
            source_organisation=plan.lead_organisation,
            observed_on=datetime.date(2026, 1, 1),
            author=by,
            status=LessonStatus.LESSON_LEARNED,
            classification=Classification.PUBLIC,
            releasability=Releasability.ALL_MEMBERS,
        )
        LessonDomain.objects.create(lesson=lesson, domain="governance")


def queries(url: str) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url", ["/public/plans/valeria/", "/public/plans/valeria/feed.atom", "/public/feed.atom"]
)
def test_queries_do_not_grow_with_the_plan(
    url: str, published: PlanPublication, lead_planner: User
) -> None:
    fill(published.plan, lead_planner, 2)
    few = queries(url)
    fill(published.plan, lead_planner, 18)
    assert Activity.objects.filter(public=True).count() == 20
    assert queries(url) == few


def test_the_page_costs_a_fixed_number_of_queries(
    published: PlanPublication, lead_planner: User, django_assert_num_queries: object
) -> None:
    fill(published.plan, lead_planner, 2)
    client = Client()
    with django_assert_num_queries(8):  # type: ignore[operator]
        client.get("/public/plans/valeria/")
    fill(published.plan, lead_planner, 18)
    with django_assert_num_queries(8):  # type: ignore[operator]
        page = client.get("/public/plans/valeria/").content.decode()
    assert page.count('class="public-message"') == 20
    assert page.count("<progress") == 20


def test_the_index_costs_one_query(
    published: PlanPublication, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        Client().get("/public/")


# --- the reader's language ----------------------------------------------------------------------


def _in_french(phrase: str) -> str:
    with translation.override("fr"):
        return translation.gettext(phrase)


@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_varies_by_accept_language_only(
    url: str, published: PlanPublication
) -> None:
    response = Client().get(url, headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" not in response["Vary"]
    assert response.cookies == {}
    assert response["Cache-Control"] == "public, max-age=300"


def test_accept_language_fr_gives_the_french_page(published: PlanPublication) -> None:
    PlanPublication.objects.filter(pk=published.pk).update(
        published_at=datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.UTC)
    )
    french = Client().get("/public/plans/valeria/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    page = french.content.decode()
    assert french["Content-Language"] == "fr"
    assert '<html lang="fr">' in page
    with translation.override("fr"):
        french_date = dateformat.format(datetime.date(2026, 2, 10), "j M Y")
    assert french_date != "10 Feb 2026"  # Django's own French month names
    assert french_date in page
    assert "10 Feb 2026" not in page
    assert f'<h2 id="mission-heading">{_in_french("The mission")}</h2>' in page
    assert _in_french("Public account") in page
    english = Client().get("/public/plans/valeria/", headers={"Accept-Language": "en"})
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()
    assert "10 Feb 2026" in english.content.decode()
    assert '<h2 id="mission-heading">The mission</h2>' in english.content.decode()


def test_an_unsupported_or_missing_accept_language_gives_the_site_language(
    published: PlanPublication,
) -> None:
    for headers in ({}, {"Accept-Language": "de-DE,de;q=0.9"}):
        response = Client().get("/public/", headers=headers)
        assert response["Content-Language"] == "en"


def test_neither_the_persons_language_nor_the_cookie_changes_the_public_page(
    published: PlanPublication, lead_approver: User
) -> None:
    User.objects.filter(pk=lead_approver.pk).update(language="fr")
    client = Client()
    client.force_login(lead_approver)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/public/plans/valeria/", headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "en"
    assert '<h2 id="mission-heading">The mission</h2>' in response.content.decode()
    assert response.cookies == {}


def test_the_feed_names_its_language(published: PlanPublication) -> None:
    for language in ("en", "fr"):
        feed = ET.fromstring(  # noqa: S314 (our own answer)
            Client().get("/public/feed.atom", headers={"Accept-Language": language}).content
        )
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
