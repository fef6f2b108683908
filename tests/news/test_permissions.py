"""Every role x every action x every surface, tried for real, against docs/roles.md."""

import pytest

from newscenter.news import policy
from tests import policy_matrix, policy_matrix_api  # noqa: F401  (the API's attempts)
from tests.builders import make_user
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db


def test_the_documented_table_is_the_policy():
    assert policy_matrix.documented_table() == policy_matrix.code_table()


def test_the_table_reader_notices_a_changed_cell():
    text = policy_matrix.ROLES_MD.read_text(encoding="utf-8")
    changed = text.replace(
        "| `site.settings` | no | no | yes |", "| `site.settings` | no | yes | yes |"
    )
    assert changed != text
    assert policy_matrix.documented_table(changed) != policy_matrix.code_table()


@pytest.mark.parametrize("role", policy_matrix.ROLES)
@pytest.mark.parametrize(("action", "surface"), sorted(policy_matrix.ATTEMPTS))
def test_each_surface_does_what_the_table_says(role, action, surface):
    user = make_user(role=role)
    actor = policy_matrix.Actor(role=role, user=user, client=staff_login(https_client(), user))
    cell = policy_matrix.documented_table()[action][role]
    for case in policy_matrix.cases(action):
        done = policy_matrix.ATTEMPTS[(action, surface)](actor, case)
        assert done is policy_matrix.expected(cell, case), (
            f"a {role} on {surface}, {action} ({case}): "
            f"{'done' if done else 'refused'}, the table says {cell!r}"
        )


def test_a_user_without_a_role_can_do_nothing_anywhere():
    user = make_user(role=None)
    user.is_staff = True  # let into the admin, holding no newsroom role
    user.save()
    actor = policy_matrix.Actor(role="", user=user, client=staff_login(https_client(), user))
    for (action, surface), attempt in sorted(policy_matrix.ATTEMPTS.items()):
        for case in policy_matrix.cases(action):
            assert not attempt(actor, case), f"no role, {surface}, {action} ({case}): done"


UNTRIED = sorted(set(policy.POLICY) - {action for action, _surface in policy_matrix.ATTEMPTS})


def test_every_action_is_tried_on_some_surface():
    assert UNTRIED == []
