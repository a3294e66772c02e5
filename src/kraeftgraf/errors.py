"""Errors the user can fix; the CLI prints them without a traceback and exits 2."""

import difflib
from collections.abc import Sequence
from pathlib import Path


class KraeftgrafError(Exception):
    """Something the user can fix. The CLI prints it without a traceback and exits 2."""


class DataFileError(KraeftgrafError):
    """A data, ontology or shapes file that cannot be read or parsed."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: {detail}\nFix the file there, then run `kraeftgraf validate`.")
        self.path = path


class SourcesDirectoryError(KraeftgrafError):
    """The folder of source texts for quote verification is missing."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: no such folder of source texts. Pass the folder that holds the documents' "
            "extracted text with --sources DIR."
        )
        self.path = path


class SourceTextChangedError(KraeftgrafError):
    """A source text whose bytes are not those its manifest gives the checksum of."""

    def __init__(self, path: Path, *, actual: str, expected: str, manifest: Path) -> None:
        super().__init__(
            f"{path}: the text's SHA-256 is {actual}, but {manifest} gives {expected}. The quotes were curated from, "
            "and their locations count in, the text as described there: restore it, or, if the new text is the "
            "one meant, check every quote against it (`kraeftgraf verify-sources`) and give its checksum in the "
            "manifest."
        )
        self.path = path


class QuotesNotLocatedError(KraeftgrafError):
    """Quotes that cannot be placed in their source texts, so the dataset is not built, published or served."""

    def __init__(self, problems: Sequence[str]) -> None:
        listed = "\n".join(problems)
        super().__init__(
            f"{len(problems)} quotes could not be placed in their source texts, so nothing was written, published or "
            f"served:\n{listed}\nWrite each quote as its source text has it (`kraeftgraf verify-sources` shows the "
            "nearest passage and what differs), then build again."
        )
        self.problems = list(problems)


class ValidationFailedError(KraeftgrafError):
    """The dataset does not conform to the shapes, so it is not built, published or served."""

    def __init__(self, violations: int, report: str) -> None:
        super().__init__(
            f"The data does not conform to the shapes ({violations} violations), so nothing was written, published "
            f"or served:\n{report}\nFix the data where it says, then check it with `kraeftgraf validate`."
        )
        self.violations = violations
        self.report = report


class UnknownQueryError(KraeftgrafError):
    """A saved query name that does not exist."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        super().__init__(f"No saved query {name!r}.{hint} List them: `kraeftgraf queries`.")
        self.name = name


class QueryFileError(KraeftgrafError):
    """A saved query file whose metadata header cannot be read."""

    def __init__(self, path: Path, detail: str, *, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {detail}\nFix the `#+` header there (it is YAML; see queries/README.md).")
        self.path = path
        self.line = line


class ParameterError(KraeftgrafError):
    """A value for a saved query's parameter that the parameter does not accept."""

    def __init__(self, query: str, parameter: str, detail: str) -> None:
        super().__init__(f"Parameter {parameter!r} of query {query!r}: {detail}")
        self.query = query
        self.parameter = parameter


class SparqlSyntaxError(KraeftgrafError):
    """An ad-hoc query that is not valid SPARQL."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: not valid SPARQL: {detail}\nFix the query and run it again.")
        self.where = where
        self.detail = detail


class QueryEvaluationError(KraeftgrafError):
    """A well-formed query that the engine cannot evaluate (an unknown function, an unbound SERVICE name)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"The query cannot be evaluated: {detail}\nFix the query and run it again.")
        self.detail = detail


class UnknownFunctionError(QueryEvaluationError):
    """A call of a function IRI that the engine does not implement."""

    def __init__(self, iri: str) -> None:
        super().__init__(f"<{iri}> is not a function this endpoint knows. It offers the functions of SPARQL 1.1 "
                         "and casts to XSD types such as xsd:integer(?x).")
        self.iri = iri


class MissingDependencyError(KraeftgrafError):
    """An optional package that a feature needs is not installed."""

    def __init__(self, package: str, feature: str) -> None:
        super().__init__(f"{feature} needs {package}, which is not installed. Install it: `pip install {package}`.")
        self.package = package


class QueryRefusedError(KraeftgrafError):
    """A query the endpoint will not run: an update, SERVICE, or FROM a graph outside the dataset."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Query refused: {reason}")
        self.reason = reason


class ProtocolError(KraeftgrafError):
    """An HTTP request that does not follow the SPARQL 1.1 Protocol (method, parameters, content type)."""


class NotAcceptableError(KraeftgrafError):
    """No result format the client accepts fits the answer."""

    def __init__(self, what: str, accept: str, offered: Sequence[str]) -> None:
        super().__init__(f"Cannot write {what} as any of {accept!r}. Ask for one of: {', '.join(offered)}.")


class RequestTooLargeError(KraeftgrafError):
    """A request body or query text longer than the endpoint accepts."""


class RequestTimeoutError(KraeftgrafError):
    """A request whose head or body took longer to arrive than the endpoint waits: a slow client holds a connection."""

    def __init__(self, part: str, seconds: float, option: str) -> None:
        super().__init__(f"The {part} took longer than {seconds:g} s to arrive, this endpoint's limit "
                         f"({option}). Send the whole request at once.")
        self.seconds = seconds


class QueryTimeoutError(KraeftgrafError):
    """A query that ran longer than the endpoint's time limit and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The query was stopped at this endpoint's time limit of {seconds:g} s (--timeout). Make it more "
            "selective (bind more of each triple pattern, filter early, add LIMIT), or run it locally with "
            "`kraeftgraf sparql FILE`.")
        self.seconds = seconds


class ResultTooLargeError(KraeftgrafError):
    """An answer with more rows or triples than the endpoint sends."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(
            f"The answer has more than {limit} {what}: this endpoint sends at most {limit} (--max-rows). Page "
            "through it with LIMIT and OFFSET, or run it locally with `kraeftgraf sparql FILE`.")
        self.limit = limit


class ServerBusyError(KraeftgrafError):
    """Every query worker stayed busy for longer than a request waits, or too many requests wait already."""

    def __init__(self, workers: int, seconds: float, *, queue: int | None = None) -> None:
        if queue is None:
            message = f"All {workers} query workers stayed busy for {seconds:g} s. Try again shortly."
        else:
            message = (f"All {workers} query workers are busy and {queue} requests are waiting for one already "
                       "(--queue). Try again shortly.")
        super().__init__(message)
        self.workers = workers
        self.seconds = seconds


class MemoryLimitError(KraeftgrafError):
    """A query that needed more memory than a worker may use, and was stopped."""

    def __init__(self, megabytes: int) -> None:
        super().__init__(f"The query needed more memory than this endpoint lets a query use ({megabytes} MB, "
                         "--memory-limit-mb) and was stopped. Make it more selective or add LIMIT.")
        self.megabytes = megabytes


class TooManyRequestsError(KraeftgrafError):
    """A client that already runs as many queries at once as the endpoint lets one client run."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"You already run {limit} queries at once here, this endpoint's limit per client "
                         "(--per-client). Wait for one to finish, then send the next.")
        self.limit = limit
        self.seconds = 1.0


class WorkerPoolBrokenError(KraeftgrafError):
    """The process that starts query workers is gone: the server cannot keep its workers and must be restarted."""

    def __init__(self) -> None:
        super().__init__("The process that starts query workers has stopped, so stopped workers can no longer be "
                         "replaced. The server is shutting down; restart it (a supervisor does so on its own).")
        self.seconds = 30.0


class ServerStoppingError(KraeftgrafError):
    """The server is stopping: its query workers are being closed, so no query is started any more."""

    def __init__(self) -> None:
        super().__init__("The server is stopping, so it starts no more queries. Send the query again once it is "
                         "back.")
        self.seconds = 30.0


class ResourceNotFoundError(KraeftgrafError):
    """An IRI the dataset says nothing about."""

    def __init__(self, iri: str) -> None:
        super().__init__(f"The dataset has no statements about <{iri}>. Search for it at / or with SPARQL at /sparql.")
        self.iri = iri


class SourceTextNotFoundError(ResourceNotFoundError):
    """A source viewer address (/source/{document}) naming no document whose text ships with kraeftgraf."""

    def __init__(self, name: str, known: Sequence[str], *, reason: str) -> None:
        KraeftgrafError.__init__(self, f"No source text for {name!r}: {reason}. The documents with one: "
                                       f"{', '.join(known) or 'none'} (open /source/<one of them>).")
        self.iri = name


class SettingError(KraeftgrafError):
    """An endpoint setting (command-line option or KRAEFTGRAF_* variable) with a value that cannot work."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"{name}={value!r}: expected {expected}.")
        self.name = name


class RemoteEndpointError(KraeftgrafError):
    """A remote SPARQL endpoint or Graph Store that cannot be reached or refuses a request."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"{url}: {detail}\nCheck that the endpoint is running and the URL is right.")
        self.url = url


class SourceTextError(KraeftgrafError):
    """A source document's extracted text that cannot be read."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: {detail}. Give the path of the document's extracted text, "
                         "e.g. ../shared/seeds/002_31b870cea9142a86.txt.")
        self.path = path


class OutputExistsError(KraeftgrafError):
    """A file that a command would create is there already; it is never overwritten."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} exists already, and `kraeftgraf new-document` never overwrites a file. "
                         f"Give another --output, or move {path} away first.")
        self.path = path


class SearchTextError(KraeftgrafError):
    """A full-text search that cannot be run as asked: no words, an open quote, an unknown document or class."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{detail} Write words to look for, \"a phrase\" in double quotes, or the start of a word "
                         "followed by * (e.g. pårør*).")
        self.detail = detail


class SearchFilterError(KraeftgrafError):
    """A search filter (document, class, limit) that names nothing in the index or is out of range."""

    def __init__(self, name: str, value: str, detail: str) -> None:
        super().__init__(f"{name}={value!r}: {detail}")
        self.name = name


class SearchIndexBuildingError(KraeftgrafError):
    """Full-text search was asked for while the endpoint's index is still being built (after a start with new data
    or a new program): worth asking again in `seconds`."""

    def __init__(self, seconds: float = 5.0) -> None:
        super().__init__("The full-text index is still being built (the data or the program is new since it was last "
                         f"built); SPARQL and the saved queries already answer. Ask again in {seconds:g} s.")
        self.seconds = seconds


class SearchIndexFailedError(KraeftgrafError):
    """The endpoint's full-text index could not be built: asking again will not help until the server restarts."""

    def __init__(self) -> None:
        super().__init__("The full-text index could not be built (the server log says why), so full-text search is "
                         "not available on this endpoint until it is restarted. SPARQL and the saved queries answer, "
                         "among them `search` (/api/queries/search?text=...), which looks for the text as written.")


class SearchUnavailableError(KraeftgrafError):
    """Full-text search was asked of an endpoint that has no index (one that serves a remote store)."""

    def __init__(self) -> None:
        super().__init__("Full-text search needs the data this endpoint holds itself; with --backend it answers from "
                         "a remote store, whose data may change, and keeps no index. Use the saved query `search` "
                         "(/api/queries/search?text=...), which looks for the text as written.")
