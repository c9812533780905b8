"""The SAM template's ledger: the table, exactly the permissions the trigger uses, the post-sign-in
triggers, the throttle switch, the alarm and the dashboard on the metrics the trigger emits."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cognito_migrate.ledger.dynamodb import TRIGGER_OPERATIONS
from cognito_migrate.observability import METRICS
from tests.deploy import test_sam_template as sam

_of_type, _policy_statements = sam._of_type, sam._policy_statements


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    template = sam.template.__wrapped__()  # type: ignore[attr-defined]
    return dict(template["Resources"])


def test_the_ledger_table_is_on_demand_with_ttl_and_retained(resources: dict[str, Any]) -> None:
    table = resources["LedgerTable"]
    assert table["Condition"] == "HasLedger"
    assert table["DeletionPolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_function_may_call_exactly_what_the_trigger_calls_on_the_table(resources: dict[str, Any]) -> None:
    (role,) = _of_type(resources, "AWS::IAM::Role")
    statements = [s for s in _policy_statements(role) if any(a.startswith("dynamodb:") for a in s["Action"])]
    assert len(statements) == 1
    assert sorted(statements[0]["Action"]) == sorted(f"dynamodb:{op}" for op in TRIGGER_OPERATIONS)
    assert statements[0]["Resource"] == {"Fn::GetAtt": ["LedgerTable", "Arn"]}


def test_the_function_finds_the_ledger_and_its_key(resources: dict[str, Any]) -> None:
    env = resources["MigrateUserFunction"]["Properties"]["Environment"]["Variables"]
    url = env["COGNITO_MIGRATE_LEDGER_URL"]["Fn::If"]
    assert url[0] == "HasLedger"
    assert url[1] == {"Fn::Sub": "dynamodb://${LedgerTable}?region=${AWS::Region}"}
    assert env["COGNITO_MIGRATE_LEDGER_HASH_KEY"]["Fn::If"][1] == {"Fn::Sub": "secretsmanager:${LedgerHashKey}"}
    assert env["COGNITO_MIGRATE_THROTTLE_MAX_FAILURES"]["Fn::If"][0] == "HasThrottle"


def test_a_new_pool_confirms_migrations_through_post_sign_in_triggers(resources: dict[str, Any]) -> None:
    config = resources["UserPool"]["Properties"]["LambdaConfig"]
    # the same function as the migration trigger: its "live" alias with SnapStart, $LATEST without
    the_trigger = config["UserMigration"]
    assert the_trigger["Fn::If"][2] == {"Fn::GetAtt": ["MigrateUserFunction", "Arn"]}
    for trigger in ("PostAuthentication", "PostConfirmation"):
        assert config[trigger]["Fn::If"][:2] == ["CreatePoolWithPostTriggers", the_trigger]


def test_the_ledger_alarm_watches_the_metric_the_trigger_emits(resources: dict[str, Any]) -> None:
    alarm = resources["LedgerUnavailableAlarm"]["Properties"]
    assert alarm["MetricName"] == "LedgerUnavailable" and alarm["MetricName"] in METRICS
    assert alarm["Namespace"] == "CognitoMigrate"


def test_the_dashboard_shows_every_metric_the_trigger_emits(resources: dict[str, Any]) -> None:
    body_template, variables = resources["MigrationDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    body = re.sub(r"\$\{[\w:]+\}", "x", body_template)
    widgets = json.loads(body)["widgets"]
    shown = {m[1] for w in widgets for m in w["properties"]["metrics"] if m[0] == "CognitoMigrate"}
    assert shown == set(METRICS)
    assert variables["Service"] == {"Ref": "MetricsService"}
