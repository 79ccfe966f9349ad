"""Cron behaviour in real processes: kill -9 and rerun, overlapping runs, failures and retry."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .conftest import make_distribution

# Sleeps TM_CRON_SLEEP seconds per document; fails on "EXPLODE" only while TM_CRON_EXPLODE=1,
# so a test can "fix" the step between a run and its retry.
CRON_PLUGIN = '''
import os
import time
from textmill import Step, hookimpl


class Cron(Step):
    name = "cron"
    provides = "cron"

    def process_doc(self, doc, record):
        time.sleep(float(os.environ.get("TM_CRON_SLEEP", "0")))
        if "EXPLODE" in doc.text and os.environ.get("TM_CRON_EXPLODE") == "1":
            raise ValueError("exploded on purpose")
        return len(doc.text.split())


@hookimpl
def register_steps(register):
    register(Cron)
'''


@pytest.fixture
def cron(tmp_path, blank_model):
    """(pipeline, corpus maker, env) for runs of the `cron` step on a blank model."""
    site = make_distribution(tmp_path / "site", "tm_cron", CRON_PLUGIN)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path]),
           "TEXTMILL_LOAD_PLUGINS": "tm_cron"}
    pipe = tmp_path / "cron.yaml"
    pipe.write_text(f"textmill: 1\nname: cron\nmodel: {blank_model}\nbatch_size: 2\n"
                    "steps:\n  - use: cron\n")

    def make_corpus(n, explode=()):
        path = tmp_path / "corpus.jsonl"
        path.write_text("".join(json.dumps(
            {"id": f"d{i:02d}", "text": f"text {i}" + (" EXPLODE" if i in explode else "")})
            + "\n" for i in range(n)))
        return path

    return pipe, make_corpus, env


def textmill(*args, env, **kwargs):
    return subprocess.run([sys.executable, "-m", "textmill", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=120, **kwargs)


def start(*args, env):
    return subprocess.Popen([sys.executable, "-m", "textmill", *map(str, args)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def committed(db):
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.slow
@pytest.mark.parametrize("n", [30])
def test_store_cli_kill_9_then_rerun_has_every_document_once(cron, tmp_path, n):
    pipe, make_corpus, env = cron
    corpus, db, out = make_corpus(n), tmp_path / "s.db", tmp_path / "out.jsonl"
    out.write_text('{"id": "previous"}\n')
    proc = start("run", pipe, corpus, "--store", db, "-o", out,
                 env={**env, "TM_CRON_SLEEP": "0.1"})
    wait_for(lambda: committed(db) >= 4)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    done = committed(db)
    assert 4 <= done < n, "the run must be killed mid-way"
    assert out.read_text() == '{"id": "previous"}\n'  # the previous output is intact

    again = textmill("run", pipe, corpus, "--store", db, "-o", out, env=env)
    assert again.returncode == 0, again.stderr
    assert f"processed={n - done} skipped={done} failed=0" in again.stderr
    rerun_ids = [r["id"] for r in lines(out)]
    assert len(rerun_ids) == n - done  # -o gets what this run processed

    export = textmill("export", "--store", db, env=env)
    assert export.returncode == 0, export.stderr
    ids = [json.loads(line)["id"] for line in export.stdout.splitlines()]
    assert ids == [f"d{i:02d}" for i in range(n)]
    assert set(rerun_ids) <= set(ids)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT doc_id) FROM results").fetchone() \
            == (n, n)
    runs = textmill("runs", "--store", db, env=env)
    rows = {line.split()[0]: line.split() for line in runs.stdout.splitlines()[2:]}
    assert rows["1"][3] == "killed" and rows["1"][-2] == "-"  # no end time, no exit code
    assert rows["2"][4:8] == [str(n - done), str(done), "0", "0"]
    assert "─" not in runs.stdout and "│" not in runs.stdout  # plain: stdout is not a TTY


@pytest.mark.slow
@pytest.mark.parametrize("n", [40])
def test_store_cli_overlapping_run_exits_75_at_once(cron, tmp_path, n):
    pipe, make_corpus, env = cron
    corpus, db = make_corpus(n), tmp_path / "s.db"
    # The first run holds the lock for n x 0.25 s (10 s); it is killed as soon as the second
    # run has answered.
    first = start("run", pipe, corpus, "--store", db, env={**env, "TM_CRON_SLEEP": "0.25"})
    try:
        wait_for(lambda: committed(db) >= 2)
        # The second run names the store in its pipeline file (`store:`), not on the command line.
        with_store = tmp_path / "with-store.yaml"
        with_store.write_text(pipe.read_text() + f"store: {db}\n")
        second = textmill("run", with_store, corpus, env=env)
        # It did not wait for the lock: the first run is still working through the corpus.
        done = committed(db)
        assert first.poll() is None, "the first run must still hold the lock"
    finally:
        first.kill()
        first.wait(timeout=30)
    assert second.returncode == 75, second.stderr
    assert done < n
    errors = [ln for ln in second.stderr.splitlines() if ln.strip()]
    assert len(errors) == 1 and f"pid {first.pid}, started " in errors[0], second.stderr
    assert "processed=" not in second.stderr


@pytest.mark.slow
@pytest.mark.parametrize("n, explode", [(50, (4, 20, 33))])
def test_store_cli_failures_then_retry_after_fix(cron, tmp_path, n, explode):
    pipe, make_corpus, env = cron
    corpus, db, log = make_corpus(n, explode), tmp_path / "s.db", tmp_path / "logs" / "tm.log"
    first = textmill("run", pipe, corpus, "--store", db, "--quiet", "--log-file", log,
                     "--log-format", "json", "--log-rotation", "1 MB", "--log-retention", "3",
                     env={**env, "TM_CRON_EXPLODE": "1"})
    assert first.returncode == 1, first.stderr
    *logs, summary = first.stderr.splitlines()
    assert summary.startswith(f"textmill: processed={n - 3} skipped=0 failed=3")
    # --quiet: only the three failure warnings, as JSON like the log file; no INFO lines.
    assert [json.loads(line)["level"] for line in logs] == ["WARNING"] * 3, first.stderr
    logged = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r for r in logged if r.get("summary")][0]["exit_code"] == 1
    assert sum("exploded on purpose" in r["message"] for r in logged) == 3

    listed = textmill("failures", "--store", db, "--json", env=env)
    rows = json.loads(listed.stdout)
    assert [r["doc_id"] for r in rows] == [f"d{i:02d}" for i in explode]
    assert all(r["type"] == "ValueError" and "Traceback" in r["traceback"] for r in rows)

    retried = textmill("failures", "--store", db, "--retry", env=env)  # the step is fixed
    assert retried.returncode == 0, retried.stderr
    assert "processed=3 skipped=0 failed=0" in retried.stderr

    export = textmill("export", "--store", db, "-o", tmp_path / "all.jsonl", env=env)
    records = lines(tmp_path / "all.jsonl")
    assert export.returncode == 0 and len(records) == n
    assert all(r["errors"] == [] and r["cron"] == 2 + (i in explode)
               for i, r in enumerate(records))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM failures").fetchone() == (0,)
    again = textmill("run", pipe, corpus, "--store", db, env=env)
    assert "processed=0 skipped=50 failed=0" in again.stderr and again.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["export", "--store", "missing.db"], "does not exist"),
    (["runs", "--store", "missing.db"], "does not exist"),
])
def test_store_cli_missing_store_is_a_usage_error(tmp_path, args, message):
    proc = textmill(*args, env=os.environ, cwd=tmp_path)
    assert proc.returncode == 4 and message in proc.stderr
    assert not (tmp_path / "missing.db").exists()
