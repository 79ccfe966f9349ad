"""The store lock: exclusive, immediate refusal naming the holder, released when a holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from textmill import LockedError
from textmill.lock import StoreLock, is_locked, lock_path

HOLDER = """
import sys, time
from textmill.lock import StoreLock
lock = StoreLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture
def holder(tmp_path):
    """A separate process holding the lock of tmp_path/s.db until killed."""
    store = str(tmp_path / "s.db")
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, store], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield store, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


@pytest.mark.parametrize("name, expected", [("data/news.db", "data/news.db.lock")])
def test_lock_file_sits_beside_the_store(name, expected):
    assert lock_path(name) == expected


@pytest.mark.parametrize("rounds", [2])
def test_lock_second_holder_refused_until_release(tmp_path, rounds):
    store = str(tmp_path / "sub" / "s.db")
    for _ in range(rounds):  # released locks can be taken again
        with StoreLock(store) as first:
            assert first.held and is_locked(store)
            with pytest.raises(LockedError) as info:
                StoreLock(store).acquire()
            assert f"pid {os.getpid()}, started " in str(info.value)
            assert info.value.exit_code == 75
            assert "\n" not in str(info.value)
        assert not first.held and not is_locked(store)


@pytest.mark.parametrize("sig", [signal.SIGKILL])
def test_lock_of_a_killed_process_does_not_block(holder, sig):
    store, proc = holder
    with pytest.raises(LockedError, match=f"pid {proc.pid}, started "):
        StoreLock(store).acquire()
    proc.send_signal(sig)
    proc.wait(timeout=30)
    # The file (with the dead pid in it) is still there; the kernel dropped the flock.
    assert f"pid={proc.pid}" in open(lock_path(store)).read()
    assert not is_locked(store)
    with StoreLock(store) as lock:
        assert lock.held
        assert f"pid={os.getpid()}" in open(lock_path(store)).read()


@pytest.mark.parametrize("missing", ["never-created.db"])
def test_lock_is_locked_without_a_lock_file(tmp_path, missing):
    assert not is_locked(str(tmp_path / missing))
