"""Constructs that valid SPARQL 1.1 allows but Virtuoso 7 refuses or answers differently, found in a query's parse
tree (rdflib's SPARQL parser), so a saved query that would not run everywhere never lands.

What Virtuoso 7.2 does (found running the saved queries on it, tests/test_virtuoso.py):
- an aggregate's alias used in another expression of the same SELECT or in its ORDER BY is refused (SP031);
- EXISTS used as a value (BIND or projection) comes back as xsd:integer 0/1, not xsd:boolean;
- IF(..., ?iri, ...) choosing a variable turns an IRI into a plain string;
- a cast to a number that should fail does not always (xsd:integer("E") is 0), so COALESCE(xsd:integer(?x), d)
  does not fall back to d.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseBaseException, ParseResults
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from ..sparql.lexer import Token
from ..sparql.reading import read_query

__all__ = ["Finding", "portability_problems"]

# rdflib's CompValue.get(key) answers the key itself for a missing key: `key in node` and node[key] are used instead.
_SELECTS = ("SelectQuery", "SubSelect")
_EXISTS = ("Builtin_EXISTS", "Builtin_NOTEXISTS")
_NUMBER_CASTS = {str(XSD[name]) for name in ("integer", "decimal", "double", "float", "int", "long")}


@dataclass(frozen=True)
class Finding:
    """One non-portable construct: the line it is on, what is wrong and how to write it instead."""

    line: int
    problem: str
    hint: str


def portability_problems(text: str) -> list[Finding]:
    """The non-portable constructs of a query, in line order; [] for a query that cannot be parsed (the
    query loader reports those)."""
    try:
        tree = parseQuery(text)
    except ParseBaseException:
        return []
    tokens = read_query(text).tokens
    prefixes = {"xsd": str(XSD)}  # the engines predeclare xsd:, as the project's other prefixes
    prefixes.update({str(decl["prefix"]): str(decl["iri"]) for decl in tree[0]
                     if isinstance(decl, CompValue) and decl.name == "PrefixDecl" and "prefix" in decl})
    found: list[Finding] = []
    for node in _nodes(tree):
        if node.name in _SELECTS:
            found += _reused_aggregates(node, tokens)
            for entry in node["projection"] if "projection" in node else []:
                if isinstance(entry, CompValue) and "evar" in entry:
                    found += _value_problems(entry["expr"], entry["evar"], tokens)
        elif node.name == "Bind":
            found += _value_problems(node["expr"], node["var"], tokens)
        elif node.name == "Builtin_COALESCE" and any(_is_number_cast(arg, prefixes) for arg in node["arg"]):
            found.append(Finding(_line_of_coalesce_cast(tokens), "COALESCE relies on a cast to a number failing "
                                 "(Virtuoso casts some non-numbers, e.g. xsd:integer(\"E\") is 0)",
                                 'cast only what is a number: COALESCE(IF(REGEX(STR(?x), "^[0-9]+$"), '
                                 "xsd:integer(?x), DEFAULT), DEFAULT)"))
    return sorted(set(found), key=lambda finding: (finding.line, finding.problem))


def _reused_aggregates(select: CompValue, tokens: tuple[Token, ...]) -> list[Finding]:
    """An aggregate's alias used by a later projection expression or by ORDER BY of the same SELECT."""
    aliases: set[Variable] = set()
    found: list[Finding] = []
    hint = ("compute the aggregates in a subquery { SELECT ... (COUNT(...) AS ?n) ... GROUP BY ... } and use ?n in "
            "the outer query's expressions and ORDER BY")
    for entry in select["projection"] if "projection" in select else []:
        if not isinstance(entry, CompValue) or "evar" not in entry:
            continue
        for alias in sorted(_variables(entry["expr"]) & aliases):
            found.append(Finding(_use_within(tokens, alias, entry["evar"]), f"the aggregate ?{alias} is used again in "
                                 f"the same SELECT's ?{entry['evar']} (Virtuoso refuses it: SP031)", hint))
        if any(node.name.startswith("Aggregate_") for node in _nodes(entry["expr"])):
            aliases.add(entry["evar"])
    ordered = _variables(select["orderby"]["condition"]) if "orderby" in select else set()
    for alias in sorted(ordered & aliases):
        found.append(Finding(_use_after_definition(tokens, alias), f"the aggregate ?{alias} is used in ORDER BY "
                             "of the SELECT that computes it (Virtuoso refuses it: SP031)", hint))
    return found


def _value_problems(expression: object, alias: Variable, tokens: tuple[Token, ...]) -> list[Finding]:
    """EXISTS as a value, and IF choosing a variable, in the expression bound to ?alias."""
    top = _unwrapped(expression)
    found: list[Finding] = []
    if isinstance(top, CompValue) and top.name in _EXISTS:
        found.append(Finding(_definition(tokens, alias), f"?{alias} is an EXISTS as a value (Virtuoso answers "
                             "xsd:integer 0/1, not xsd:boolean)",
                             f"cast it: xsd:boolean(EXISTS {{ ... }}) AS ?{alias}"))
    for node in _nodes(expression):
        if node.name == "Builtin_IF" and any(arm in node and isinstance(_unwrapped(node[arm]), Variable)
                                             for arm in ("arg2", "arg3")):
            found.append(Finding(_definition(tokens, alias), f"?{alias} is chosen by IF(..., ?variable, ...) "
                                 "(Virtuoso turns an IRI chosen so into a string)",
                                 "match the chosen value in the pattern instead, e.g. ?chosen a kg:Region . "
                                 "FILTER((test && ?chosen = ?a) || (!test && ?chosen = ?b))"))
    return found


def _is_number_cast(argument: object, prefixes: dict[str, str]) -> bool:
    call = _unwrapped(argument)
    if not isinstance(call, CompValue) or call.name != "Function":
        return False
    iri = call["iri"]
    if isinstance(iri, CompValue) and iri.name == "pname":
        iri = prefixes.get(str(iri["prefix"]), "") + str(iri["localname"] if "localname" in iri else "")
    return isinstance(iri, str | URIRef) and str(iri) in _NUMBER_CASTS


def _line_of_coalesce_cast(tokens: tuple[Token, ...]) -> int:
    """The line of the first COALESCE whose first argument is a cast to a number (its name, e.g. xsd:integer)."""
    for index, token in enumerate(tokens[:-2]):
        if token.text.upper() == "COALESCE" and any(cast.rsplit("#", 1)[1] == tokens[index + 2].text.split(":")[-1]
                                                    for cast in _NUMBER_CASTS):
            return token.line
    return 1


def _nodes(value: object) -> Iterator[CompValue]:
    """Every parse-tree node in a value, the value included, depth first."""
    if isinstance(value, CompValue):
        yield value
        for inner in value.values():
            yield from _nodes(inner)
    elif isinstance(value, list | tuple | ParseResults):
        for inner in value:
            yield from _nodes(inner)


def _variables(value: object) -> set[Variable]:
    """The variables an expression mentions, not those of a subquery inside it (its own scope)."""
    if isinstance(value, Variable):
        return {value}
    if isinstance(value, CompValue):
        if value.name == "SubSelect":
            return set()
        return set().union(*(_variables(inner) for inner in value.values()))
    if isinstance(value, list | tuple | ParseResults):
        return set().union(*(_variables(inner) for inner in value))
    return set()


def _unwrapped(value: object) -> object:
    """An expression without the one-operand layers the grammar wraps around every term."""
    while isinstance(value, CompValue) and set(value.keys()) == {"expr"}:
        value = value["expr"]
    return value


def _definition(tokens: tuple[Token, ...], variable: Variable) -> int:
    """The line of `AS ?variable`, else of the variable's first mention (1 if not found)."""
    for before, token in zip(tokens, tokens[1:], strict=False):
        if _is(token, variable) and before.text.upper() == "AS":
            return token.line
    return next((token.line for token in tokens if _is(token, variable)), 1)


def _use_after_definition(tokens: tuple[Token, ...], variable: Variable) -> int:
    """The line where ?variable is first used after `AS ?variable` defines it."""
    defined = False
    for before, token in zip(tokens, tokens[1:], strict=False):
        if _is(token, variable):
            if before.text.upper() == "AS":
                defined = True
            elif defined:
                return token.line
    return _definition(tokens, variable)


def _use_within(tokens: tuple[Token, ...], variable: Variable, alias: Variable) -> int:
    """The line where ?variable is last used before `AS ?alias` ends the expression that uses it."""
    end = _definition(tokens, alias)
    uses = [token.line for before, token in zip(tokens, tokens[1:], strict=False)
            if _is(token, variable) and before.text.upper() != "AS" and token.line <= end]
    return uses[-1] if uses else end


def _is(token: Token, variable: Variable) -> bool:
    return token.kind == "var" and token.text[1:] == str(variable)
