"""An exclusive lock on a store, so two cron runs never work on it at once.

The lock is ``fcntl.flock`` on a file beside the store (``news.db`` -> ``news.db.lock``).
The kernel releases it when the holding process dies, even by ``kill -9``, so a crashed
run never blocks the next one; the pid and start time written in the file are only
there to name the holder in the error message.
"""

from __future__ import annotations

import fcntl
import os
import time
from types import TracebackType

from .errors import LockedError

LOCK_SUFFIX = ".lock"


def lock_path(store: str) -> str:
    """The lock file of the store at ``store``."""
    return store + LOCK_SUFFIX


class StoreLock:
    """``with StoreLock(path):`` holds the store's lock or raises LockedError at once."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.path = lock_path(store)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock without waiting; raise LockedError naming the holder."""
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        # Not O_TRUNC: the holder's pid must survive until we know we own the lock.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockedError(
                f"store {self.store!r} is locked by another run ({holder}); nothing was done. "
                f"Hint: wait for it to finish; the lock ({self.path}) is released when it exits."
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        os.write(fd, f"pid={os.getpid()} started={stamp}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the file stays; an unlocked file means nothing)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def is_locked(store: str) -> bool:
    """Whether some process holds the lock of ``store`` right now."""
    try:
        fd = os.open(lock_path(store), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode(errors="replace").strip()
    except OSError:
        text = ""
    # The holder may not have written its line yet (it locks first, then writes).
    return text.replace("pid=", "pid ").replace(" started=", ", started ") or "pid unknown"
