"""A SCIM client over the Api helper, with the SCIM error shape check."""
import json

from conftest import Api

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


class Scim(Api):
    def send(self, method, path, body=None, headers=None):
        h = {"Content-Type": "application/scim+json", "Accept": "application/scim+json"}
        h.update(headers or {})
        data = json.dumps(body) if body is not None else None
        return self.request(method, "/scim/v2" + path, data=data, headers=h)

    def find(self, filter_text):
        import urllib.parse
        return self.send("GET", "/Users?filter=" + urllib.parse.quote(filter_text))


def assert_scim_error(resp, status, scim_type=None):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/scim+json")
    body = resp.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert isinstance(body["detail"], str) and body["detail"]
    if scim_type:
        assert body.get("scimType") == scim_type, body
    return body
