"""Python's cyclic garbage collector paused for a short piece of work that must not be
interrupted by a collection: a PDF render, an approval holding its row lock.

A collection during the work walks the objects the work has made so far (and a full
one the whole process heap: tens of milliseconds in a worker that has rendered
PDFs). Paused, what the work made is collected once, by a collection of the
youngest generation (where it all still is) when the last paused work in the
process ends: the same memory is freed, in one pass, after the work.

The collector is global to the process, so work in other threads shares the pause
(a count); it is left off if it was off before the first paused work began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class CollectorPause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.paused = 0
        self.resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.paused == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.paused += 1
        try:
            yield
        finally:
            with self.lock:
                self.paused -= 1
                last = self.paused == 0
                if last and self.resume:
                    gc.enable()
            if last:
                gc.collect(0)


# `with collector_paused():`, or `@collector_paused()` on a function.
collector_paused = CollectorPause()
