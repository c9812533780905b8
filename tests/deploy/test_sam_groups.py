"""The SAM template's group assignment (exactly AdminAddUserToGroup on the pool, the post-sign-in triggers when
groups are mapped, the alarm on the metric the group step emits) and a cognito store's reads of its old pool."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_migrate.cognito_api import GROUP_OPERATIONS
from cognito_migrate.observability import GROUPS_FAILED_METRIC
from tests.deploy import test_sam_template as sam


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return dict(sam.template.__wrapped__())  # type: ignore[attr-defined]


def test_the_function_may_add_users_to_groups_of_its_pool_and_nothing_else(template: dict[str, Any]) -> None:
    policy = template["Resources"]["AssignGroupsPolicy"]
    assert policy["Condition"] == "HasGroups"
    assert policy["Properties"]["RoleName"] == {"Ref": "TriggerRole"}
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "cognito-idp:AdminAddUserToGroup"
    assert [f"cognito-idp:{op}" for op in GROUP_OPERATIONS] == [statement["Action"]]
    new_pool, existing_pool = statement["Resource"]["Fn::If"][1:]
    assert new_pool == {"Fn::GetAtt": ["UserPool", "Arn"]}
    assert existing_pool["Fn::Sub"][0].endswith(":userpool/${UserPoolId}")  # one pool, never userpool/*


def test_mapped_groups_attach_the_post_sign_in_triggers_to_a_new_pool(template: dict[str, Any]) -> None:
    conditions = template["Conditions"]
    assert conditions["HasGroups"] == {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "GroupNames"}]}, ""]}]}
    either = conditions["CreatePoolWithPostTriggers"]["Fn::And"][1]["Fn::Or"]
    assert {"Condition": "HasGroups"} in either and {"Condition": "HasLedger"} in either


def test_the_groups_alarm_watches_the_metric_the_trigger_emits(template: dict[str, Any]) -> None:
    alarm = template["Resources"]["GroupsFailedAlarm"]
    assert alarm["Condition"] == "HasGroups"
    assert alarm["Properties"]["MetricName"] == GROUPS_FAILED_METRIC
    assert alarm["Properties"]["Namespace"] == "CognitoMigrate"


def test_a_cognito_store_may_read_exactly_its_old_pool(template: dict[str, Any]) -> None:
    from cognito_migrate.stores.cognito import CognitoUserStore

    policies = template["Resources"]["TriggerRole"]["Properties"]["Policies"]
    conditional = {p["Fn::If"][0]: p["Fn::If"][1] for p in policies if "Fn::If" in p}
    [read] = conditional["HasLegacyPool"]["PolicyDocument"]["Statement"]
    [admin] = conditional["HasLegacyPoolAdminAuth"]["PolicyDocument"]["Statement"]
    assert read["Action"] == ["cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser"]
    assert admin["Action"] == "cognito-idp:AdminInitiateAuth"
    for statement in (read, admin):
        assert statement["Resource"]["Fn::Sub"][0].endswith(":userpool/${LegacyUserPoolId}")  # one pool
    assert template["Conditions"]["HasLegacyPoolAdminAuth"]["Fn::And"][0] == {"Condition": "HasLegacyPool"}
    # the calls the store makes on the trigger's path are the ones granted (InitiateAuth needs no permission)
    source = __import__("inspect").getsource(CognitoUserStore)
    for operation in ("admin_get_user", "admin_list_groups_for_user", "admin_initiate_auth", "initiate_auth"):
        assert f'"{operation}"' in source
