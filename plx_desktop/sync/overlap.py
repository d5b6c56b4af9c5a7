"""Network hidden behind the work: a source read ahead on its own thread, and calls kept in flight
while their results are settled on the run's thread in the order they were sent.

Only HTTP goes to other threads; the store (SQLite, Peewee) is touched on the run's thread alone,
by the settle callbacks, one after another, in submission order. So a step that commits each
batch's cursor in its settle never commits batch k's cursor before every batch before k is
committed, whatever order the answers come back in.

- `read_ahead(source, depth)`: iterate `source` on a thread, at most `depth` items ahead of the
  consumer. An error of the source is raised in the consumer where the item would have come;
  closing the iterator (or leaving a `with` block) stops the thread after its current item.
- `InOrder(depth)`: `submit(call, settle)` runs `call` on one of `depth` worker threads, and
  `settle(result)` later on the caller's thread (`result()` gives the call's value or raises its
  error). When `depth` calls are in flight, `submit` settles the oldest first. `settle_holding`
  settles, in order, every call up to the last whose keys meet the given ones (a batch that
  depends on an earlier one waits for it). Leaving the `with` block settles what is left, unless
  a settle raised: then the calls not yet settled are abandoned (their answers are dropped, as a
  crash at that moment would drop them; the outbox is what makes that safe) and the error goes on.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_ITEM, _END, _ERROR = "item", "end", "error"


class read_ahead(Generic[T]):  # noqa: N801 - used like a function, as iter() or zip() are
    """`source`'s items, fetched on a thread of their own, at most `depth` ahead (see module)."""

    def __init__(self, source: Iterable[T], depth: int = 1, name: str = "plx-read-ahead"):
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._fill, args=(source,), name=name, daemon=True)
        self._thread.start()

    def _fill(self, source: Iterable[T]) -> None:
        items = iter(source)
        try:
            while not self._stop.is_set():
                try:
                    item = next(items)
                except StopIteration:
                    self._queue.put((_END, None))
                    return
                self._queue.put((_ITEM, item))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._queue.put((_ERROR, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator's own finally blocks run here, on its own thread

    def __iter__(self) -> read_ahead[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        kind, value = self._queue.get()
        if kind == _ITEM:
            return value  # type: ignore[no-any-return]
        self._done = True
        self._thread.join()
        if kind == _ERROR:
            raise value
        raise StopIteration

    def close(self) -> None:
        """Stop reading ahead; returns once the thread has ended (after its current item)."""
        if self._done:
            return
        self._done = True
        self._stop.set()
        # The thread blocks only on a full queue, and puts at most one item once it is told to
        # stop: emptying the queue once lets that put through, and then it ends.
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._thread.join()

    def __enter__(self) -> read_ahead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class _Pending:
    future: Future[Any] | None  # None: nothing to send, only a settle in its turn
    settle: Callable[[Callable[[], Any]], None]
    keys: frozenset[Any] = field(default_factory=frozenset)

    def result(self) -> Any:
        return self.future.result() if self.future is not None else None


class InOrder:
    """Calls in flight on worker threads, settled on the caller's thread in order (see module)."""

    def __init__(self, depth: int, name: str = "plx-write"):
        self.depth = max(1, depth)
        self._pool = ThreadPoolExecutor(max_workers=self.depth, thread_name_prefix=name)
        self._pending: deque[_Pending] = deque()
        self._broken = False

    @property
    def in_flight(self) -> int:
        """Calls submitted and not settled yet."""
        return len(self._pending)

    def submit(self, call: Callable[[], T] | None, settle: Callable[[Callable[[], T]], None],
               keys: Collection[Any] = (), depth: int | None = None) -> None:
        """Send `call` (None: nothing to send) and settle it in its turn; first settle the oldest
        while `depth` calls (by default the window's) are in flight. `keys`: what later
        submissions may depend on."""
        limit = max(1, min(self.depth, depth or self.depth))
        while len(self._pending) >= limit:
            self._settle_oldest()
        future = self._pool.submit(call) if call is not None else None
        self._pending.append(_Pending(future, settle, frozenset(keys)))

    def settle_holding(self, keys: Collection[Any]) -> None:
        """Settle, in order, every call up to the last one submitted with any of `keys`."""
        wanted = set(keys)
        if not wanted:
            return
        last = max((n for n, p in enumerate(self._pending) if not p.keys.isdisjoint(wanted)),
                   default=-1)
        for _ in range(last + 1):
            self._settle_oldest()

    def settle_all(self) -> None:
        while self._pending:
            self._settle_oldest()

    def _settle_oldest(self) -> None:
        pending = self._pending.popleft()
        try:
            pending.settle(pending.result)
        except BaseException:
            self._broken = True
            raise

    def close(self) -> None:
        """Abandon what is not settled: cancel what has not started, wait for what has."""
        for pending in self._pending:
            if pending.future is not None:
                pending.future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> InOrder:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self._broken:
                # The work before an error (a read that failed, a cancel at a batch boundary)
                # was sent and is kept, as it was when each batch settled before the next.
                self.settle_all()
        finally:
            self.close()

