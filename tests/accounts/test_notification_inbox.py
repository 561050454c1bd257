"""Notifications: the API and the pages a person reads them in, and how recipients resolve."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import EmailPreference, EmailStatus, Notification, Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from tests.conftest import api_as
from tests.factories import add_membership, make_member, make_user

pytestmark = pytest.mark.django_db

_keys = iter(range(1, 1_000_000))


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def quiet(*users: User) -> None:
    """No e-mail for these users, so nothing is ever queued for them."""
    for user in users:
        user.email_preference = EmailPreference.NONE
        user.save(update_fields=["email_preference"])


def raise_for(
    user: User, text: str | None = None, *, url: str = "", event_key: str | None = None
) -> Notification:
    key = event_key or f"test:{next(_keys)}"
    notify(recipients=[user], kind="test", text=text or key, url=url, event_key=key)
    return Notification.objects.get(recipient=user, event_key=key)


def age(notification: Notification, minutes: int) -> None:
    """Backdate a notification, so ordering does not depend on the clock's resolution."""
    Notification.objects.filter(pk=notification.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=minutes)
    )


@pytest.fixture
def people(member: User, outsider: User) -> tuple[User, User]:
    quiet(member, outsider)
    return member, outsider


# --- API: listing ------------------------------------------------------------------------------


def test_api_lists_only_own_notifications_newest_first(people: tuple[User, User]) -> None:
    member, outsider = people
    oldest = raise_for(member, "Oldest")
    newest = raise_for(member, "Newest")
    middle = raise_for(member, "Middle")
    raise_for(outsider, "Not yours")
    age(oldest, 30)
    age(middle, 10)
    age(newest, 1)

    response = api_as(member).get("/api/v1/notifications/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [n["text"] for n in body["results"]] == ["Newest", "Middle", "Oldest"]
    assert set(body["results"][0]) == {"id", "kind", "text", "url", "created", "read_at"}
    assert [n["id"] for n in body["results"]] == [newest.pk, middle.pk, oldest.pk]


def test_api_unread_filter_and_unread_count(people: tuple[User, User]) -> None:
    member, outsider = people
    read = raise_for(member, "Read already")
    raise_for(member, "Unread one")
    raise_for(member, "Unread two")
    raise_for(outsider, "Someone else's unread")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client = api_as(member)

    unread = client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert sorted(n["text"] for n in unread["results"]) == ["Unread one", "Unread two"]
    assert all(n["read_at"] is None for n in unread["results"])

    only_read = client.get("/api/v1/notifications/", {"unread": "false"}).json()
    assert [n["text"] for n in only_read["results"]] == ["Read already"]

    count = client.get("/api/v1/notifications/unread-count/")
    assert count.status_code == 200
    assert count.json() == {"unread": 2}


def test_api_unread_count_is_zero_without_notifications(people: tuple[User, User]) -> None:
    member, _ = people
    assert api_as(member).get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


# --- API: marking read -------------------------------------------------------------------------


def test_api_marks_own_notification_read(people: tuple[User, User]) -> None:
    member, _ = people
    notification = raise_for(member, "Yours")

    response = api_as(member).post(f"/api/v1/notifications/{notification.pk}/read/")

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert response.json()["id"] == notification.pk
    assert response.json()["read_at"] is not None
    assert api_as(member).get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_api_marking_read_twice_keeps_the_first_read_time(people: tuple[User, User]) -> None:
    member, _ = people
    notification = raise_for(member)
    client = api_as(member)
    assert client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 200
    notification.refresh_from_db()
    first = notification.read_at

    assert client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 200

    notification.refresh_from_db()
    assert notification.read_at == first


def test_api_marking_someone_elses_notification_is_404_and_changes_nothing(
    people: tuple[User, User],
) -> None:
    member, outsider = people
    theirs = raise_for(outsider, "Theirs")

    response = api_as(member).post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    assert b"Theirs" not in response.content
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/"),
        ("get", "/api/v1/notifications/unread-count/"),
        ("post", "/api/v1/notifications/{pk}/read/"),
        ("post", "/api/v1/notifications/read-all/"),
    ],
)
def test_api_anonymous_gets_nothing_and_changes_nothing(
    people: tuple[User, User], method: str, path: str
) -> None:
    member, _ = people
    notification = raise_for(member, "Private")

    response = getattr(api_as(None), method)(path.format(pk=notification.pk))

    assert response.status_code == 401
    assert b"Private" not in response.content
    notification.refresh_from_db()
    assert notification.read_at is None


def test_api_read_all_marks_exactly_the_users_own(people: tuple[User, User]) -> None:
    member, outsider = people
    already = raise_for(member, "Read before")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Notification.objects.filter(pk=already.pk).update(read_at=yesterday)
    mine = [raise_for(member, "Mine 1"), raise_for(member, "Mine 2")]
    theirs = raise_for(outsider, "Theirs")

    response = api_as(member).post("/api/v1/notifications/read-all/")

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    already.refresh_from_db()
    assert already.read_at == yesterday
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api_as(outsider).get("/api/v1/notifications/unread-count/").json() == {"unread": 1}


def test_api_list_query_count_does_not_grow_with_rows(
    people: tuple[User, User], django_assert_max_num_queries
) -> None:
    member, _ = people
    client = api_as(member)
    for _ in range(2):
        raise_for(member)
    with django_assert_max_num_queries(3) as small:
        assert client.get("/api/v1/notifications/").json()["count"] == 2
    for _ in range(48):
        raise_for(member)
    with django_assert_max_num_queries(3) as large:
        body = client.get("/api/v1/notifications/").json()
        assert body["count"] == 50
        assert len(body["results"]) == 50
    assert len(small.captured_queries) == len(large.captured_queries)


# --- pages: inbox, bell, marking read ----------------------------------------------------------


def test_inbox_shows_own_notifications_only(people: tuple[User, User]) -> None:
    member, outsider = people
    raise_for(member, "Your strategy needs endorsement")
    read = raise_for(member, "Old news")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    raise_for(outsider, "Secret of another ministry")

    response = client_as(member).get("/notifications/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your strategy needs endorsement" in html
    assert "Old news" in html
    assert "Secret of another ministry" not in html
    assert html.count('class="inbox-item unread"') == 1

    unread = client_as(member).get("/notifications/", {"unread": "1"}).content.decode()
    assert "Your strategy needs endorsement" in unread
    assert "Old news" not in unread


def test_inbox_tells_an_empty_inbox(people: tuple[User, User]) -> None:
    member, _ = people
    html = client_as(member).get("/notifications/").content.decode()
    assert "Nothing here. You will be told when something needs you." in html


def test_mark_all_as_read_page_marks_only_own(people: tuple[User, User]) -> None:
    member, outsider = people
    mine = [raise_for(member, "Mine 1"), raise_for(member, "Mine 2")]
    theirs = raise_for(outsider, "Theirs")
    client = client_as(member)
    assert "Mark all as read" in client.get("/notifications/").content.decode()

    response = client.post("/notifications/read-all/", follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    html = response.content.decode()
    assert "Marked 2 notifications as read." in html
    assert 'class="inbox-item unread"' not in html
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_with_a_url_marks_it_read_and_goes_there(
    people: tuple[User, User],
) -> None:
    member, _ = people
    notification = raise_for(member, "Your report is ready", url="/reports/42/")

    response = client_as(member).post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == "/reports/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_a_notification_without_url_read_goes_back_to_the_inbox(
    people: tuple[User, User],
) -> None:
    member, _ = people
    notification = raise_for(member, "Just so you know")

    response = client_as(member).post(
        f"/notifications/{notification.pk}/read/", {"next": "/notifications/?unread=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?unread=1"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_notification_never_redirects_off_site(people: tuple[User, User]) -> None:
    member, _ = people
    notification = raise_for(member, "Phishing", url="https://evil.example/steal")

    response = client_as(member).post(
        f"/notifications/{notification.pk}/read/", {"next": "//evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_opening_someone_elses_notification_is_404_and_changes_nothing(
    people: tuple[User, User],
) -> None:
    member, outsider = people
    theirs = raise_for(outsider, "Theirs", url="/reports/1/")

    response = client_as(member).post(f"/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_post(people: tuple[User, User]) -> None:
    member, _ = people
    notification = raise_for(member)

    assert client_as(member).get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert client_as(member).get("/notifications/read-all/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_bell_fragment_shows_the_unread_count(people: tuple[User, User]) -> None:
    member, outsider = people
    for _ in range(3):
        raise_for(member)
    read = raise_for(member)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    raise_for(outsider)

    response = client_as(member).get("/notifications/bell/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<a href="/notifications/" id="notification-bell"')
    assert 'aria-label="Notifications: 3 unread"' in html
    assert '<span class="bell-count">3</span>' in html
    assert "<html" not in html  # the fragment alone, for htmx to swap in


def test_bell_shows_no_count_badge_when_all_is_read(people: tuple[User, User]) -> None:
    member, _ = people
    html = client_as(member).get("/notifications/bell/").content.decode()
    assert 'aria-label="Notifications: 0 unread"' in html
    assert "bell-count" not in html


def test_every_page_header_carries_the_bell(people: tuple[User, User]) -> None:
    member, _ = people
    raise_for(member)
    html = client_as(member).get("/").content.decode()
    assert 'aria-label="Notifications: 1 unread"' in html


def test_inbox_query_count_does_not_grow_with_rows(
    people: tuple[User, User], django_assert_max_num_queries
) -> None:
    member, _ = people
    client = client_as(member)
    for _ in range(2):
        raise_for(member)
    with django_assert_max_num_queries(6) as small:
        assert client.get("/notifications/").status_code == 200
    for _ in range(48):
        raise_for(member)
    with django_assert_max_num_queries(6) as large:
        response = client.get("/notifications/")
        assert response.status_code == 200
    assert response.content.decode().count('class="inbox-item unread"') == 30  # one page
    assert len(small.captured_queries) == len(large.captured_queries)


# --- pages: profile ----------------------------------------------------------------------------


def test_profile_shows_the_current_preference(member: User) -> None:
    html = client_as(member).get("/profile/").content.decode()
    assert 'value="immediate" id="id_email_preference_0" required checked>' in html
    assert 'value="daily_digest" id="id_email_preference_1" required>' in html
    assert "member@example.org" in html


@pytest.mark.parametrize("preference", ["daily_digest", "none", "immediate"])
def test_profile_saves_the_email_preference(member: User, preference: str) -> None:
    client = client_as(member)
    if preference == "immediate":
        quiet(member)

    response = client.post("/profile/", {"email_preference": preference}, follow=True)

    assert response.redirect_chain == [("/profile/", 302)]
    assert "Your e-mail preference was saved." in response.content.decode()
    member.refresh_from_db()
    assert member.email_preference == preference


@pytest.mark.parametrize("posted", [{"email_preference": "hourly"}, {"email_preference": ""}])
def test_profile_refuses_an_invalid_preference_and_saves_nothing(
    member: User, posted: dict[str, str]
) -> None:
    response = client_as(member).post("/profile/", posted)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field-error"' in html
    if posted["email_preference"]:
        assert "Select a valid choice. hourly is not one of the available choices." in html
    else:
        assert "This field is required." in html
    assert "Your e-mail preference was saved." not in html
    member.refresh_from_db()
    assert member.email_preference == EmailPreference.IMMEDIATE


def test_anonymous_is_sent_to_sign_in(people: tuple[User, User]) -> None:
    member, _ = people
    notification = raise_for(member)
    for method, url in [
        ("get", "/notifications/"),
        ("get", "/profile/"),
        ("post", f"/notifications/{notification.pk}/read/"),
        ("post", "/notifications/read-all/"),
        ("post", "/profile/"),
    ]:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/login/?next={url}", url
    notification.refresh_from_db()
    assert notification.read_at is None
    member.refresh_from_db()
    assert member.email_preference == EmailPreference.NONE


def test_the_bell_sends_a_signed_out_page_to_sign_in_instead_of_swapping_in_a_form() -> None:
    response = Client().get("/notifications/bell/")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/"
    assert response.content == b""


# --- raising -----------------------------------------------------------------------------------


def test_the_same_event_for_the_same_recipient_notifies_once(people: tuple[User, User]) -> None:
    member, outsider = people
    raised = [
        notify(recipients=[member], kind="t", text="First", url="", event_key="strategy:1:x"),
        notify(
            recipients=[member, outsider], kind="t", text="Again", url="", event_key="strategy:1:x"
        ),
    ]

    assert raised == [1, 1]
    assert sorted(
        Notification.objects.filter(event_key="strategy:1:x").values_list(
            "recipient__username", "text"
        )
    ) == [("member", "First"), ("outsider", "Again")]
    assert api_as(member).get("/api/v1/notifications/unread-count/").json() == {"unread": 1}


def test_a_person_named_twice_in_one_event_is_notified_once(
    people: tuple[User, User], home_org: Organisation
) -> None:
    member, _ = people
    raised = notify(
        recipients=[member, OrganisationRole(home_org.pk, Role.PLANNER), member],
        kind="t",
        text="Once",
        url="",
        event_key="dup",
    )
    assert raised == 1
    assert Notification.objects.filter(recipient=member, event_key="dup").count() == 1


def test_organisation_role_reaches_current_members_only(
    member: User, home_org: Organisation, other_org: Organisation
) -> None:
    today = timezone.localdate()
    make_member(home_org, Role.PLANNER, username="second-planner")
    make_member(
        home_org,
        Role.PLANNER,
        username="starts-tomorrow",
        valid_from=today + datetime.timedelta(days=1),
    )
    make_member(
        home_org,
        Role.PLANNER,
        username="left-yesterday",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
    )
    make_member(
        home_org,
        Role.PLANNER,
        username="last-day-today",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today,
    )
    make_member(home_org, Role.APPROVER, username="other-role")
    make_member(other_org, Role.PLANNER, username="other-org")
    deactivated = make_member(home_org, Role.PLANNER, username="deactivated")
    User.objects.filter(pk=deactivated.pk).update(is_active=False)
    rejoined = make_user("rejoined")
    add_membership(
        rejoined,
        home_org,
        Role.PLANNER,
        valid_from=today - datetime.timedelta(days=100),
        valid_until=today - datetime.timedelta(days=50),
    )
    add_membership(rejoined, home_org, Role.PLANNER, valid_from=today - datetime.timedelta(days=5))
    quiet(*User.objects.all())

    raised = notify(
        recipients=[OrganisationRole(home_org.pk, Role.PLANNER)],
        kind="t",
        text="Planners, please look",
        url="",
        event_key="planners",
    )

    usernames = sorted(
        Notification.objects.filter(event_key="planners").values_list(
            "recipient__username", flat=True
        )
    )
    assert usernames == ["last-day-today", "member", "rejoined", "second-planner"]
    assert raised == 4


def test_email_status_follows_the_preference_at_raising_time(home_org: Organisation) -> None:
    """Rows only: in this test the transaction never commits, so nothing is queued."""
    make_member(home_org, Role.PLANNER, username="immediate")
    digest = make_member(home_org, Role.PLANNER, username="digest")
    digest.email_preference = EmailPreference.DAILY_DIGEST
    digest.save(update_fields=["email_preference"])
    none = make_member(home_org, Role.PLANNER, username="none")
    quiet(none)
    no_address = make_member(home_org, Role.PLANNER, username="no-address")
    User.objects.filter(pk=no_address.pk).update(email="")

    notify(
        recipients=[OrganisationRole(home_org.pk, Role.PLANNER)],
        kind="t",
        text="Hello",
        url="",
        event_key="status",
    )

    assert dict(
        Notification.objects.filter(event_key="status").values_list(
            "recipient__username", "email_status"
        )
    ) == {
        "immediate": EmailStatus.PENDING,
        "digest": EmailStatus.IN_DIGEST,
        "none": EmailStatus.NOT_EMAILED,
        "no-address": EmailStatus.NOT_EMAILED,
    }
