"""No module of biovista imports itself through others.

``lint-imports`` (the contracts in pyproject.toml) checks layers and circles between sibling
packages; a circle between a package's ``__init__`` and one of its own modules is not a
sibling circle, so this test walks every import once more. Imports for type hints only
(under ``TYPE_CHECKING``) never run, and are left out as the contracts leave them out.
"""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("biovista", cache_dir=None, exclude_type_checking_imports=True)
    circles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                circles.append(" -> ".join((module, *back)))
    assert circles == []
