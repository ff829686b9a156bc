"""SPEC sections 3 and 5: GET /api/v2/recordings and /api/v2/recordings/{uuid}."""
import re

import pytest

import rest_world
from conftest import Api, assert_rest_error

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PAGINATION_KEYS = {"next_page", "prev_page", "last_page", "page", "items", "pages", "from", "to",
                   "count"}


@pytest.fixture(scope="module")
def w(cli, server):
    world = rest_world.build(cli)
    world["api"] = {role: Api(server.url, tok) for role, tok in world["tokens"].items()}
    return world


def test_list_has_pagination_with_all_nine_keys_and_records(w):
    body = w["api"]["owner"].get("/api/v2/recordings").json()
    assert set(body) == {"pagination", "records"}
    assert set(body["pagination"]) == PAGINATION_KEYS
    p = body["pagination"]
    assert p == {"next_page": None, "prev_page": None, "last_page": 1, "page": 1, "items": 12,
                 "pages": 1, "from": 1, "to": 12, "count": 12}


def test_recordings_are_newest_first(w):
    body = w["api"]["owner"].get("/api/v2/recordings").json()
    assert [r["uuid"] for r in body["records"]] == w["all_a"]


def test_recording_object_has_exactly_the_documented_shape(w):
    uuid = w["all_a"][0]
    r = w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json()
    assert set(r) == {"uuid", "title", "summary", "description", "metadata",
                      "technical_details", "console_logs", "customer", "user"}
    assert set(r["metadata"]) == {"created_at", "updated_at", "duration", "impressions_count",
                                  "recording_type", "recording_source", "url", "helpdesk_info"}
    assert set(r["technical_details"]) == {"vendor", "ip_address", "timezone", "network_type",
                                           "isp"}
    assert set(r["customer"]) == {"email"}
    assert set(r["user"]) == {"email", "name"}
    assert ISO_MS.match(r["metadata"]["created_at"])
    assert ISO_MS.match(r["metadata"]["updated_at"])
    assert isinstance(r["metadata"]["duration"], int)
    assert isinstance(r["metadata"]["impressions_count"], int)


def test_recording_values_are_what_was_stored(w):
    uuid = w["all_a"][0]
    src = w["recordings"][uuid]
    r = w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json()
    assert r["uuid"] == uuid
    assert r["title"] == src["title"]
    assert r["description"] == src["description"]
    assert r["metadata"]["created_at"] == src["metadata"]["created_at"]
    assert r["metadata"]["helpdesk_info"] == src["metadata"]["helpdesk_info"]
    assert r["customer"]["email"] == src["customer"]["email"]
    assert r["user"]["email"] == src["user_email"]


def test_missing_strings_are_null_never_omitted(w):
    odd = [u for u in w["all_a"] if w["recordings"][u]["description"] is None][0]
    r = w["api"]["owner"].get(f"/api/v2/recordings/{odd}").json()
    assert "description" in r and r["description"] is None


def test_customer_and_user_are_always_objects(cli, w):
    rec = rest_world.recording(200, "owner@a.test", customer=None)
    rec["uuid"] = "0190c3c4-5b6a-7c8d-9e0f-0000000000c8"
    rec["metadata"] = {"created_at": "2025-01-01T00:00:00.000Z"}
    del rec["technical_details"]
    cli.import_recordings(w["a"], [rec])
    r = w["api"]["owner"].get(f"/api/v2/recordings/{rec['uuid']}").json()
    assert r["customer"] == {"email": None}
    assert r["metadata"]["helpdesk_info"] == {}
    assert r["technical_details"] == {"vendor": None, "ip_address": None, "timezone": None,
                                      "network_type": None, "isp": None}
    w["all_a"].append(rec["uuid"])
    w["by_role"]["owner"].append(rec["uuid"])


def test_items_is_the_number_of_records_on_the_page(w):
    body = w["api"]["owner"].get("/api/v2/recordings?items=5&page=3").json()
    count = len(w["all_a"])
    p = body["pagination"]
    assert p["items"] == len(body["records"]) == count - 10
    assert p["from"] == 11 and p["to"] == count
    assert p["pages"] == p["last_page"] == 3
    assert p["next_page"] is None and p["prev_page"] == 2


def test_pages_walk_the_whole_set_without_repeats(w):
    seen = []
    page = 1
    while True:
        body = w["api"]["owner"].get(f"/api/v2/recordings?items=4&page={page}").json()
        seen += [r["uuid"] for r in body["records"]]
        if body["pagination"]["next_page"] is None:
            break
        page = body["pagination"]["next_page"]
    assert seen == w["all_a"]


def test_page_past_the_last_is_empty_with_prev_page_the_last(w):
    body = w["api"]["owner"].get("/api/v2/recordings?items=5&page=9").json()
    p = body["pagination"]
    assert body["records"] == []
    assert p["items"] == 0 and p["from"] == 0 and p["to"] == 0
    assert p["prev_page"] == p["last_page"] == 3
    assert p["next_page"] is None
    assert p["page"] == 9


def test_items_over_100_is_clamped(w):
    p = w["api"]["owner"].get("/api/v2/recordings?items=1000").json()["pagination"]
    assert p["pages"] == 1


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=1.5", "items=0",
                                   "items=-5", "items=x", "page=", "items="])
def test_page_or_items_not_a_positive_integer_is_400(w, query):
    assert_rest_error(w["api"]["owner"].get(f"/api/v2/recordings?{query}"), 400)


def test_filter_by_ticket_id_and_provider(w):
    api = w["api"]["owner"]
    expected = [u for u in w["all_a"]
                if w["recordings"].get(u, {}).get("metadata", {}).get("helpdesk_info", {})
                .get("ticket_id") == "101"]
    body = api.get("/api/v2/recordings?ticket_id=101").json()
    assert [r["uuid"] for r in body["records"]] == expected
    both = api.get("/api/v2/recordings?ticket_id=101&provider=zendesk").json()
    assert all(r["metadata"]["helpdesk_info"]["provider"] == "zendesk" for r in both["records"])
    assert both["pagination"]["count"] == len(both["records"]) < len(expected) + 1
    assert api.get("/api/v2/recordings?ticket_id=nope").json()["pagination"]["count"] == 0


def test_filter_by_times(w):
    api = w["api"]["owner"]
    body = api.get("/api/v2/recordings?created_after=2026-01-10T00:00:00Z").json()
    assert body["pagination"]["count"] == 4  # recordings 9 to 12: Jan 10 to Jan 13
    body = api.get("/api/v2/recordings?created_before=2026-01-03").json()
    assert body["pagination"]["count"] == 2  # Jan 2 and the 2025 one
    body = api.get("/api/v2/recordings?created_after=2026-01-02T00:00:00Z"
                   "&created_before=2026-01-05T00:00:00Z").json()
    assert [r["metadata"]["created_at"][:10] for r in body["records"]] == [
        "2026-01-04", "2026-01-03", "2026-01-02"]
    body = api.get("/api/v2/recordings?updated_after=2026-02-12T00:00:00Z").json()
    assert body["pagination"]["count"] == 2


def test_filter_by_customer_and_user_email_is_case_insensitive(w):
    api = w["api"]["owner"]
    body = api.get("/api/v2/recordings?customer_email=customer1@example.COM").json()
    assert body["pagination"]["count"] == 3
    assert all(r["customer"]["email"] == "Customer1@Example.com" for r in body["records"])
    body = api.get("/api/v2/recordings?user_email=MEMBER@a.test").json()
    assert [r["uuid"] for r in body["records"]] == [
        u for u in w["all_a"] if u in w["by_role"]["member"]]


@pytest.mark.parametrize("query", ["created_after=yesterday", "created_before=2026-13-01",
                                   "updated_after=1700000000", "ticket_id=", "provider=",
                                   "customer_email=", "user_email="])
def test_bad_filter_value_is_400(w, query):
    assert_rest_error(w["api"]["owner"].get(f"/api/v2/recordings?{query}"), 400)


def test_filters_keep_pagination_rules(w):
    body = w["api"]["owner"].get("/api/v2/recordings?provider=zendesk&items=2&page=2").json()
    p = body["pagination"]
    assert p["items"] == 2 and p["from"] == 3 and p["to"] == 4 and p["prev_page"] == 1


def test_unknown_uuid_is_404_with_documented_message(w):
    body = assert_rest_error(
        w["api"]["owner"].get("/api/v2/recordings/0190c3c4-5b6a-7c8d-9e0f-ffffffffffff"), 404)
    assert body["error"]["message"] == "Recording not found or does not exist"


def test_malformed_uuid_is_404(w):
    assert_rest_error(w["api"]["owner"].get("/api/v2/recordings/not-a-uuid"), 404)


def test_uuid_lookup_ignores_case(w):
    uuid = w["all_a"][0]
    assert w["api"]["owner"].get(f"/api/v2/recordings/{uuid.upper()}").status_code == 200


def test_admin_sees_every_recording(w):
    body = w["api"]["admin"].get("/api/v2/recordings").json()
    assert [r["uuid"] for r in body["records"]] == w["all_a"]


@pytest.mark.parametrize("role", ["member", "editor"])
def test_member_and_editor_see_only_their_own(w, role):
    api = w["api"][role]
    body = api.get("/api/v2/recordings").json()
    mine = [u for u in w["all_a"] if u in w["by_role"][role]]
    assert [r["uuid"] for r in body["records"]] == mine
    assert body["pagination"]["count"] == len(mine)
    other = [u for u in w["all_a"] if u not in w["by_role"][role]][0]
    assert_rest_error(api.get(f"/api/v2/recordings/{other}"), 404)
    assert api.get(f"/api/v2/recordings/{mine[0]}").status_code == 200
