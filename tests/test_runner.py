"""Runs end to end in real processes: interruption, order, and chunking."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from textmill.document import Document
from textmill.runner import Summary, chunked

from .conftest import make_distribution

SLOW_PLUGIN = '''
import sys
import time
from textmill import Step, hookimpl


class Slow(Step):
    name = "slow"
    provides = "slow"

    def process_doc(self, doc, record):
        time.sleep(0.05)
        print("SLOW-STEP-RAN", file=sys.stderr, flush=True)
        return len(doc.text)


@hookimpl
def register_steps(register):
    register(Slow)
'''


@pytest.fixture
def slow_run(tmp_path, blank_model, monkeypatch):
    import os

    site = make_distribution(tmp_path / "site", "tm_slow", SLOW_PLUGIN)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    pipe = tmp_path / "slow.yaml"
    pipe.write_text(f"textmill: 1\nname: slow\nmodel: {blank_model}\nbatch_size: 2\n"
                    "steps:\n  - use: slow\n")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"text {i}"}) + "\n"
                              for i in range(400)))
    return pipe, corpus, env


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_runner_interrupt_leaves_valid_output(slow_run, tmp_path, sig):
    pipe, corpus, env = slow_run
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "textmill", "run", str(pipe), str(corpus),
                             "-o", str(out)], env=env, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:  # wait until documents are really being processed
        if "SLOW-STEP-RAN" in line:
            break
    time.sleep(1)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2, stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert 0 < len(records) < 400
    assert [r["id"] for r in records] == [f"d{i}" for i in range(len(records))]
    assert f"processed={len(records)} " in stderr and "interrupted" in stderr


@pytest.mark.parametrize("n, size, lengths", [(5, 2, [2, 2, 1]), (0, 3, []), (3, 3, [3])])
def test_runner_chunked(n, size, lengths):
    docs = (Document(str(i), "x") for i in range(n))
    assert [len(c) for c in chunked(docs, size)] == lengths


@pytest.mark.parametrize("summary, code", [
    (Summary(processed=3), 0), (Summary(processed=3, failed=1), 1),
    (Summary(processed=3, failed=1, interrupted=True), 2),
])
def test_runner_summary_exit_codes(summary, code):
    assert summary.exit_code == code
    assert f"processed={summary.processed} skipped=0 failed={summary.failed}" in summary.line()


@pytest.mark.parametrize("make_input, code", [
    (lambda tmp: (tmp / "empty").mkdir() or str(tmp / "empty"), 5),
])
def test_runner_failed_run_keeps_previous_output(slow_run, tmp_path, make_input, code):
    pipe, _, env = slow_run
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "yesterday"}\n')
    proc = subprocess.run([sys.executable, "-m", "textmill", "run", str(pipe),
                           make_input(tmp_path), "-o", str(out)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == code, proc.stderr
    assert out.read_text() == '{"id": "yesterday"}\n'
    assert not list(tmp_path.glob(".textmill-*"))


@pytest.mark.parametrize("error", [RuntimeError("executor broke")])
def test_runner_exception_does_not_replace_output(tmp_path, pm, error):
    from textmill import Step, hookimpl, pipeline_from_dict
    from textmill.outputs import JsonlSink
    from textmill.runner import run_pipeline

    class Noop(Step):
        name = "noop"
        provides = "noop"

    class Plugin:
        @hookimpl
        def register_steps(register):
            register(Noop)

    class Broken:
        def map(self, chunks):
            raise error

        def close(self):
            pass

    pm.register(Plugin)
    pipeline = pipeline_from_dict({"textmill": 1, "name": "t", "steps": [{"use": "noop"}]}, pm)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    with pytest.raises(RuntimeError):
        run_pipeline(pipeline, [Document("a", "text")], [JsonlSink(str(out))], pm=pm,
                     executor_obj=Broken())
    assert out.read_text() == "previous\n"
