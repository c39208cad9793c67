"""Hypothesis strategies for stories: random nestings of the container elements."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

# Each container around its inner story (``{inner}``).
CONTAINERS = {
    "box": "<box>{inner}</box>",
    "box-split": '<box keep="no">{inner}</box>',
    "keep": "<keep>{inner}</keep>",
    "dose": "<dose>{inner}</dose>",
    "card": "<card><band><p>t</p><p>k</p></band>{inner}</card>",
    "columns": "<columns><column>{inner}</column><column>{inner}</column></columns>",
    "grid": '<grid columns="2"><cell>{inner}</cell><cell>{inner}</cell></grid>',
    "flow": '<flow columns="2">{inner}</flow>',
}


def nested_stories(leaves: Sequence[str], kinds: Sequence[str],
                   max_leaves: int) -> st.SearchStrategy[str]:
    """Story XML: ``leaves`` nested in the containers named by ``kinds``, one to three
    children each."""
    def around(parts: list[str], kind: str) -> str:
        return CONTAINERS[kind].format(inner="".join(parts))

    return st.recursive(st.sampled_from(list(leaves)), lambda inner: st.builds(
        around, st.lists(inner, min_size=1, max_size=3), st.sampled_from(list(kinds))),
        max_leaves=max_leaves)
