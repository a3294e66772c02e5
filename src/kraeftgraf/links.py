"""Where the web pages show things: the one construction of a link into the source viewer, for every layer that
links there (the viewer itself, entity pages, search hits)."""

from .namespaces import ID


def source_href(document: str, start_line: int, end_line: int, *, root: str, lang: str = "da") -> str:
    """Where the viewer shows lines of a document's text: /source/{slug}#L{start}-L{end} (?lang=en before the # for
    the viewer in English; Danish is its default)."""
    span = f"L{start_line}" + (f"-L{end_line}" if end_line != start_line else "")
    language = "" if lang == "da" else f"?lang={lang}"
    return f"{root}/source/{document[len(str(ID)):]}{language}#{span}"


def has_viewer_slug(document: str) -> bool:
    """True when the document's IRI is in the id: namespace, so the viewer can name it by the rest of it."""
    return document.startswith(str(ID)) and len(document) > len(str(ID))
