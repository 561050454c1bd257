"""The schema tells the truth (issue 10): every status an operation can answer is documented
with its body; `version` is required on updates; a request without credentials is a 401 with
`WWW-Authenticate: Token`; a 429 says `Retry-After`. `tests/test_fuzz_api.py` checks the
answers against the schema; these pin the rules themselves."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.models import Notification, Organisation, User
from tests.conftest import api_as
from tests.factories import make_user

ERROR = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERROR = {"$ref": "#/components/schemas/ValidationError"}


@pytest.fixture(scope="module")
def schema(module_db: Any) -> dict[str, Any]:
    """Generated once for the module: it follows the code, not the data (asked by someone
    signed in who belongs nowhere, so the module's tests find no row of theirs)."""
    with module_db.unblock():
        response = api_as(make_user("schema-reader")).get(
            "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
    assert response.status_code == 200
    return dict(response.json())


def body(response: dict[str, Any]) -> Any:
    return response["content"]["application/json"]["schema"]


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), route, operation)
        for route, item in schema["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    ]


# --- what each kind of operation documents --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "route", "statuses"),
    [
        ("GET", "/api/v1/users/me/", {"200", "401", "429"}),
        ("GET", "/api/v1/plans/", {"200", "400", "401", "404", "429"}),
        ("POST", "/api/v1/plans/", {"201", "400", "401", "403", "415", "429"}),
        ("GET", "/api/v1/plans/{id}/", {"200", "401", "404", "429"}),
        ("PUT", "/api/v1/plans/{id}/", {"200", "400", "401", "403", "404", "409", "415", "429"}),
        ("PATCH", "/api/v1/plans/{id}/", {"200", "400", "401", "403", "404", "409", "415", "429"}),
        ("POST", "/api/v1/plans/{id}/submit/", {"200", "400", "401", "403", "404", "429"}),
        (
            "POST",
            "/api/v1/plans/{id}/review/",
            {"200", "400", "401", "403", "404", "409", "415", "429"},
        ),
        ("DELETE", "/api/v1/activities/{id}/", {"204", "400", "401", "403", "404", "429"}),
        ("GET", "/api/v1/organisations/{id}/members/", {"200", "401", "403", "404", "429"}),
        ("GET", "/api/v1/reports/{id}/download/", {"200", "401", "404", "429"}),
        ("POST", "/api/v1/auth/token/", {"200", "400", "415", "429"}),
    ],
)
def test_operations_document_every_status_they_can_answer(
    schema: dict[str, Any], method: str, route: str, statuses: set[str]
) -> None:
    assert set(schema["paths"][route][method.lower()]["responses"]) == statuses


def test_every_error_has_its_body_and_headers(schema: dict[str, Any]) -> None:
    checked = 0
    for method, route, operation in operations(schema):
        for code, response in operation["responses"].items():
            where = f"{method} {route} {code}"
            if code == "400":
                if route != "/api/v1/auth/token/":  # which names its fields itself
                    assert body(response) == VALIDATION_ERROR, where
            elif code == "409":
                success = next(r for c, r in operation["responses"].items() if c.startswith("2"))
                stale = body(response)["$ref"].rsplit("/", 1)[-1]
                assert schema["components"]["schemas"][stale]["properties"]["current"] == body(
                    success
                ), where
            elif code.startswith("4"):
                assert body(response) == ERROR, where
            if code == "401":
                assert response["headers"]["WWW-Authenticate"]["required"] is True, where
            if code == "429":
                assert response["headers"]["Retry-After"]["schema"]["type"] == "integer", where
            checked += code >= "400"
    assert checked > 400  # about 90 operations with several errors each


def test_every_operation_but_signing_in_needs_credentials_and_says_so(
    schema: dict[str, Any],
) -> None:
    open_operations = []
    for method, route, operation in operations(schema):
        if "401" not in operation["responses"]:
            open_operations.append((method, route))
            assert operation["security"] == [{}]
        else:
            assert operation["security"] == [{"tokenAuth": []}, {"cookieAuth": []}], route
    assert open_operations == [("POST", "/api/v1/auth/token/")]


def test_an_empty_filter_or_page_is_documented_as_not_given(
    schema: dict[str, Any], member: User
) -> None:
    parameters = schema["paths"]["/api/v1/glossary/"]["get"]["parameters"]
    assert {p["name"]: p.get("allowEmptyValue") for p in parameters} == {
        "page": True,
        "search": True,
        "status": True,
    }
    everything = api_as(member).get("/api/v1/glossary/").json()
    assert api_as(member).get("/api/v1/glossary/?status=&page=&search=").json() == everything


def test_updates_require_the_version_and_take_if_match(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    plan = schema["paths"]["/api/v1/plans/{id}/"]
    put, patch = plan["put"], plan["patch"]
    assert body(put["requestBody"]) == {"$ref": "#/components/schemas/PlanUpdate"}
    assert body(patch["requestBody"]) == {"$ref": "#/components/schemas/PatchedPlanUpdate"}
    assert components["PatchedPlanUpdate"]["required"] == ["version"]
    assert "version" in components["PlanUpdate"]["required"]
    # Creating needs no version: the create-and-answer component is left as it was.
    assert "version" not in components["Plan"]["required"]
    # A milestone stays with its plan: on an update `plan` is read-only, not required.
    assert components["MilestoneUpdate"]["required"] == ["due_date", "id", "title", "version"]
    assert components["MilestoneUpdate"]["properties"]["plan"]["readOnly"] is True
    assert {
        "in": "header",
        "name": "If-Match",
        "required": False,
        "description": (
            "The ETag of the version you edited, as an alternative to `version` in the body; "
            "when both are sent they must name the same version."
        ),
        "schema": {"type": "string", "pattern": '^((W/)?"[0-9]+")?$'},
    } in patch["parameters"]
    assert put["responses"]["200"]["headers"]["ETag"]["required"] is True
    assert plan["get"]["responses"]["200"]["headers"]["ETag"]["required"] is True


def test_a_throttled_view_documents_429_and_says_retry_after() -> None:
    class Once(AnonRateThrottle):
        rate = "1/minute"
        cache_format = "test-schema-throttle-%(scope)s-%(ident)s"

    class Throttled(APIView):
        authentication_classes = ()
        permission_classes = ()
        throttle_classes = (Once,)

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    generated = SchemaGenerator(patterns=[path("throttled/", Throttled.as_view())]).get_schema(
        request=None, public=True
    )
    responses = generated["paths"]["/throttled/"]["get"]["responses"]
    assert set(responses) == {"200", "429"}
    assert responses["429"]["headers"]["Retry-After"]["required"] is True

    view = Throttled.as_view()
    factory = APIRequestFactory()
    assert view(factory.get("/throttled/")).status_code == 200
    refused = view(factory.get("/throttled/"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert set(refused.data) == {"detail"}


# --- credentials ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/plans/"),
        ("get", "/api/v1/users/me/"),
        ("post", "/api/v1/plans/"),
        ("patch", "/api/v1/organisations/1/"),
    ],
)
def test_no_credentials_is_401_with_www_authenticate_token(method: str, url: str) -> None:
    response = getattr(APIClient(), method)(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.django_db
def test_the_schema_and_its_docs_ask_for_credentials_too() -> None:
    for url in ("/api/schema/", "/api/docs/"):
        response = APIClient().get(url)
        assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token"), url


@pytest.mark.django_db
def test_a_wrong_token_is_401_too() -> None:
    response = APIClient().get("/api/v1/users/me/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}


def test_an_empty_session_cookie_beside_a_valid_token_changes_nothing(
    member: User, home_org: Organisation
) -> None:
    token = Token.objects.create(user=member).key
    plain = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    with_cookie = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    with_cookie.cookies["sessionid"] = ""
    for client in (plain, with_cookie):
        response = client.get("/api/v1/users/me/")
        assert (response.status_code, response.json()["username"]) == (200, "member")
        # Unsafe methods too: a token needs no CSRF token, whatever cookie comes along.
        marked = client.post("/api/v1/notifications/read-all/")
        assert (marked.status_code, marked.json()) == (200, {"marked": 0})


def test_a_stale_token_does_not_stand_in_the_way_of_a_new_one(member: User) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "member", "password": "correct-horse-battery-staple"},
        format="json",
        HTTP_AUTHORIZATION="Token long-gone",
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=member).key}


def test_sessions_still_open_the_pages_the_browsable_api_and_swagger(
    member: User, home_org: Organisation
) -> None:
    client = Client()
    client.force_login(member)
    assert client.get("/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200
    api = client.get("/api/v1/users/me/", HTTP_ACCEPT="application/json")
    assert (api.status_code, api.json()["username"]) == (200, "member")
    browsable = client.get("/api/v1/organisations/", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    assert browsable["Content-Type"] == "text/html; charset=utf-8"
    # A session still needs its CSRF token for a change.
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(member)
    refused = checked.post("/api/v1/notifications/read-all/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF cookie not set."}


# --- answers that used to be HTML or silent -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/0.5/",
        "/api/v1/field-reports/1/attachments/x/",
        "/api/v1/nothing/",
        "/api/",
        "/api/v1/lines-of-effort/%C3%8C.%0A%20/",
    ],
)
def test_a_path_no_api_route_matches_is_a_404_in_json(member: User, url: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    for response in (client.get(url), client.post(url), client.delete(url)):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("?unread=maybe", {"unread": ["Send true or false."]}),
        ("?unread=null", {"unread": ["Send true or false."]}),
        ("?kind=x&unread=0.4", {"unread": ["Send true or false."]}),
    ],
)
def test_a_filter_value_that_means_nothing_is_a_400(
    member: User, query: str, errors: dict[str, list[str]]
) -> None:
    response = api_as(member).get(f"/api/v1/notifications/{query}")
    assert (response.status_code, response.json()) == (400, errors)


def test_ids_in_filters_are_whole_numbers(member: User, home_org: Organisation) -> None:
    client = api_as(member)
    for url, name in [
        ("/api/v1/plans/?participant=0.5", "participant"),
        ("/api/v1/indicators/?goal=1.5", "goal"),
        ("/api/v1/activities/?plan=abc", "plan"),
    ]:
        response = client.get(url)
        assert (response.status_code, response.json()) == (400, {name: ["Enter a whole number."]})
    found = client.get(f"/api/v1/organisations/?is_active=true&kind={home_org.kind}").json()
    assert [row["id"] for row in found["results"]] == [home_org.pk]
    refused = client.get("/api/v1/organisations/?is_active=perhaps")
    assert (refused.status_code, refused.json()) == (400, {"is_active": ["Send true or false."]})


def test_a_yes_or_no_filter_of_posts_is_checked_too(member: User) -> None:
    response = api_as(member).get("/api/v1/posts/?is_commander_post=maybe")
    assert (response.status_code, response.json()) == (
        400,
        {"is_commander_post": ["Send true or false."]},
    )
    assert api_as(member).get("/api/v1/posts/?is_commander_post=true").status_code == 200


def test_yes_and_no_filters_still_filter(member: User, home_org: Organisation) -> None:
    for kind in ("test.read", "test.unread"):
        Notification.objects.create(recipient=member, kind=kind, text=kind, event_key=kind)
    Notification.objects.filter(kind="test.read").update(read_at="2026-01-01T00:00Z")
    client = api_as(member)
    for value, kinds in [
        ("true", ["test.unread"]),
        ("1", ["test.unread"]),
        ("false", ["test.read"]),
    ]:
        found = client.get(f"/api/v1/notifications/?unread={value}").json()["results"]
        assert [row["kind"] for row in found] == kinds


def test_a_report_request_is_json_only(member: User, home_org: Organisation) -> None:
    response = api_as(member).post(
        "/api/v1/reports/", {"kind": "organisation_directory", "params": "format"}
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "multipart/form-data; boundary=BoUnDaRyStRiNg; '
        'charset=utf-8" in request.'
    }


def test_every_refused_sign_in_for_a_token_answers_in_json_and_the_lockout_says_retry_after(
    member: User,
) -> None:
    client = APIClient(REMOTE_ADDR="203.0.113.20")
    answers = [
        client.post(
            "/api/v1/auth/token/", {"username": "member", "password": "wrong"}, format="json"
        )
        for _ in range(6)
    ]
    # The fifth failure is answered as a failure (in JSON, not axes' lockout page); the lockout
    # starts with the next attempt.
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 400, 429]
    assert all(a["Content-Type"] == "application/json" for a in answers)
    assert answers[5]["Retry-After"] == "900"
    assert answers[5].json() == {
        "detail": "Too many failed sign-in attempts. Try again in 15 minutes."
    }
