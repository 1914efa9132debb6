"""schemathesis against our own OpenAPI: every operation, as a county administrator with a token, never a 5xx.

Stateless: each generated request runs in a savepoint that is rolled back, so cases do not build on each other.
Both schema-conforming (positive) and schema-violating (negative) requests are sent; path ids are random in half
the cases and point at real objects of the fixture tree in the other half, so handlers behind the lookups run too.

Budget: FUZZ_EXAMPLES cases per operation and mode (default 2: about a minute and a half on SQLite in CI). Locally, e.g.
    FUZZ_EXAMPLES=200 .venv/bin/pytest orgwork/core/tests/test_api_fuzz.py -q -s
prints how many cases ran. A failure lists each 5xx with the operation, the request and the start of the body.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, transaction  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from schemathesis.generation.modes import GenerationMode  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
SEED = os.environ.get("FUZZ_SEED")


def _openapi() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def fuzz_world(tree, users, make_member, system):
    """Real objects for the path ids: a member, a meeting, an applicant, a transfer, a notice."""
    from orgwork.lifecycle.services import transfers
    from orgwork.meetings import services as meeting_services
    from orgwork.recruitment import services as recruitment_services

    member = make_member(tree.village_a, name="王五", birth=dt.date(1985, 1, 1))
    other = make_member(tree.office_a, name="赵六", birth=dt.date(1980, 2, 2))
    meeting = meeting_services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=dt.date.today())
    transfer = transfers.start_within(actor=system, member_id=other.pk, to_org_id=tree.village_b.pk, reason="工作调动", on=dt.date.today())
    from orgwork.core import idcard

    applicant = recruitment_services.start_application(
        actor=system, org_id=tree.village_a.pk, applied_on=dt.date.today() - dt.timedelta(days=30), name="钱七",
        id_number=idcard.make("511526", dt.date(2000, 3, 3), 11), documents={"入党申请书": "SQ-1"},
    )  # fmt: skip
    return {
        "/api/v1/members/": member.pk,
        "/api/v1/orgs/": tree.village_a.pk,
        "/api/v1/meetings/": meeting.pk,
        "/api/v1/transfers/": transfer.pk,
        "/api/v1/recruitment/applicants/": applicant.pk,
        "/api/v1/elections/": None,
        "member_id": member.pk,
    }


def _real_path_parameters(operation, world) -> dict | None:
    names = [p.name for p in operation.path_parameters]
    if not names:
        return None
    out = {}
    for name in names:
        if name in world:
            out[name] = world[name]
            continue
        for prefix, pk in world.items():
            if prefix.startswith("/") and operation.path.startswith(prefix) and pk is not None:
                out[name] = pk
                break
    return out or None


@pytest.mark.django_db
def test_no_operation_answers_5xx(users, fuzz_world, capsys):
    from django.core.wsgi import get_wsgi_application

    from orgwork.core import tokens

    token = tokens.operator_key(users["county"], name="fuzz")
    schema = schemathesis.openapi.from_dict(_openapi())
    schema.app = get_wsgi_application()
    headers = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    timings: list[tuple[float, int, str]] = []
    ran = 0
    calling = 0.0
    statuses: Counter = Counter()
    operations = 0
    started = time.monotonic()

    # the WSGI handler would close the test's connection at every request (as Django's own test client avoids too)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            op_started, op_ran = time.monotonic(), ran
            strategies = []
            has_input = bool(list(operation.iter_parameters())) or bool(operation.body)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if has_input else (GenerationMode.POSITIVE,):
                strategies.append(operation.as_strategy(generation_mode=mode))
                real = _real_path_parameters(operation, fuzz_world)
                if real and (mode == GenerationMode.POSITIVE or EXAMPLES > 10):
                    strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=real))
            for strategy in strategies:

                @settings(
                    max_examples=EXAMPLES, deadline=None, database=None, derandomize=False, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )  # fmt: skip
                @given(case=strategy)
                @seed(int(SEED or 0))
                def run(case):
                    nonlocal ran
                    ran += 1
                    nonlocal calling
                    t0 = time.monotonic()
                    with transaction.atomic():
                        response = case.call(headers=headers)
                        transaction.set_rollback(True)
                    calling += time.monotonic() - t0
                    statuses[response.status_code] += 1
                    if response.status_code >= 500:
                        body = response.text[:300].replace("\n", " ")
                        failures.append(f"{case.operation.method.upper()} {case.operation.path} → {response.status_code}: {case.as_curl_command()} :: {body}")

                try:
                    run()
                except Exception as exc:  # a strategy that cannot generate (e.g. no negative form exists) is not a server error
                    if "Unsatisfiable" not in type(exc).__name__ and "Unsatisfied" not in str(exc):
                        raise
            timings.append((time.monotonic() - op_started, ran - op_ran, f"{operation.method.upper()} {operation.path}"))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    with capsys.disabled():
        if os.environ.get("FUZZ_TIMINGS"):
            for seconds, n, name in sorted(timings, reverse=True)[:15]:
                print(f"  {seconds:6.1f}s {n:5d} cases  {name}")
        print(f"\n[api fuzz] {ran} cases over {operations} operations in {time.monotonic() - started:.0f}s ({calling:.0f}s in requests); {len(failures)} answered 5xx; statuses {dict(sorted(statuses.items()))}")
    assert operations > 30
    assert sum(n for code, n in statuses.items() if code < 300) > ran // 10, "the token does not reach the views: nothing answered 2xx"
    assert not failures, "\n".join(sorted(set(failures))[:40])
