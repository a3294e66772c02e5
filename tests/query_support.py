"""Helpers shared by the saved-query tests."""

from kraeftgraf.api import Value, plain_python
from kraeftgraf.engines.base import QueryResult, rows_as_tuples


def plain_rows(result: QueryResult) -> list[tuple[Value, ...]]:
    """Rows as plain Python values, so engines that write the same decimal differently (72.0, 72) compare equal."""
    return [tuple(plain_python(value) for value in row) for row in rows_as_tuples(result)]


def number(value: Value) -> float:
    """A cell that must hold a number."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return value
