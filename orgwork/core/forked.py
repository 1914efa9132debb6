"""Run a pure computation in a forked child process and take its results as they come.

A big file import has two halves that need not wait for each other: checking the rows (pure Python: normalizing,
decoding ID numbers, building the rows to insert) and writing them (the database's work). With two cores the
check of the next chunks can run while the previous chunk is written. `stream(produce, parts=n)` forks n children,
runs `produce(k, n)` in child k — which sees everything the parent had in memory at the fork, so nothing has to be
sent to it — and yields the children's items to the parent in turn (one from each), marshalled (plain values) or
pickled through a pipe, as soon as each is ready.

The child never touches the database: any query it tries raises (the parent's connection is shared with it at the
fork and must stay the parent's alone). It ends with `os._exit`, so no finalizer of an inherited object (a
database connection, a temporary file) runs twice. An exception in the child is raised again in the parent; a child
that dies is reported as `ChildFailed`. Where fork is not available (or `fork=False`), `produce(0, 1)` runs in the
calling process and gives the same items.
"""

from __future__ import annotations

import marshal
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_HEADER = struct.Struct("!BQ")  # kind, length
_ITEM, _ERROR, _END, _MARSHALLED = 1, 2, 3, 4
# The children run at a lower priority: the parent (which writes what they produce) and the web requests go first;
# measured on two cores, the import's writing no longer waits for a core while three processes share two.
CHILD_NICENESS = 10


class ChildFailed(RuntimeError):
    pass


def available() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def stream(
    produce: Callable[[int, int], Iterable[T]],
    *,
    parts: int = 1,
    fork: bool = True,
    meanwhile: Callable[[], object] | None = None,
    niceness: int = CHILD_NICENESS,
) -> Iterator[T]:
    """The items of produce(0, parts), produce(1, parts), … taken in turn, one from each part (part k makes the items
    k, k + parts, k + 2·parts, … of the whole sequence), each part in a forked child of its own.

    `meanwhile()` runs in the parent right after the fork, while the children start. Without a fork the same items
    come from produce(0, 1) in this process. The children run `niceness` steps below the parent."""
    if not (fork and available()):
        if meanwhile is not None:
            meanwhile()
        yield from produce(0, 1)
        return
    children: list[tuple[int, object]] = []  # (pid, pipe)
    done: set[int] = set()
    try:
        for part in range(parts):
            read_fd, write_fd = os.pipe()
            _widen(write_fd)
            try:
                pid = os.fork()
            except OSError:
                os.close(read_fd)
                os.close(write_fd)
                raise
            if pid == 0:  # the child
                os.close(read_fd)
                for _pid, other in children:
                    other.close()
                _child(lambda part=part: produce(part, parts), write_fd, niceness)  # never returns
            os.close(write_fd)
            children.append((pid, os.fdopen(read_fd, "rb", buffering=1 << 20)))
        if meanwhile is not None:
            meanwhile()
        turn = 0
        while len(done) < len(children):
            index = turn % len(children)
            turn += 1
            if index in done:
                continue
            kind, item = _receive(children[index][1])
            if kind == _END:
                done.add(index)
            elif kind == _ERROR:
                done.add(index)
                raise item
            else:
                yield item
    finally:
        for index, (pid, pipe) in enumerate(children):
            pipe.close()
            if index not in done:
                try:
                    os.kill(pid, signal.SIGKILL)  # the parent stopped early (an error while writing): no orphan left
                except ProcessLookupError:
                    pass
            os.waitpid(pid, 0)


def call(compute: Callable[[], T], *, fork: bool = True, meanwhile: Callable[[], object] | None = None) -> T:
    """compute() in a forked child while meanwhile() runs here, at the same priority (the two are one piece of work
    split over two cores, each waited for): compute's result, plain values, once both are done. Without a fork (or
    when no process can be forked: memory, a process limit), meanwhile() and then compute() in this process."""
    ran = []

    def beside():
        ran.append(True)
        if meanwhile is not None:
            meanwhile()

    try:
        (result,) = stream(lambda _part, _parts: [compute()], fork=fork, meanwhile=beside, niceness=0)
    except OSError:
        if ran:  # from meanwhile() or from compute() in the child: theirs to report
            raise
        beside()
        return compute()
    return result


def _widen(fd: int) -> None:
    """A pipe of 1 MiB where Linux allows it (the default 64 KiB holds less than one chunk), so a child can finish
    its next chunk while the parent still writes the previous one."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (OSError, ImportError):
        pass


def _receive(pipe) -> tuple[int, object]:
    head = pipe.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise ChildFailed("the check process ended without finishing")
    kind, size = _HEADER.unpack(head)
    body = pipe.read(size)
    if len(body) < size:
        raise ChildFailed("the check process ended in the middle of a result")
    if kind == _MARSHALLED:
        return _ITEM, marshal.loads(body)
    if kind in (_ITEM, _ERROR):
        return kind, pickle.loads(body)
    return _END, None


def _child(produce, write_fd: int, niceness: int = CHILD_NICENESS) -> None:
    code = 0
    try:
        _no_database()
        if niceness:
            os.nice(niceness)
        with os.fdopen(write_fd, "wb", buffering=1 << 20) as pipe:
            try:
                for item in produce():
                    try:  # plain values (str, int, tuples, lists, dicts of them): marshal, several times faster
                        body, kind = marshal.dumps(item), _MARSHALLED
                    except ValueError:
                        body, kind = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL), _ITEM
                    pipe.write(_HEADER.pack(kind, len(body)))
                    pipe.write(body)
                    pipe.flush()
                pipe.write(_HEADER.pack(_END, 0))
            except BaseException as exc:  # every failure goes back to the parent
                try:
                    body = pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.loads(body)
                except Exception:  # an exception that does not survive pickling: its text does
                    body = pickle.dumps(ChildFailed(f"{exc.__class__.__name__}: {exc}"))
                pipe.write(_HEADER.pack(_ERROR, len(body)))
                pipe.write(body)
            pipe.flush()
    except BaseException:  # the pipe itself broke (the parent went away)
        code = 1
    finally:
        os._exit(code)


def _no_database() -> None:
    """Any query from the child raises instead of talking over the parent's connection."""
    from django.db import connections

    def refuse(*args, **kwargs):
        raise ChildFailed("the check process may not use the database")

    for conn in connections.all():  # also an alias the parent never opened: no fresh connection either
        conn.execute_wrappers.append(refuse)
        conn.connect = refuse
        conn.ensure_connection = refuse
