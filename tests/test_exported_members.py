"""The public API is exactly the sorted ``__all__`` of ``textmill``."""

from __future__ import annotations

import textmill


def test_exported_members_sorted_and_complete():
    public = sorted(n for n in dir(textmill) if not n.startswith("_") and n[0].isupper() or
                    n in {"get_plugin_manager", "hookimpl", "load_pipeline", "pipeline_from_dict",
                          "pipeline_from_yaml"})
    assert textmill.__all__ == sorted(textmill.__all__)
    assert set(public) <= set(textmill.__all__)
    for name in textmill.__all__:
        assert hasattr(textmill, name), name
