"""A per-document time limit that interrupts Python code running in the current thread.

In a process's main thread (the CLI, and every worker of the process pool) the limit is an
``ITIMER_REAL`` timer whose SIGALRM handler raises :class:`DocumentTimeoutError`. In any
other thread (a Dask worker's task threads), where signal handlers cannot be installed, a
timer thread raises the same exception asynchronously in the worker thread
(``PyThreadState_SetAsyncExc``). Either way the exception arrives between two Python
bytecodes: a long call into compiled code (one parser pass over one segment) finishes first.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from types import FrameType, TracebackType
from typing import Any


class DocumentTimeoutError(BaseException):
    """A document took longer than its time limit.

    A BaseException, like KeyboardInterrupt, so that a step's broad ``except Exception``
    cannot swallow it; the engine catches it around each document.
    """


class Deadline:
    """``with Deadline(seconds):`` raises DocumentTimeoutError in this thread when time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._armed = False
        self._fired = False
        self._lock = threading.Lock()
        self._old: Any = None
        self._timer: threading.Timer | None = None
        self._thread = threading.get_ident()
        self._main = threading.current_thread() is threading.main_thread()

    def _error(self) -> DocumentTimeoutError:
        return DocumentTimeoutError(f"document took longer than {self.seconds:g} s (doc_timeout)")

    def __enter__(self) -> Deadline:
        self._armed = True
        if self._main:
            self._old = signal.signal(signal.SIGALRM, self._on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        else:
            self._timer = threading.Timer(self.seconds, self._fire)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:  # an alarm delivered after __exit__ began is ignored
            self._armed = False
            raise self._error()

    def _fire(self) -> None:
        with self._lock:
            if self._armed:
                self._armed = False
                self._fired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread),
                                                           ctypes.py_object(DocumentTimeoutError))

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._main:
            self._armed = False  # first, so that a late alarm does nothing
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old if self._old is not None else signal.SIG_DFL)
            return
        assert self._timer is not None
        with self._lock:
            self._armed = False
            self._timer.cancel()
            if self._fired and exc_type is None:
                # Fired, but not delivered yet: withdraw it so it cannot surface later.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread), None)
        if self._fired and exc_type is DocumentTimeoutError and exc is not None and not exc.args:
            exc.args = self._error().args  # the asynchronous one arrives without a message
