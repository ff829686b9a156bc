"""SPEC section 5: PATCH /api/v2/recordings/{uuid} with JSON or form bodies."""
import json

import pytest

import rest_world
from conftest import Api, assert_rest_error


@pytest.fixture(scope="module")
def w(cli, server):
    world = rest_world.build(cli)
    world["api"] = {role: Api(server.url, tok) for role, tok in world["tokens"].items()}
    return world


def patch_json(api, uuid, body, content_type="application/json"):
    return api.patch(f"/api/v2/recordings/{uuid}", data=json.dumps(body),
                     headers={"Content-Type": content_type})


def test_admin_patch_with_json_answers_the_whole_updated_recording(w):
    uuid = w["all_a"][0]
    before = w["api"]["admin"].get(f"/api/v2/recordings/{uuid}").json()
    r = patch_json(w["api"]["admin"], uuid, {"recording": {
        "title": "Updated Title", "summary": "New summary", "description": "Updated description"}})
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["title"] == "Updated Title"
    assert after["summary"] == "New summary"
    assert after["description"] == "Updated description"
    assert after["metadata"]["updated_at"] > before["metadata"]["updated_at"]
    assert after["metadata"]["created_at"] == before["metadata"]["created_at"]
    assert w["api"]["admin"].get(f"/api/v2/recordings/{uuid}").json() == after


def test_owner_has_every_admin_right(w):
    r = patch_json(w["api"]["owner"], w["all_a"][1], {"recording": {"title": "By owner"}})
    assert r.status_code == 200
    assert r.json()["title"] == "By owner"


def test_any_subset_leaves_the_rest_alone(w):
    uuid = w["all_a"][2]
    before = w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json()
    after = patch_json(w["api"]["owner"], uuid, {"recording": {"summary": "only"}}).json()
    assert after["summary"] == "only"
    assert after["title"] == before["title"]
    assert after["description"] == before["description"]


def test_summary_and_description_may_be_null(w):
    uuid = w["all_a"][3]
    after = patch_json(w["api"]["owner"], uuid,
                       {"recording": {"summary": None, "description": None}}).json()
    assert after["summary"] is None and after["description"] is None


def test_other_keys_are_ignored(w):
    uuid = w["all_a"][4]
    r = patch_json(w["api"]["owner"], uuid,
                   {"recording": {"title": "T", "uuid": "x", "metadata": {"duration": 1}},
                    "other": 1})
    assert r.status_code == 200
    assert r.json()["uuid"] == uuid
    assert r.json()["metadata"]["duration"] != 1


def test_form_encoded_body(w):
    uuid = w["all_a"][5]
    r = w["api"]["owner"].patch(f"/api/v2/recordings/{uuid}",
                                data={"recording[title]": "Form title",
                                      "recording[summary]": "caf\u00e9 & more"})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Form title"
    assert r.json()["summary"] == "caf\u00e9 & more"


def test_json_with_charset_and_vendor_type(w):
    uuid = w["all_a"][6]
    assert patch_json(w["api"]["owner"], uuid, {"recording": {"title": "a"}},
                      "application/json; charset=utf-8").status_code == 200
    assert patch_json(w["api"]["owner"], uuid, {"recording": {"title": "b"}},
                      "application/vnd.api+json").status_code == 200


@pytest.mark.parametrize("role", ["member", "editor"])
def test_patch_by_non_admin_is_403(w, role):
    mine = w["by_role"][role][0]
    body = assert_rest_error(patch_json(w["api"][role], mine, {"recording": {"title": "x"}}), 403)
    assert "admin" in body["error"]["message"]


def test_none_of_the_three_is_422(w):
    for body in [{"recording": {}}, {"recording": {"other": 1}}, {}]:
        assert_rest_error(patch_json(w["api"]["owner"], w["all_a"][0], body), 422)


@pytest.mark.parametrize("field,value", [
    ("title", ""), ("title", None), ("title", "x" * 256), ("title", 5), ("title", ["a"]),
    ("summary", 5), ("summary", "x" * 65536), ("description", {"a": 1}),
    ("description", "y" * 65536),
])
def test_invalid_field_is_422_naming_it(w, field, value):
    body = assert_rest_error(
        patch_json(w["api"]["owner"], w["all_a"][0], {"recording": {field: value}}), 422)
    assert field in body["error"]["message"]


def test_lengths_count_characters_not_bytes(w):
    uuid = w["all_a"][7]
    title = "\u00e9" * 255  # 510 bytes, 255 characters
    r = patch_json(w["api"]["owner"], uuid, {"recording": {"title": title}})
    assert r.status_code == 200
    assert r.json()["title"] == title
    emoji = "\U0001F3A5" * 256
    assert_rest_error(patch_json(w["api"]["owner"], uuid, {"recording": {"title": emoji}}), 422)
    big = "\u20ac" * 65535
    assert patch_json(w["api"]["owner"], uuid,
                      {"recording": {"description": big}}).status_code == 200


def test_malformed_json_is_400(w):
    r = w["api"]["owner"].patch(f"/api/v2/recordings/{w['all_a'][0]}", data="{not json",
                                headers={"Content-Type": "application/json"})
    assert_rest_error(r, 400)


def test_json_that_is_not_an_object_is_400(w):
    assert_rest_error(patch_json(w["api"]["owner"], w["all_a"][0], ["a"]), 400)


def test_recording_not_an_object_is_422(w):
    assert_rest_error(patch_json(w["api"]["owner"], w["all_a"][0], {"recording": "x"}), 422)


def test_empty_body_is_400(w):
    r = w["api"]["owner"].patch(f"/api/v2/recordings/{w['all_a'][0]}", data=b"",
                                headers={"Content-Type": "application/json"})
    assert_rest_error(r, 400)


def test_invalid_utf8_body_is_400(w):
    r = w["api"]["owner"].patch(f"/api/v2/recordings/{w['all_a'][0]}",
                                data=b'{"recording": {"title": "\xff\xfe"}}',
                                headers={"Content-Type": "application/json"})
    assert_rest_error(r, 400)
    r = w["api"]["owner"].patch(f"/api/v2/recordings/{w['all_a'][0]}",
                                data=b"recording[title]=%ff",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_rest_error(r, 400)


def test_unsupported_body_type_is_415(w):
    for ctype in ["text/plain", "multipart/form-data; boundary=x", "application/xml"]:
        r = w["api"]["owner"].patch(f"/api/v2/recordings/{w['all_a'][0]}", data="title=x",
                                    headers={"Content-Type": ctype})
        assert_rest_error(r, 415)


def test_unknown_uuid_is_404(w):
    assert_rest_error(patch_json(w["api"]["owner"], "0190c3c4-5b6a-7c8d-9e0f-ffffffffffff",
                                 {"recording": {"title": "x"}}), 404)


def test_nothing_changes_on_a_rejected_patch(w):
    uuid = w["all_a"][8]
    before = w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json()
    patch_json(w["api"]["owner"], uuid, {"recording": {"title": "", "summary": "s2"}})
    patch_json(w["api"]["member"], uuid, {"recording": {"title": "by member"}})
    assert w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json() == before


def test_errors_carry_no_internals(w):
    r = patch_json(w["api"]["owner"], w["all_a"][0], {"recording": {"title": "x" * 300}})
    for word in ["sqlite", "SELECT", "UPDATE", ".c:", "Traceback"]:
        assert word not in r.text


def test_rows_without_a_stored_rendering_answer_the_same(cli, w):
    """Rows written before the rendered column existed are rendered on read, identically."""
    uuid = w["all_a"][9]
    before = w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json()
    before_v1 = w["api"]["owner"].get(f"/api/v1/recordings/{uuid}").json()
    # Such a row keeps every field in its columns (rows written since keep them in rendered).
    m, t = before["metadata"], before["technical_details"]
    cli.sql("UPDATE recordings SET rendered = NULL, title = ?, summary = ?, description = ?, "
            "duration = ?, impressions_count = ?, recording_type = ?, recording_source = ?, "
            "url = ?, helpdesk_info = ?, vendor = ?, ip_address = ?, timezone = ?, "
            "network_type = ?, isp = ?, console_logs = ?, user_name = ? WHERE id = ?",
            before["title"], before["summary"], before["description"], m["duration"],
            m["impressions_count"], m["recording_type"], m["recording_source"], m["url"],
            json.dumps(m["helpdesk_info"], separators=(",", ":")), t["vendor"],
            t["ip_address"], t["timezone"], t["network_type"], t["isp"],
            before["console_logs"], before["user"]["name"], uuid)
    assert w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json() == before
    assert w["api"]["owner"].get(f"/api/v1/recordings/{uuid}").json() == before_v1
    r = patch_json(w["api"]["owner"], uuid, {"recording": {"summary": "from fields"}})
    assert r.status_code == 200
    after = r.json()
    assert after["summary"] == "from fields"
    assert after["metadata"]["helpdesk_info"] == before["metadata"]["helpdesk_info"]
    assert w["api"]["owner"].get(f"/api/v2/recordings/{uuid}").json() == after
