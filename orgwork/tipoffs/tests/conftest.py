import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.tipoffs import services

PASSWORD = "Zugong#2026"


@pytest.fixture(autouse=True)
def _fast_kdf(settings, tmp_path):
    """Argon2id at its minimum cost in tests (production: interactive); a clean cache; media in a temp dir."""
    settings.TIPOFFS_KDF_COST = "min"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office(users, tree, system):
    """The county's office, founded by `county`; `custodian` (another county admin) holds the custodian key,
    `handler2` the office key; the founder gave up the custodian key (separation of duties)."""
    User = get_user_model()
    founder = users["county"]
    custodian = User.objects.create_user(username="custodian", password=PASSWORD, first_name="保管人", is_staff=True)
    handler2 = User.objects.create_user(username="handler2", password=PASSWORD, first_name="办理人", is_staff=True)
    for u in (custodian, handler2):
        grant_role(actor=system, user=u, org=tree.county, role=Role.DEPT_ADMIN)
    actor = Actor.for_user(founder)
    o = services.setup_office(actor=actor, org_id=tree.county.pk, name="测试县委组织部12380举报受理室", password=PASSWORD)
    sk = services.unlock(user=founder, password=PASSWORD)
    services.unlock(user=custodian, password=PASSWORD)
    services.unlock(user=handler2, password=PASSWORD)
    services.grant_key(actor=actor, handler_key=sk, office_id=o.pk, user_id=custodian.pk, role="custodian")
    services.grant_key(actor=actor, handler_key=sk, office_id=o.pk, user_id=handler2.pk, role="handler")
    own = services._grant_of(o, founder, "custodian")
    services.revoke_grant(actor=actor, grant_id=own.pk, reason="职责分离：身份保管交保管人")
    o.founder, o.custodian, o.handler2 = founder, custodian, handler2
    return o


def submit(**over):
    values = dict(
        category="selection", person_name="王某某", person_unit="某局", person_post="局长", text="测试举报内容", anonymous=True,
    )
    values.update(over)
    return services.submit(actor=None, **values)
