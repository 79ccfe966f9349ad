"""The plugin host: entry points, load errors, duplicates, and TEXTMILL_LOAD_PLUGINS."""

from __future__ import annotations

import pytest

from textmill import PluginError, Step, get_plugin_manager, hookimpl

from .conftest import DEMO_PLUGIN, make_distribution


class A(Step):
    name = "dup"
    provides = "dup"


@pytest.mark.parametrize("broken_source", ["raise ImportError('missing dependency foo')",
                                           "this is not python"])
def test_plugins_broken_entry_point_does_not_stop_others(tmp_path, monkeypatch, broken_source):
    make_distribution(tmp_path / "a", "tm_broken", broken_source)
    make_distribution(tmp_path / "b", "tm_words", DEMO_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    pm = get_plugin_manager()
    assert "tm_broken" in pm.load_errors
    assert "words" in pm.steps()
    info = {i.name: i for i in pm.plugin_infos()}
    assert info["tm_broken"].error and info["tm_broken"].distribution == "tm-broken"
    assert info["tm_words"].steps == ["words"] and info["tm_words"].version == "0.1.0"


@pytest.mark.parametrize("second", ["dup"])
def test_plugins_duplicate_step_names_name_both(pm, second):
    class B(Step):
        name = second
        provides = "dup2"

    class P1:
        @hookimpl
        def register_steps(register):
            register(A)

    class P2:
        @hookimpl
        def register_steps(register):
            register(B)

    pm.register(P1, name="first-plugin")
    pm.register(P2, name="second-plugin")
    with pytest.raises(PluginError, match="first-plugin.*second-plugin|second-plugin.*first"):
        pm.steps()


@pytest.mark.parametrize("allow, expected", [("tm_words", {"words"}), ("", set())])
def test_plugins_load_only_named(tmp_path, monkeypatch, allow, expected):
    make_distribution(tmp_path / "b", "tm_words", DEMO_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    monkeypatch.setenv("TEXTMILL_LOAD_PLUGINS", allow)
    assert set(get_plugin_manager().steps()) == expected


@pytest.mark.parametrize("thing", [object, "text"])
def test_plugins_register_rejects_non_steps(pm, thing):
    class P:
        @hookimpl
        def register_steps(register):
            register(thing)

    pm.register(P)
    with pytest.raises(PluginError, match="not a Step subclass"):
        pm.steps()


@pytest.mark.parametrize("name", ["entities", "quotes", "numbers", "stance"])
def test_plugins_builtin_entry_points_load(name):
    pm = get_plugin_manager()
    assert name not in pm.load_errors
    assert pm.get_plugin(name) is not None
    assert pm.distributions[name][0] == "textmill"
