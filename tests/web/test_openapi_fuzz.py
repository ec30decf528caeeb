"""The API describes itself: schemathesis fuzzes every operation of the served OpenAPI document
on a real server (loopback), and no answer is a 5xx or differs from what the document declares."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from webutil import app, cheap_hashing, live_server, local_app, token_for, world, write_predictions  # noqa: F401

#: Examples per operation: enough to reach every declared status, few enough for a short run.
EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_document_declares_security_errors_and_schemas(local_app):
    doc = local_app.openapi()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {"type": "http", "scheme": "bearer", "description": schemes["bearerToken"]["description"]}
    assert schemes["sessionCookie"]["in"] == "cookie" and schemes["sessionCookie"]["name"] == "scrimmage_session"
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, f"{method} {path} declares no success"
            for code in ok:
                content = op["responses"][code].get("content", {})
                schema = content.get("application/json", {}).get("schema")
                assert code == "204" or schema != {} and content, f"{method} {path} answers an undescribed body"
            for code, answer in op["responses"].items():
                if code[0] in "45":
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorOut", f"{method} {path} {code}"
    upload = doc["paths"]["/api/competitions/{ref}/submissions"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "422", "429", "507"} <= set(upload)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the store's behaviour is checked elsewhere on both
def test_schemathesis_finds_no_server_error_and_no_schema_violation(world, app, tmp_path):
    a = app.state.arena
    sub = a.submit("tiny", write_predictions(tmp_path / "p.csv", world["folder"], 0.3), "first", user="pat")
    headers = token_for(app, "pat")
    for _ in range(30):  # the token under test is not one a fuzzed small id revokes
        a.accounts.create_token("quin", "spare")
    # besides free values, each operation is fuzzed on the real competition, file and submission
    real = {"ref": "tiny", "name": "train.csv", "sub_id": sub.id}
    with live_server(app) as url:
        schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        # revoking and logging out last: they may end what the other operations use
        operations.sort(key=lambda op: (op.method.upper() == "DELETE" or op.path.endswith("/sessions/end"), op.label))
        assert len(operations) >= 16
        seen: dict[str, set[int]] = {}
        for op in operations:
            names = {p.name for p in op.path_parameters}
            variants = [None] + ([{k: v for k, v in real.items() if k in names}] if names & set(real) else [])
            for fixed in variants:
                @given(case=op.as_strategy(path_parameters=fixed))
                @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
                def fuzz(case):
                    response = case.call_and_validate(base_url=url, headers=headers, checks=CHECKS, timeout=60)
                    seen.setdefault(op.label, set()).add(response.status_code)

                fuzz()
        assert set(seen) == {op.label for op in operations}
        # the real competition was reached: its answers are not all "not found"
        on_tiny = [seen[label] for label in seen if "{ref}" in label]
        assert sum(bool(codes - {404}) for codes in on_tiny) >= 8, seen
