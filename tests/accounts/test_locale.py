"""Each person's language and time zone: chosen on the profile, else the login page's switcher
or the browser's; the API follows Accept-Language; what is written for someone else (a
notification, an e-mail) is in their language, not in that of whoever caused it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts.models import Notification, Organisation, Role, User
from accounts.notifications import notification_email_deliver, notify
from tests.conftest import api_as
from tests.factories import make_member

SAVED_FR = "Votre langue et votre fuseau horaire ont été enregistrés."


def _lang(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_person_chooses_french_and_a_time_zone_and_pages_follow(member: User) -> None:
    client = Client()
    client.force_login(member)
    assert _lang(client.get("/")) == "en"

    response = client.post(
        "/profile/language/", {"language": "fr", "time_zone": "Asia/Tokyo"}, follow=True
    )

    member.refresh_from_db()
    assert (member.language, member.time_zone) == ("fr", "Asia/Tokyo")
    assert SAVED_FR in response.content.decode()
    assert _lang(client.get("/")) == "fr"
    assert response["Content-Language"] == "fr"


def test_times_are_shown_in_the_persons_zone(member: User) -> None:
    created = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    notification = Notification.objects.create(
        recipient=member, kind="test", text="Something happened", url="/", event_key="t:1"
    )
    Notification.objects.filter(pk=notification.pk).update(created=created)
    client = Client()
    client.force_login(member)
    assert "1 Mar 2026, 23:30" in client.get("/notifications/").content.decode()

    User.objects.filter(pk=member.pk).update(time_zone="Asia/Tokyo")
    assert "2 Mar 2026, 08:30" in client.get("/notifications/").content.decode()


def test_an_unknown_time_zone_is_a_form_error_and_nothing_is_saved(member: User) -> None:
    client = Client()
    client.force_login(member)

    response = client.post("/profile/language/", {"language": "fr", "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert "Mars/Olympus" in response.content.decode()  # named in Django's choice error
    member.refresh_from_db()
    assert (member.language, member.time_zone) == ("", "")


def test_before_choosing_the_browser_decides_then_the_login_pages_switcher() -> None:
    client = Client(headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert _lang(client.get("/login/")) == "fr"

    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})

    assert _lang(client.get("/login/")) == "en"


def test_the_persons_choice_wins_over_their_browser_on_pages(member: User) -> None:
    User.objects.filter(pk=member.pk).update(language="en")
    client = Client(headers={"accept-language": "fr"})
    client.force_login(member)
    assert _lang(client.get("/")) == "en"


def test_the_api_answers_in_the_language_of_accept_language(member: User) -> None:
    User.objects.filter(pk=member.pk).update(language="en")
    member.refresh_from_db()
    french = api_as(member).get("/api/v1/plans/999999/", headers={"accept-language": "fr"})
    english = api_as(member).get("/api/v1/plans/999999/", headers={"accept-language": "en"})

    assert (french.status_code, english.status_code) == (404, 404)
    assert french["Content-Language"] == "fr"
    assert english["Content-Language"] == "en"
    assert english.json()["detail"] == "No Plan matches the given query."
    assert french.json()["detail"].startswith("Aucun élément « ")
    # Without the header, the person's own choice.
    assert api_as(member).get("/api/v1/plans/999999/")["Content-Language"] == "en"


def test_anonymous_api_errors_in_french() -> None:
    response = Client().get("/api/v1/plans/", headers={"accept-language": "fr"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Informations d'authentification non fournies."


@pytest.fixture
def speakers(home_org: Organisation) -> tuple[User, User]:
    french = make_member(home_org, Role.APPROVER, username="approbatrice")
    english = make_member(home_org, Role.PLANNER, username="planner-en")
    User.objects.filter(pk=french.pk).update(language="fr", email="fr@example.org")
    User.objects.filter(pk=english.pk).update(language="en", email="en@example.org")
    french.refresh_from_db()
    english.refresh_from_db()
    return french, english


def test_a_notification_is_written_and_emailed_in_each_recipients_language(
    speakers: tuple[User, User],
) -> None:
    french, english = speakers
    # A phrase from the catalogue, raised while an English-speaking person's request runs.
    text = format_lazy("{}", gettext_lazy("Your language and time zone were saved."))

    notify(
        recipients=[french, english],
        kind="test",
        text=text,
        url="/profile/",
        event_key="locale:test",
    )

    by_user = dict(
        Notification.objects.filter(event_key="locale:test").values_list("recipient", "pk")
    )
    texts = dict(
        Notification.objects.filter(event_key="locale:test").values_list("recipient", "text")
    )
    assert texts == {french.pk: SAVED_FR, english.pk: "Your language and time zone were saved."}
    for notification_id in by_user.values():
        assert notification_email_deliver(notification_id=notification_id, final_attempt=True) == (
            "sent"
        )
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "fr@example.org": f"Joined Forces : {SAVED_FR}",
        "en@example.org": "Joined Forces: Your language and time zone were saved.",
    }
    french_body = next(m.body for m in mail.outbox if m.to == ["fr@example.org"])
    assert SAVED_FR in french_body
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaked into this thread
