"""The full-text index: SQLite FTS5 over stemmed texts, ranked by BM25.

FTS5 has no Danish tokenizer, so the words are stemmed here (`words`) and FTS5 indexes the stems, separated by
spaces, in the column `stems`; the column `words` holds the same words unstemmed, for prefix searches. The
original texts stay in a plain table, for snippets. An index is built once (`build_index`), in memory or straight
into a new file (the index cache's entries are built so), and opened either from bytes (`SearchIndex.to_bytes`,
`from_bytes`: a private copy in memory) or from a file (`SearchIndex.open_file`: mapped, so that processes
reading the same file share its pages).
"""

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from ..errors import SearchFilterError
from .passages import SOURCE_TEXT_FIELD
from .query import SearchQuery, parse_search
from .snippets import Segment, snippet
from .texts import VERBATIM_FIELDS, Corpus, Source, Text
from .words import STEMMER, normalized, words

DEFAULT_LIMIT = 20
MAX_LIMIT = 500
# A document's label in the language asked for (:lang), the Danish one where it has no English one.
_DOCUMENT_LABEL = "COALESCE(CASE WHEN :lang = 'en' AND r.label_en != '' THEN r.label_en END, r.label, '')"
# How much a match in each field counts, times its BM25 score: a label names the thing, a quote mentions it. A
# passage of a source text counts least: a curated text that matches as well is a fact about a resource, found first.
FIELD_WEIGHTS = {"label": 3.0, "altLabel": 2.0, "title": 3.0, "text": 1.5, SOURCE_TEXT_FIELD: 0.5}
# Where to look: everywhere, only in the curated facts (every field but the source texts), or only in the texts.
Scope = Literal["all", "facts", "text"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE hits (id INTEGER PRIMARY KEY, resource TEXT NOT NULL, field TEXT NOT NULL, lang TEXT NOT NULL,
                   text TEXT NOT NULL, weight REAL NOT NULL);
CREATE TABLE sources (hit INTEGER NOT NULL, document TEXT NOT NULL, evidence TEXT, page INTEGER,
                      start_line INTEGER, end_line INTEGER);
CREATE INDEX sources_by_hit ON sources (hit);
CREATE TABLE types (resource TEXT NOT NULL, class TEXT NOT NULL, PRIMARY KEY (resource, class));
CREATE TABLE resources (iri TEXT PRIMARY KEY, label TEXT NOT NULL, label_en TEXT NOT NULL, class TEXT,
                        class_label TEXT, class_label_en TEXT);
CREATE VIRTUAL TABLE texts USING fts5(stems, words, tokenize = 'unicode61 remove_diacritics 0');
"""


@dataclass(frozen=True)
class DocumentRef:
    """A document a hit's text comes from, with its label and, where known, the evidence node, page and lines."""

    iri: str
    label: str
    evidence: str | None = None  # an IRI, or "_:label" for a blank node (the label means something only here)
    page: int | None = None
    start_line: int | None = None
    end_line: int | None = None


@dataclass(frozen=True)
class SearchHit:
    """One text that matched: its resource, the field, the documents it comes from, a snippet with the match marked."""

    resource: str
    label: str
    class_iri: str | None
    class_label: str | None
    field: str
    lang: str
    text: str
    snippet: tuple[Segment, ...]
    documents: tuple[DocumentRef, ...]
    score: float  # BM25 times the field's weight: higher is better


@dataclass(frozen=True)
class DocumentCount:
    """A document that says what was searched for in its own words: in how many of its curated facts (quotes,
    status texts) and in how many passages of its source text."""

    iri: str
    label: str
    facts: int
    text: int

    @property
    def passages(self) -> int:
        """Matching facts and text passages together (a quoted passage counts once as each)."""
        return self.facts + self.text

    @property
    def found_in(self) -> str:
        """"facts", "text" or "both": where the document says it."""
        return "both" if self.facts and self.text else "facts" if self.facts else "text"


@dataclass(frozen=True)
class SearchResults:
    """The best hits for a search, best first, how many texts matched in all, and the documents that say it."""

    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int
    documents: tuple[DocumentCount, ...] = ()  # over every match, not only the hits shown; most passages first


class SearchIndex:
    """An open full-text index; one per process (an SQLite connection is not to be shared across a fork)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def from_bytes(cls, data: bytes) -> "SearchIndex":
        """Open an index written by `to_bytes`, in memory (no file is read or written)."""
        connection = _connect()
        connection.deserialize(data)
        connection.execute("PRAGMA query_only = ON")
        return cls(connection)

    @classmethod
    def open_file(cls, path: Path) -> "SearchIndex":
        """Open an index file written from `to_bytes`, read-only and mapped into memory (one map per process).

        The file must not change while it is open (SQLite is told it is immutable, so it takes no locks): the
        index cache only ever renames a finished file into place. sqlite3.DatabaseError when it is no index.
        """
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                     check_same_thread=False)
        try:
            connection.execute(f"PRAGMA mmap_size = {path.stat().st_size}")  # SQLite caps it at its own maximum
            connection.execute("PRAGMA query_only = ON")
            connection.execute("SELECT count(*) FROM meta").fetchone()  # a file that is no index fails here
        except (sqlite3.DatabaseError, OSError):
            connection.close()
            raise
        return cls(connection)

    def to_bytes(self) -> bytes:
        """The whole index as bytes, to keep in a cache file or hand to another process."""
        return self.connection.serialize()

    def describe(self) -> dict[str, str]:
        """What the index holds and how it was built (stemmer, texts, resources)."""
        return dict(self.connection.execute("SELECT key, value FROM meta").fetchall())

    def documents(self) -> dict[str, str]:
        """Every document a text comes from, with its label."""
        rows = self.connection.execute(
            "SELECT DISTINCT s.document, COALESCE(r.label, '') FROM sources s "
            "LEFT JOIN resources r ON r.iri = s.document ORDER BY s.document").fetchall()
        return dict(rows)

    def classes(self) -> list[str]:
        """Every class a resource with a text has, inferred ones too."""
        return [row[0] for row in self.connection.execute("SELECT DISTINCT class FROM types ORDER BY class")]

    def search(self, text: str, *, document: str | None = None, cls: str | None = None,
               limit: int = DEFAULT_LIMIT, lang: str = "da", scope: str = "all") -> SearchResults:
        """The texts that contain every word, phrase and prefix of `text`, best first.

        `document` keeps texts from that document (an IRI); `cls` those about a resource of that class (an IRI,
        subclasses included); `scope` "facts" only the curated texts, "text" only passages of the source texts.
        SearchTextError for a text with nothing to search for; SearchFilterError for a filter that names nothing in
        the index, a scope that is none of SCOPES or a limit out of range.
        """
        query = parse_search(text)
        if scope not in SCOPES:
            raise SearchFilterError("in", scope, f"use {', '.join(SCOPES)} (curated facts and source texts, only the "
                                                 "facts, only the texts).")
        if not 1 <= limit <= MAX_LIMIT:
            raise SearchFilterError("limit", str(limit), f"give a number of hits from 1 to {MAX_LIMIT}.")
        if document is not None and document not in self.documents():
            raise SearchFilterError("document", document, "no text in the index comes from that document. "
                                    f"The documents are: {', '.join(self.documents())}.")
        if cls is not None and cls not in self.classes():
            raise SearchFilterError("class", cls, "no resource with a text has that class; give a class IRI such as "
                                    "https://w3id.org/kraeftgraf/vocab#Initiative (or kg:Initiative).")
        where, parameters = _filters(query, document, cls, scope)
        total = self.connection.execute(f"SELECT count(*) FROM texts JOIN hits h ON h.id = texts.rowid {where}",
                                        parameters).fetchone()[0]
        rows = self.connection.execute(
            f"""SELECT h.id, h.resource, h.field, h.lang, h.text, -bm25(texts) * h.weight AS score,
                       r.label, r.label_en, r.class, r.class_label, r.class_label_en
                FROM texts JOIN hits h ON h.id = texts.rowid JOIN resources r ON r.iri = h.resource {where}
                ORDER BY (texts.stems = :exact AND h.field != :passage) DESC, score DESC, h.id LIMIT :limit""",
            {**parameters, "exact": query.exact() or "", "passage": SOURCE_TEXT_FIELD, "limit": limit}).fetchall()
        hits = tuple(
            SearchHit(resource=resource, label=(label_en if lang == "en" and label_en else label) or resource,
                      class_iri=class_iri, class_label=(class_label_en if lang == "en" and class_label_en
                                                       else class_label),
                      field=field, lang=text_lang, text=body,
                      snippet=snippet(body, query), documents=self._sources(hit_id, lang), score=score)
            for hit_id, resource, field, text_lang, body, score, label, label_en, class_iri, class_label, class_label_en
            in rows)
        return SearchResults(query=query, hits=hits, total=total,
                             documents=self._saying(where, {**parameters, "lang": lang}))

    def _sources(self, hit: int, lang: str) -> tuple[DocumentRef, ...]:
        rows = self.connection.execute(
            f"SELECT s.document, {_DOCUMENT_LABEL}, s.evidence, s.page, s.start_line, s.end_line FROM sources s "
            "LEFT JOIN resources r ON r.iri = s.document WHERE s.hit = :hit "
            "ORDER BY s.document, s.page, s.start_line, s.evidence", {"hit": hit, "lang": lang}).fetchall()
        return tuple(DocumentRef(*row) for row in rows)

    def _saying(self, where: str, parameters: dict[str, str]) -> tuple[DocumentCount, ...]:
        """The documents with a matching quote, status text or source-text passage, counting each kind."""
        facts = ", ".join(f"'{name}'" for name in VERBATIM_FIELDS)
        if "document" in parameters:  # a passage from two documents counts only for the one asked for
            where += " AND s.document = :document"
        rows = self.connection.execute(
            f"""SELECT s.document, {_DOCUMENT_LABEL},
                       count(DISTINCT CASE WHEN h.field IN ({facts}) THEN h.id END) AS facts,
                       count(DISTINCT CASE WHEN h.field = '{SOURCE_TEXT_FIELD}' THEN h.id END) AS text
                FROM texts JOIN hits h ON h.id = texts.rowid JOIN sources s ON s.hit = h.id
                LEFT JOIN resources r ON r.iri = s.document {where} AND h.field IN ({facts}, '{SOURCE_TEXT_FIELD}')
                GROUP BY s.document ORDER BY facts + text DESC, s.document""", parameters).fetchall()
        return tuple(DocumentCount(*row) for row in rows)


def build_index(corpus: Corpus, passages: Iterable[Text] = (), *, into: Path | None = None) -> SearchIndex:
    """An index of every text of the corpus and of the source texts' passages (`passages.passage_texts`).

    In memory, or written `into` a new file: there the database never sits whole on the heap, and no copy of it is
    made to store it (at x100 the index is 270 MB, and building it in memory took 900 MB).
    """
    connection = _connect() if into is None else _create_file(into)
    connection.executescript(_SCHEMA)
    every = (*corpus.texts, *passages)
    with connection:
        for number, text in enumerate(every, start=1):
            found = words(normalized(text.text))
            connection.execute("INSERT INTO hits VALUES (?, ?, ?, ?, ?, ?)",
                               (number, text.resource, text.field, text.lang, text.text,
                                FIELD_WEIGHTS.get(text.field, 1.0)))
            connection.execute("INSERT INTO texts (rowid, stems, words) VALUES (?, ?, ?)",
                               (number, " ".join(w.stem for w in found), " ".join(w.lower for w in found)))
            connection.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                                   [(number, *_source_row(s)) for s in text.sources])
        connection.executemany("INSERT OR IGNORE INTO types VALUES (?, ?)",
                               [(r, c) for r, classes in corpus.types.items() for c in classes])
        resources = {t.resource for t in every} | {s.document for t in every for s in t.sources}
        connection.executemany("INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?)", [
            (iri, corpus.label(iri), corpus.label(iri, "en"), *_class_of(corpus, iri)) for iri in sorted(resources)])
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("stemmer", STEMMER), ("texts", str(len(corpus.texts))), ("passages", str(len(every) - len(corpus.texts))),
            ("resources", str(len(resources))),
            ("sqlite", sqlite3.sqlite_version)])
        connection.execute("INSERT INTO texts (texts) VALUES ('optimize')")
    return SearchIndex(connection)


def fts5_available() -> bool:
    """True when this Python's SQLite has FTS5 compiled in (it does in CPython's builds and Debian's)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()
    return True


def _create_file(path: Path) -> sqlite3.Connection:
    """A new database file for an index being built; no journal: a file that fails half-way is thrown away."""
    if path.exists():
        raise FileExistsError(f"{path}: an index is built into a new file only")
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def _connect() -> sqlite3.Connection:
    # check_same_thread off: the endpoint's worker reads it from one thread at a time, the API from the caller's.
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute("PRAGMA temp_store = MEMORY")  # sorting never spills to a temporary file
    return connection


def _source_row(source: Source) -> tuple[str, str | None, int | None, int | None, int | None]:
    return source.document, source.evidence, source.page, source.start_line, source.end_line


def _class_of(corpus: Corpus, iri: str) -> tuple[str | None, str | None, str | None]:
    """The resource's most specific class, with its Danish and English labels."""
    classes = corpus.classes.get(iri, ())
    if not classes:
        return None, None, None
    return classes[0], corpus.label(classes[0]) or None, corpus.label(classes[0], "en") or None


def _filters(query: SearchQuery, document: str | None, cls: str | None,
             scope: str) -> tuple[str, dict[str, str]]:
    clauses = ["texts MATCH :match"]
    parameters = {"match": query.fts()}
    if scope != "all":
        clauses.append(f"h.field {'=' if scope == 'text' else '!='} :passage_field")
        parameters["passage_field"] = SOURCE_TEXT_FIELD
    if document is not None:
        clauses.append("EXISTS (SELECT 1 FROM sources s WHERE s.hit = h.id AND s.document = :document)")
        parameters["document"] = document
    if cls is not None:
        clauses.append("EXISTS (SELECT 1 FROM types t WHERE t.resource = h.resource AND t.class = :class)")
        parameters["class"] = cls
    return "WHERE " + " AND ".join(clauses), parameters

