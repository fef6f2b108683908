"""A token's scopes narrow its user's role: without the scope an action asks for, even an
administrator's token is refused it (the API's attempts of the permission matrix)."""

import pytest

from tests import policy_matrix, policy_matrix_api
from tests.builders import make_user
from tests.conftest import https_client

pytestmark = pytest.mark.django_db


def test_every_api_attempt_names_its_scope():
    on_api = sorted(action for action, surface in policy_matrix.ATTEMPTS if surface == "api")
    assert on_api == sorted(policy_matrix_api.SCOPE)


@pytest.mark.parametrize("action", sorted(policy_matrix_api.SCOPE))
def test_an_administrators_token_without_the_scope_is_refused(action):
    user = make_user(role="administrator")
    actor = policy_matrix.Actor(role="administrator", user=user, client=https_client())
    attempt = policy_matrix.ATTEMPTS[(action, "api")]
    scope = policy_matrix_api.SCOPE[action]
    for case in policy_matrix.cases(action):
        assert attempt(actor, case) is True, f"{action} ({case}) with every scope: refused"
        assert attempt(actor, case, without=scope) is False, f"{action} ({case}) without {scope}"
