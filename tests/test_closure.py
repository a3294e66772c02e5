"""The transitive closure that both inference (subclass and subproperty hierarchies) and search (a hit's most
specific class) rely on."""

from kraeftgraf.graph.closure import transitive_closure


def test_every_term_gets_what_is_above_it_however_far() -> None:
    # Initiative ⊑ PlanItem ⊑ Thing: an initiative is also a thing.
    direct = {"Initiative": {"PlanItem"}, "PlanItem": {"Thing"}}
    assert transitive_closure(direct) == {"Initiative": {"PlanItem", "Thing"}, "PlanItem": {"Thing"}}


def test_a_term_is_never_above_itself_even_through_a_cycle() -> None:
    # owl:equivalentClass is read as links both ways: A and B are above each other, never above themselves.
    assert transitive_closure({"A": {"B"}, "B": {"A", "C"}}) == {"A": {"B", "C"}, "B": {"A", "C"}}
