"""docs/openapi.yaml: the document is well formed and the suite really checked answers."""
import jsonschema

from conftest import OPENAPI, VALIDATED, openapi_template


def test_every_schema_is_valid_json_schema():
    for name, schema in OPENAPI["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_templates_match_paths():
    assert openapi_template("/api/v2/users/search") == "/api/v2/users/search"
    assert openapi_template("/api/v2/users/a@b.c") == "/api/v2/users/{email}"
    assert openapi_template("/api/v2/recordings/x?y=1") == "/api/v2/recordings/{uuid}"
    assert openapi_template("/nope") is None


def test_the_suite_validated_answers():
    # Runs last (file order): the earlier modules sent hundreds of requests through Api.
    assert VALIDATED["count"] > 100
