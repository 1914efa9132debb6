"""core.forked.stream: the child's items reach the parent in order, failures come back as exceptions, and no child
process is left behind (neither a zombie nor an orphan) whatever the parent does with the generator."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import signal
import time
from dataclasses import dataclass

import pytest

from orgwork.core import forked

pytestmark = pytest.mark.skipif(not forked.available(), reason="needs os.fork")


@pytest.fixture(autouse=True)
def _no_hang():
    """A stream that waits forever on a dead child fails the test instead of hanging the run."""

    def timeout(signum, frame):
        raise TimeoutError("forked.stream hung")

    before = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, before)


@dataclass
class Point:
    x: int
    when: dt.date


class Picklable(Exception):
    pass


class NeedsTwoArgs(Exception):
    """Pickles, but does not unpickle (its __init__ takes two arguments, args holds one)."""

    def __init__(self, a, b):
        super().__init__(f"{a}-{b}")


def reaped(pid: int) -> bool:
    """The pid is no child of ours any more (waited for) and no process by that id is running."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    else:
        return False
    return not os.path.exists(f"/proc/{pid}") or _state(pid) not in ("R", "S", "D", "Z", "T")


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def no_children() -> bool:
    """This process has no child process at all (zombie or running)."""
    me = os.getpid()
    for task in os.listdir(f"/proc/{me}/task"):
        try:
            with open(f"/proc/{me}/task/{task}/children") as f:
                if f.read().split():
                    return False
        except FileNotFoundError:
            pass
    return True


ITEMS = [
    1,
    "二",
    (3, "three", None, True),
    [4, 4.5, b"\x00\xff"],
    {"k": [1, 2], "v": {"nested": (False, None)}},
    dt.date(2020, 2, 29),  # not marshal-able: pickled
    Point(7, dt.date(1999, 12, 31)),
    (8, dt.date(2001, 1, 1)),  # a tuple holding a date: pickled as a whole
    "x" * 3_000_000,  # bigger than the pipe's buffer and the reader's
    0,
    "",
    [],
]


def produce_items(part, parts):
    yield from ITEMS


def typed(value):
    """The value with the type of every part, so a tuple that came back as a list, or True as 1, does not compare equal."""
    if isinstance(value, (list, tuple)):
        return (type(value), [typed(v) for v in value])
    if isinstance(value, dict):
        return (dict, {k: typed(v) for k, v in value.items()})
    return (type(value), value)


def test_the_items_arrive_in_order_with_their_types():
    got = list(forked.stream(produce_items))
    assert [typed(v) for v in got] == [typed(v) for v in ITEMS]
    assert no_children()


def test_without_fork_the_items_are_the_same():
    assert [typed(v) for v in forked.stream(produce_items, fork=False)] == [typed(v) for v in ITEMS]


def test_the_child_is_another_process_and_the_in_process_path_is_not():
    me = os.getpid()
    ((child, parent),) = list(forked.stream(lambda part, parts: [(os.getpid(), os.getppid())]))
    assert child != me and parent == me
    assert reaped(child)
    assert list(forked.stream(lambda part, parts: [os.getpid()], fork=False)) == [me]


def test_the_child_sees_the_parents_memory_at_the_fork_and_changes_there_stay_there():
    state = {"n": 41}

    def produce(part, parts):
        state["n"] += 1
        yield state["n"]

    assert list(forked.stream(produce)) == [42]
    assert state == {"n": 41}


def test_an_exception_in_the_child_is_raised_in_the_parent_with_its_type_and_message_after_the_items_before_it():
    def produce(part, parts):
        yield 1
        yield 2
        raise Picklable("row 3 is bad")

    got = []
    with pytest.raises(Picklable, match=r"^row 3 is bad$"):
        for item in forked.stream(produce):
            got.append(item)
    assert got == [1, 2]
    assert no_children()
    # the same without fork
    got = []
    with pytest.raises(Picklable, match=r"^row 3 is bad$"):
        for item in forked.stream(produce, fork=False):
            got.append(item)
    assert got == [1, 2]


def test_builtin_exceptions_keep_their_type():
    def produce(part, parts):
        yield "a"
        {}["missing"]

    with pytest.raises(KeyError, match="missing"):
        list(forked.stream(produce))

    def produce2(part, parts):
        raise ValueError("no such date")
        yield  # a generator

    with pytest.raises(ValueError, match="no such date"):
        list(forked.stream(produce2))


def test_an_exception_whose_class_cannot_be_pickled_comes_back_as_child_failed_with_its_text():
    class Local(Exception):  # a local class: pickle cannot name it
        pass

    def produce(part, parts):
        yield 1
        raise Local("only here")

    with pytest.raises(forked.ChildFailed, match="Local: only here"):
        list(forked.stream(produce))
    assert no_children()


def test_an_exception_that_pickles_but_does_not_unpickle_comes_back_as_child_failed():
    def produce(part, parts):
        raise NeedsTwoArgs("a", "b")
        yield

    with pytest.raises(forked.ChildFailed, match="NeedsTwoArgs: a-b"):
        list(forked.stream(produce))


def test_an_item_that_cannot_be_sent_is_an_error_not_a_hang():
    def produce(part, parts):
        yield 1
        yield lambda: None  # neither marshal nor pickle

    got = []
    with pytest.raises(Exception) as exc:  # pickle's error (PicklingError or AttributeError), whatever its type
        for item in forked.stream(produce):
            got.append(item)
    assert got == [1]
    assert "pickle" in str(exc.value).lower() or isinstance(exc.value, forked.ChildFailed)
    assert no_children()


def test_a_child_that_exits_midway_is_child_failed_not_a_hang():
    def produce(part, parts):
        yield 1
        yield 2
        os._exit(3)

    got = []
    with pytest.raises(forked.ChildFailed):
        for item in forked.stream(produce):
            got.append(item)
    assert got == [1, 2]
    assert no_children()


def test_a_child_that_exits_cleanly_without_finishing_is_child_failed():
    def produce(part, parts):
        yield 1
        os._exit(0)

    with pytest.raises(forked.ChildFailed):
        list(forked.stream(produce))


def test_a_child_killed_by_a_signal_is_child_failed():
    def produce(part, parts):
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2

    with pytest.raises(forked.ChildFailed):
        list(forked.stream(produce))
    assert no_children()


def test_a_child_killed_from_outside_while_working_is_child_failed():
    def produce(part, parts):
        yield os.getpid()
        time.sleep(60)
        yield "never"

    gen = forked.stream(produce)
    pid = next(gen)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(forked.ChildFailed):
        next(gen)
    assert reaped(pid)


def test_breaking_out_of_the_loop_reaps_the_child():
    def produce(part, parts):
        yield os.getpid()
        n = 0
        while True:  # would never end by itself; blocks on the full pipe
            n += 1
            yield n

    gen = forked.stream(produce)
    got = []
    for item in gen:
        got.append(item)
        if len(got) == 4:
            break
    pid = got[0]
    assert got[1:] == [1, 2, 3]
    gen.close()
    assert reaped(pid)
    assert no_children()


def test_a_loop_left_by_break_without_keeping_the_generator_reaps_the_child_at_once():
    pids = []

    def produce(part, parts):
        yield os.getpid()
        while True:
            yield "more"

    for item in forked.stream(produce):
        pids.append(item)
        break
    assert reaped(pids[0])
    assert no_children()


def test_leaving_early_does_not_wait_for_a_child_that_is_still_computing():
    def produce(part, parts):
        yield os.getpid()
        time.sleep(60)  # a long check of the next chunk: nothing written to the pipe meanwhile
        yield "late"

    started = time.monotonic()
    gen = forked.stream(produce)
    pid = next(gen)
    gen.close()
    assert time.monotonic() - started < 10
    assert reaped(pid)


def test_an_error_in_the_parents_loop_reaps_the_child():
    def produce(part, parts):
        yield os.getpid()
        while True:
            yield "x" * 1000

    pids = []
    with pytest.raises(ZeroDivisionError):
        for item in forked.stream(produce):
            pids.append(item)
            if len(pids) == 3:
                1 / 0  # noqa: B018
    assert reaped(pids[0])
    assert no_children()


def test_a_generator_never_started_forks_nothing():
    gen = forked.stream(produce_items)
    gen.close()
    assert no_children()


def test_the_child_ends_without_running_the_parents_exit_handlers(tmp_path):
    marker = tmp_path / "atexit-ran"
    me = os.getpid()

    def handler():
        if os.getpid() != me:
            marker.write_text("child")

    atexit.register(handler)
    try:
        assert list(forked.stream(lambda part, parts: [1, 2])) == [1, 2]
    finally:
        atexit.unregister(handler)
    assert not marker.exists()


# --- several parts, each in a child of its own -----------------------------------------------------------------
def interleaved(n):
    """Part k of n items makes the items k, k + parts, …: each item says which process made it."""

    def produce(part, parts):
        for i in range(part, n, parts):
            yield (i, os.getpid(), dt.date(2000, 1, 1) + dt.timedelta(days=i) if i % 5 == 0 else str(i))

    return produce


@pytest.mark.parametrize("parts", [1, 2, 3])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 9])
def test_parts_give_the_items_of_the_whole_sequence_in_order(parts, n):
    produce = interleaved(n)
    got = list(forked.stream(produce, parts=parts))
    assert [(i, v) for i, _pid, v in got] == [(i, v) for i, _pid, v in produce(0, 1)]
    pids = {pid for _i, pid, _v in got}
    assert os.getpid() not in pids
    assert len(pids) == min(parts, n)  # each part in a process of its own (a part with no item says nothing)
    assert {pid for i, pid, _v in got if i % parts == 0} == ({got[0][1]} if n else set())
    # the same without fork: produce(0, 1) in this process
    assert [(i, pid, v) for i, pid, v in forked.stream(produce, parts=parts, fork=False)] == [(i, os.getpid(), v) for i, _p, v in produce(0, 1)]
    assert no_children()


def test_an_error_in_one_part_stops_every_part_and_reaps_them():
    def produce(part, parts):
        yield (part, os.getpid())
        if part == 1:
            raise Picklable("part 1 failed")
        while True:  # the other parts would never end
            time.sleep(0.01)
            yield (part, os.getpid())

    got = []
    with pytest.raises(Picklable, match="part 1 failed"):
        for item in forked.stream(produce, parts=3):
            got.append(item)
    assert [p for p, _ in got] == [0, 1, 2, 0]  # in turn, up to part 1's second item: the error
    for pid in {pid for _, pid in got}:
        assert reaped(pid)
    assert no_children()


def test_a_dead_part_is_child_failed_and_the_others_are_reaped():
    def produce(part, parts):
        yield (part, os.getpid())
        if part == 0:
            os._exit(0)
        time.sleep(60)
        yield "late"

    got = []
    started = time.monotonic()
    with pytest.raises(forked.ChildFailed):
        for item in forked.stream(produce, parts=2):
            got.append(item)
    assert time.monotonic() - started < 10
    assert len(got) == 2
    for _, pid in got:
        assert reaped(pid)


def test_breaking_out_of_several_parts_reaps_them_all():
    def produce(part, parts):
        while True:
            yield os.getpid()

    gen = forked.stream(produce, parts=3)
    pids = [next(gen) for _ in range(6)]
    gen.close()
    assert len(set(pids)) == 3
    for pid in set(pids):
        assert reaped(pid)
    assert no_children()


def test_a_later_child_does_not_hold_an_earlier_childs_pipe():
    """Part 0 dies at once without its end mark: the parent sees that only when every write end of part 0's pipe is
    closed. If part 1 had inherited that write end (the parent closing it only after the last fork), the parent would
    wait for part 1's five seconds instead of failing at once."""

    def produce(part, parts):
        if part == 0:
            os._exit(0)
        time.sleep(5)
        yield "late"

    started = time.monotonic()
    with pytest.raises(forked.ChildFailed):
        list(forked.stream(produce, parts=2))
    assert time.monotonic() - started < 3
    assert no_children()


def test_meanwhile_runs_in_the_parent_once_after_the_fork():
    calls = []

    def meanwhile():
        calls.append(os.getpid())

    def produce(part, parts):
        yield len(calls)  # the child was forked before meanwhile ran: it never saw the call

    assert list(forked.stream(produce, parts=2, meanwhile=meanwhile)) == [0, 0]
    assert calls == [os.getpid()]
    calls.clear()
    assert list(forked.stream(produce, parts=2, fork=False, meanwhile=meanwhile)) == [1]
    assert calls == [os.getpid()]


@pytest.mark.django_db
def test_a_query_in_the_child_raises_and_the_parents_connection_still_works(tree, system):
    from django.db import connection

    from orgwork.orgs import services as org_services
    from orgwork.orgs.models import Org, OrgKind, Sector

    before = Org.objects.count()

    def orm(part, parts):
        yield "start"
        yield Org.objects.count()

    got = []
    with pytest.raises(forked.ChildFailed, match="may not use the database"):
        for item in forked.stream(orm):
            got.append(item)
    assert got == ["start"]

    def raw(part, parts):
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            yield cur.fetchone()

    with pytest.raises(forked.ChildFailed, match="may not use the database"):
        list(forked.stream(raw))

    def caught(part, parts):
        # the refusal happens in the child (it can catch it), not only when the parent reads
        try:
            Org.objects.exists()
        except forked.ChildFailed as exc:
            yield f"refused: {exc}"
        else:
            yield "queried"

    assert list(forked.stream(caught)) == ["refused: the check process may not use the database"]

    # the parent's connection (and its open transaction) is intact
    assert Org.objects.count() == before
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone()[0] == 1
    org_services.create_org(actor=system, parent_id=tree.county.pk, name="中共丙镇委员会", kind=OrgKind.COMMITTEE, sector=Sector.RURAL)
    assert Org.objects.count() == before + 1
    assert connection.execute_wrappers == []
    assert no_children()


def test_call_computes_in_another_process_while_meanwhile_runs_here_at_the_same_priority():
    parent = os.getpid()
    ran_here = []

    def compute():
        return {"pid": os.getpid(), "nice": os.nice(0), "items": ITEMS[:5]}

    got = forked.call(compute, meanwhile=lambda: ran_here.append(os.getpid()))
    assert got["pid"] != parent and ran_here == [parent]
    assert got["nice"] == os.nice(0)  # not lowered as the check processes are: the caller waits for it
    assert [typed(v) for v in got["items"]] == [typed(v) for v in ITEMS[:5]]
    assert no_children()


def test_call_without_fork_runs_meanwhile_then_compute_here():
    order = []
    got = forked.call(lambda: order.append("compute") or os.getpid(), fork=False, meanwhile=lambda: order.append("meanwhile"))
    assert got == os.getpid() and order == ["meanwhile", "compute"]


def test_call_raises_the_childs_error_and_a_failing_meanwhile_leaves_no_child():
    def fails():
        raise Picklable("in the child")

    with pytest.raises(Picklable, match="in the child"):
        forked.call(fails)
    assert no_children()

    def slow():
        time.sleep(5)
        return 1

    def meanwhile_fails():
        raise RuntimeError("here")

    with pytest.raises(RuntimeError, match="here"):
        forked.call(slow, meanwhile=meanwhile_fails)
    assert no_children()


def test_call_works_here_when_no_process_can_be_forked(monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # EAGAIN: the process limit

    monkeypatch.setattr(os, "fork", no_fork)
    ran = []
    assert forked.call(lambda: os.getpid(), meanwhile=lambda: ran.append(os.getpid())) == os.getpid()
    assert ran == [os.getpid()]

    def fails_here():
        raise FileNotFoundError("compute's own error")

    with pytest.raises(FileNotFoundError, match="compute's own error"):  # raised by compute in this process: not retried
        forked.call(fails_here)
