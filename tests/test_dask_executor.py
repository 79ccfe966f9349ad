"""The Dask executor: same records as the local executor, bounded and ordered, faults survived."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from textmill import (
    Document,
    PluginError,
    UsageError,
    get_plugin_manager,
    load_pipeline,
    pipeline_from_dict,
)
from textmill.executors import InlineExecutor, make_executor
from textmill.inputs import iter_documents
from textmill.outputs import JsonlSink
from textmill.runner import run_pipeline

from .conftest import DEMO_PLUGIN, ROOT, make_distribution

pytest.importorskip("distributed")

SLOW_PLUGIN = '''
import os
import time

from textmill import Step, StepConfig, hookimpl


class SlowConfig(StepConfig):
    seconds: float = 0.05


class Slow(Step):
    """Sleeps per document and records which process did the work."""

    name = "slow"
    Config = SlowConfig
    provides = "slow"

    def process_doc(self, doc, record):
        time.sleep(self.config.seconds)
        return {"pid": os.getpid(), "tokens": len(doc)}


@hookimpl
def register_steps(register):
    "Register the slow step"
    register(Slow)
'''

SHOUT_PLUGIN = '''
from textmill import Step, hookimpl


class Shout(Step):
    """Upper-cases the text; installed on the client only, never on the workers."""

    name = "shout"
    provides = "shout"

    def process_doc(self, doc, record):
        return doc.text.upper()


@hookimpl
def register_steps(register):
    "Register the shout step"
    register(Shout)
'''

PEOPLE = ["Maria Lopez", "Ahmed Karimi", "Olena Shevchenko", "Kenji Watanabe", "Grace Mensah"]
PLACES = ["Nairobi", "Lisbon", "Kyiv", "Osaka", "Toronto", "Santiago", "Hanoi", "Oslo"]
ORGS = ["the World Bank", "Reuters", "the United Nations", "Siemens", "the European Commission"]
EVENTS = ["a port strike", "the harvest", "a flood", "the budget talks", "a rail merger"]


def written_texts(n: int = 40) -> list[str]:
    """``n`` short news texts, distinct from each other, written for these tests."""
    texts = []
    for i in range(n):
        person, place = PEOPLE[i % len(PEOPLE)], PLACES[i % len(PLACES)]
        org, event = ORGS[i % len(ORGS)], EVENTS[(i // 2) % len(EVENTS)]
        texts.append(
            f"{place} reports on {event}\n\n"
            f"{person} told {org} on Tuesday that {event} in {place} had cost about "
            f"${i + 2}.{i % 10} million and affected {120 * (i + 1):,} workers. "
            f"\"We expect {i % 7 + 3}% more next year,\" {person.split()[-1]} said. "
            f"Officials in {PLACES[(i + 3) % len(PLACES)]} disagreed, citing {i + 11} reports.")
    return texts


def corpus(seed_text: str) -> list[Document]:
    """The seed article, 40 written texts, one failing and one unreadable document."""
    docs = [Document(id="seed", text=seed_text, source="seeds/north-korea-ukraine.txt")]
    docs += [Document(id=f"t{i:02d}", text=t, meta={"n": i})
             for i, t in enumerate(written_texts())]
    docs.insert(7, Document(id="boom", text="This one will EXPLODE on purpose."))
    docs.insert(20, Document(id="unreadable", text="", error="bad.txt: not valid utf-8"))
    return docs


# -- one cluster for the module: workers see the demo plugins, not the client-only one -------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Plugin distributions put on sys.path and PYTHONPATH before any worker starts."""
    root = tmp_path_factory.mktemp("site")
    make_distribution(root, "textmill_demo_words", DEMO_PLUGIN)
    make_distribution(root, "textmill_test_slow", SLOW_PLUGIN)
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(root))
        mp.setenv("PYTHONPATH", os.pathsep.join([str(root), *sys.path]))
        yield root


def local_cluster(**options):
    """A quiet LocalCluster: no dashboard, health routes on a free port rather than 8787."""
    from distributed import LocalCluster

    return LocalCluster(dashboard_address=None, silence_logs=logging.ERROR,
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, **options)


@pytest.fixture(scope="module")
def scheduler(site):
    """Address of a LocalCluster of 2 single-threaded worker processes."""
    with local_cluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def client_only(tmp_path, monkeypatch, site):
    """The 'shout' step, installed in this process after the workers started."""
    root = make_distribution(tmp_path / "client-only", "textmill_test_shout", SHOUT_PLUGIN)
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(root), str(site), *sys.path]))
    return root


def pipeline(steps, model, **extra):
    data = {"textmill": 1, "name": "dasktest", "model": model, "steps": steps, **extra}
    return pipeline_from_dict(data, get_plugin_manager())


def run_to(pipe, docs, out: Path, **options):
    summary = run_pipeline(pipe, iter(docs), [JsonlSink(str(out))], pm=get_plugin_manager(),
                           **options)
    return summary, [json.loads(line) for line in out.read_text().splitlines()]


@pytest.mark.parametrize("steps, batch_size", [
    ([{"use": "words", "config": {"min_length": 2}}], 3),
    ([{"use": "words"}, {"use": "slow", "config": {"seconds": 0.0}}], 32),
])
def test_dask_executor_matches_local_executor(scheduler, blank_model, seed_text, tmp_path,
                                              steps, batch_size):
    pipe = pipeline(steps, blank_model, batch_size=batch_size)
    docs = corpus(seed_text)
    local_summary, local = run_to(pipe, docs, tmp_path / "local.jsonl")
    dask_summary, remote = run_to(pipe, docs, tmp_path / "dask.jsonl", executor="dask",
                                  scheduler=scheduler)
    for record in local + remote:
        record.get("slow", {}).pop("pid", None)  # which process did the work may differ
    assert remote == local
    assert [r["id"] for r in remote] == [d.id for d in docs]
    assert (dask_summary.processed, dask_summary.failed) == (local_summary.processed, 2)


@pytest.mark.parametrize("chunks", [30])
def test_dask_executor_bounds_chunks_in_flight(scheduler, blank_model, chunks):
    pipe = pipeline([{"use": "words"}], blank_model)
    ex = make_executor(pipe, executor="dask", scheduler=scheduler)
    pulled = []

    def source():
        for i in range(chunks):
            pulled.append(i)
            yield [Document(id=f"c{i}", text=f"chunk number {i}")]

    try:
        for seen, records in enumerate(ex.map(source()), 1):
            assert records[0]["id"] == f"c{seen - 1}"
            assert len(pulled) - seen < 2 * 2  # two single-threaded workers
    finally:
        ex.close()
    assert seen == chunks


@pytest.mark.parametrize("steps, named", [
    ([{"use": "shout"}], ["'shout'", "'textmill_test_shout'", "'textmill-test-shout' 0.1.0"]),
    ([{"use": "words"}, {"use": "shout"}], ["step 'shout'"]),
])
def test_dask_executor_missing_plugin_names_step_and_worker(scheduler, client_only, blank_model,
                                                            steps, named):
    ex = make_executor(pipeline(steps, blank_model), executor="dask", scheduler=scheduler)
    try:
        with pytest.raises(PluginError) as info:
            list(ex.map([[Document(id="a", text="hello")]]))
    finally:
        ex.close()
    message = str(info.value)
    for part in [*named, "not installed on dask worker tcp://127.0.0.1:", "docs/scaling.md"]:
        assert part in message
    assert "'words'" not in message


@pytest.mark.parametrize("version", ["9.9.9"])
def test_dask_executor_refuses_other_plugin_versions(scheduler, blank_model, version):
    ex = make_executor(pipeline([{"use": "words"}], blank_model), executor="dask",
                       scheduler=scheduler)
    ex.expected["words"][2] = version  # as if the client had another release installed
    try:
        with pytest.raises(PluginError, match=f"'words'.*dask worker tcp://.*{version}"):
            list(ex.map([[Document(id="a", text="hello")]]))
    finally:
        ex.close()


@pytest.fixture
def quick_timeouts(monkeypatch):
    from textmill import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setattr(dask_executor, "_POLL_SECONDS", 0.2)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9"])
def test_dask_executor_unreachable_scheduler_is_a_usage_error(site, quick_timeouts, blank_model,
                                                              address):
    with pytest.raises(UsageError, match=f"cannot connect to the dask scheduler '{address}'"):
        make_executor(pipeline([{"use": "words"}], blank_model), executor="dask",
                      scheduler=address)


@pytest.mark.parametrize("start, message", [
    (0, "no worker joined the dask scheduler"),
    (1, "every dask worker is gone and none came back within 1 s"),
])
def test_dask_executor_fails_rather_than_waits_without_workers(site, quick_timeouts, blank_model,
                                                               start, message):
    from textmill import TextmillError

    pipe = pipeline([{"use": "words"}], blank_model)
    # Workers as threads of this process: cheap, and enough to have none, then lose them.
    with local_cluster(n_workers=start, processes=False) as cluster:
        with pytest.raises(TextmillError, match=message):
            ex = make_executor(pipe, executor="dask", scheduler=cluster.scheduler_address)
            try:
                cluster.scale(0)
                while ex.client.nthreads():
                    time.sleep(0.05)
                list(ex.map([[Document(id="a", text="never processed")]]))
            finally:
                ex.close()


class FakeFuture:
    """Answers result() from a script of outcomes; ``status`` as a Dask future reports it."""

    def __init__(self, outcomes, status):
        self.outcomes, self.status = list(outcomes), status

    def done(self):
        return self.status in ("finished", "error")

    def result(self, timeout=None):
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class FakeClient:
    def nthreads(self):
        return {"tcp://w:1": 1}


@pytest.mark.parametrize("outcomes, status, expected", [
    # The chunk finished just after the wait timed out: its records, not an error.
    ([TimeoutError("timed out after 5 s."), [{"id": "a"}]], "finished", [{"id": "a"}]),
    # The task itself raised TimeoutError: that is the chunk's failure.
    ([TimeoutError("socket"), TimeoutError("socket")], "error", "TimeoutError: socket"),
])
def test_dask_executor_tells_a_slow_chunk_from_a_failed_one(quick_timeouts, outcomes, status,
                                                            expected):
    from textmill import TextmillError
    from textmill.dask_executor import DaskExecutor

    ex = DaskExecutor.__new__(DaskExecutor)  # no cluster: only the waiting logic
    ex.client = FakeClient()
    future = FakeFuture(outcomes, status)
    if isinstance(expected, str):
        with pytest.raises(TextmillError, match=expected):
            ex._result([Document(id="a", text="x")], future)
    else:
        assert ex._result([Document(id="a", text="x")], future) == expected


@pytest.mark.parametrize("code", [
    "import textmill.dask_executor, textmill.runner, textmill.cli",
    "import textmill.executors as e, textmill.pipeline as p; "
    "e.make_executor(p.pipeline_from_dict({'textmill': 1, 'name': 'x', 'model': 'none', "
    "'steps': [{'use': 'words'}]}), workers=2).close()",
])
def test_dask_executor_dask_stays_an_optional_import(site, code):
    check = f"{code}\nimport sys; print(sorted(m for m in ('dask', 'distributed') if m in " \
            "sys.modules))"
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# -- through the command line ---------------------------------------------------------------

def textmill(*args, env=None):
    return subprocess.run([sys.executable, "-m", "textmill", *args], capture_output=True,
                          text=True, timeout=300, env=env)


def write_pipeline(path: Path, model: str, steps: str, extra: str = "") -> Path:
    path.write_text(textwrap.dedent(f"""\
        textmill: 1
        name: words
        model: {model}
        batch_size: 4
        steps:
        """) + textwrap.indent(steps, "  ") + extra)
    return path


@pytest.fixture
def jsonl_corpus(tmp_path, seed_text):
    path = tmp_path / "corpus.jsonl"
    with path.open("w") as fh:
        for doc in corpus(seed_text):
            if doc.error is None:
                fh.write(json.dumps({"id": doc.id, "text": doc.text, "meta": doc.meta}) + "\n")
    return path


@pytest.mark.parametrize("how", ["option", "pipeline file"])
def test_dask_executor_cli_scheduler_matches_local(scheduler, blank_model, jsonl_corpus,
                                                   tmp_path, how):
    steps = "- use: words\n  config: {min_length: 3}\n"
    extra = f"executor: dask\nscheduler: {scheduler}\n" if how == "pipeline file" else ""
    pipe = write_pipeline(tmp_path / "p.yaml", blank_model, steps, extra)
    local = tmp_path / "local.jsonl"
    run_to(load_pipeline(str(pipe)), iter_documents([str(jsonl_corpus)]), local)
    options = ["--executor", "dask", "--scheduler", scheduler] if how == "option" else []
    proc = textmill("run", str(pipe), str(jsonl_corpus), "-o", str(tmp_path / "dask.jsonl"),
                    *options)
    assert proc.returncode == 1, proc.stderr
    assert "processed=41 skipped=0 failed=1" in proc.stderr
    assert (tmp_path / "dask.jsonl").read_text() == local.read_text()


def test_dask_executor_cli_missing_plugin_exits_4(scheduler, client_only, blank_model,
                                                  jsonl_corpus, tmp_path):
    pipe = write_pipeline(tmp_path / "p.yaml", blank_model, "- use: shout\n")
    proc = textmill("run", str(pipe), str(jsonl_corpus), "--executor", "dask",
                    "--scheduler", scheduler)
    assert proc.returncode == 4, proc.stderr
    assert "Error: step 'shout' (plugin 'textmill_test_shout'" in proc.stderr
    assert "not installed on dask worker tcp://" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("runs", [[[], []]])
def test_dask_executor_cli_store_runs_match_local(scheduler, blank_model, jsonl_corpus, tmp_path,
                                                  runs):
    pipe = write_pipeline(tmp_path / "p.yaml", blank_model, "- use: words\n")
    lines, exports = {}, {}
    for name, options in [("local", []), ("dask", ["--executor", "dask", "--scheduler",
                                                    scheduler])]:
        store = str(tmp_path / f"{name}.db")
        procs = [textmill("run", str(pipe), str(jsonl_corpus), "--store", store, "-o",
                          str(tmp_path / f"{name}{i}.jsonl"), *options, *extra)
                 for i, extra in enumerate(runs)]
        lines[name] = [(p.returncode, p.stderr.splitlines()[-1].split(" seconds=")[0])
                       for p in procs]
        exports[name] = textmill("export", "--store", store).stdout
    assert lines["dask"] == lines["local"]
    assert lines["dask"][1] == (0, "textmill: processed=0 skipped=42 failed=0")
    assert exports["dask"] == exports["local"] and exports["dask"].count("\n") == 42


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1])
def test_dask_executor_starts_a_local_cluster_of_workers(site, blank_model, seed_text, workers):
    pipe = pipeline([{"use": "words"}], blank_model)
    docs = corpus(seed_text)[:12]
    ex = make_executor(pipe, workers=workers, executor="dask")
    try:
        assert list(ex.client.nthreads().values()) == [1] * workers
        remote = [r for batch in ex.map([docs[:5], docs[5:]]) for r in batch]
    finally:
        ex.close()
    assert ex.cluster is None and ex.client.status == "closed"
    assert remote == InlineExecutor(pipe).engine.process(docs)
    # The traceback the store keeps rides on the error entry, across the cluster too.
    [failed] = [r for r in remote if r["errors"] and r["errors"][0]["step"] == "words"]
    assert "exploded on purpose" in failed["errors"][0].traceback


@pytest.mark.slow
@pytest.mark.parametrize("docs", [400])
def test_dask_executor_ctrl_c_drains_the_local_cluster(site, blank_model, tmp_path, docs):
    corpus_path = tmp_path / "many.jsonl"
    corpus_path.write_text("".join(json.dumps({"id": f"d{i:03d}", "text": f"doc {i}"}) + "\n"
                                   for i in range(docs)))
    steps = "- use: slow\n  config: {seconds: 0.05}\n"
    pipe = write_pipeline(tmp_path / "p.yaml", blank_model, steps)
    out = tmp_path / "out" / "records.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "textmill", "run", str(pipe),
                             str(corpus_path), "-o", str(out), "--executor", "dask",
                             "--workers", "1"], stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not any(p.stat().st_size for p in out.parent.glob(".textmill-*.part")):
            assert time.monotonic() < deadline and proc.poll() is None, "no records written"
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 2, stderr
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert 0 < len(ids) < docs and ids == [f"d{i:03d}" for i in range(len(ids))]
    assert f"processed={len(ids)} skipped=0 failed=0" in stderr and "interrupted" in stderr


# -- the real model --------------------------------------------------------------------------

@pytest.mark.model
@pytest.mark.parametrize("steps", [[{"use": "entities"}, {"use": "quotes"}, {"use": "numbers"}]])
def test_dask_executor_matches_local_with_the_model(scheduler, seed_text, steps):
    pipe = pipeline(steps, "en_core_web_sm", batch_size=8)
    docs = corpus(seed_text)
    chunks = [docs[i:i + 8] for i in range(0, len(docs), 8)]
    local = [r for batch in InlineExecutor(pipe).map(chunks) for r in batch]
    ex = make_executor(pipe, executor="dask", scheduler=scheduler)
    try:
        remote = [r for batch in ex.map(chunks) for r in batch]
    finally:
        ex.close()
    assert remote == local
    assert sum(len(r.get("entities", [])) for r in remote) > 40


# -- faults (last: the kill leaves the shared cluster restarting a worker) -------------------

@pytest.mark.slow
@pytest.mark.parametrize("docs, per_chunk, seconds", [(60, 2, 0.05)])
def test_dask_executor_survives_a_killed_worker(scheduler, blank_model, docs, per_chunk,
                                                seconds):
    pipe = pipeline([{"use": "slow", "config": {"seconds": seconds}}], blank_model)
    ex = make_executor(pipe, executor="dask", scheduler=scheduler)
    chunks = [[Document(id=f"d{i + j:03d}", text=f"document {i + j}")
               for j in range(per_chunk)] for i in range(0, docs, per_chunk)]
    records, victim = [], None
    try:
        pids = set(ex.client.run(os.getpid).values())
        for batch in ex.map(chunks):
            records.extend(batch)
            if victim is None:
                victim = batch[0]["slow"]["pid"]
                assert victim in pids
                os.kill(victim, signal.SIGKILL)
        after = set(ex.client.run(os.getpid).values())
    finally:
        ex.close()
    assert [r["id"] for r in records] == [f"d{i:03d}" for i in range(docs)]
    assert all(r["errors"] == [] and r["slow"]["tokens"] == 2 for r in records)
    assert victim not in after
    # Chunks submitted after the kill ran on processes alive at the end (the other worker,
    # or the one the nanny restarted), none on the victim.
    late = {r["slow"]["pid"] for r in records[len(records) // 2:]}
    assert victim not in late and late <= after


def test_dask_executor_module_is_documented():
    text = (ROOT / "docs" / "scaling.md").read_text()
    for needle in ["dask scheduler", "dask worker", "--scheduler", "textmill[dask]"]:
        assert needle in text
