"""Run a pure computation in a forked child process and take its results as they come.

A big file import has two halves that need not wait for each other: checking the rows (pure Python: normalizing,
decoding ID numbers, building the rows to insert) and writing them (the database's work). With two cores the
check of the next chunk can run while the previous chunk is written. `stream(produce)` forks, runs `produce()` in
the child — which sees everything the parent had in memory at the fork, so nothing has to be sent to it — and yields
each item the child produces to the parent, marshalled (plain values) or pickled through a pipe, as soon as it is ready.

The child never touches the database: any query it tries raises (the parent's connection is shared with it at the
fork and must stay the parent's alone). It ends with `os._exit`, so no finalizer of an inherited object (a
database connection, a temporary file) runs twice. An exception in the child is raised again in the parent; a child
that dies is reported as `ChildFailed`. Where fork is not available (or `fork=False`), `produce()` runs in the
calling process and the items are the same.
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


class ChildFailed(RuntimeError):
    pass


def available() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def stream(produce: Callable[[], Iterable[T]], *, fork: bool = True) -> Iterator[T]:
    if not (fork and available()):
        yield from produce()
        return
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(produce, write_fd)  # never returns
    os.close(write_fd)
    finished = False
    try:
        with os.fdopen(read_fd, "rb", buffering=1 << 20) as pipe:
            while True:
                head = pipe.read(_HEADER.size)
                if len(head) < _HEADER.size:
                    raise ChildFailed("the check process ended without finishing")
                kind, size = _HEADER.unpack(head)
                body = pipe.read(size)
                if len(body) < size:
                    raise ChildFailed("the check process ended in the middle of a result")
                if kind == _MARSHALLED:
                    yield marshal.loads(body)
                elif kind == _ITEM:
                    yield pickle.loads(body)
                elif kind == _ERROR:
                    finished = True
                    raise pickle.loads(body)
                else:
                    finished = True
                    return
    finally:
        if not finished:
            try:
                os.kill(pid, signal.SIGKILL)  # the parent stopped early (an error while writing): no orphan left
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)


def _child(produce, write_fd: int) -> None:
    code = 0
    try:
        _no_database()
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

    for conn in connections.all(initialized_only=True):
        conn.execute_wrappers.append(refuse)
        conn.connect = refuse
        conn.ensure_connection = refuse
