"""The transitive closure of a relation given as direct links: what is above each term, however far."""

from collections.abc import Hashable, Mapping, Set
from typing import TypeVar

Term = TypeVar("Term", bound=Hashable)


def transitive_closure(direct: Mapping[Term, Set[Term]]) -> dict[Term, set[Term]]:
    """For each term with direct links, every term reachable from it (itself excluded, even through a cycle)."""
    closed: dict[Term, set[Term]] = {}
    for start in direct:
        seen: set[Term] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        seen.discard(start)
        closed[start] = seen
    return closed
