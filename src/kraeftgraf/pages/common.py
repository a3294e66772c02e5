"""What every server-rendered page shares: the frame, escaping, links to resources and labels in a language."""

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from rdflib import URIRef

from ..graph.terms import shorten
from ..namespaces import ID, KG
from .texts import say

STATIC = Path(__file__).parent / "static"  # the web page, its script, styles and the libraries it bundles
# Labels by IRI, then by language tag ("" for untagged).
Labels = Mapping[str, Mapping[str, str]]
LANGUAGES = ("da", "en")


def resource_href(iri: str, *, root: str, lang: str = "da") -> str:
    """Where the endpoint shows a resource: /resource/{slug} for id: IRIs, /ontology#{name} for kg: terms."""
    suffix = "" if lang == "da" else f"?lang={lang}"
    if iri.startswith(str(ID)) and _is_slug(iri[len(str(ID)):]):
        return f"{root}/resource/{iri[len(str(ID)):]}{suffix}"
    if iri.startswith(str(KG)):
        return f"{root}/ontology{suffix}#{iri[len(str(KG)):]}"
    lang_param = "" if lang == "da" else f"&lang={lang}"
    return f"{root}/resource?iri={quote(iri, safe='')}{lang_param}"


def _is_slug(text: str) -> bool:
    return bool(text) and all(c.isascii() and (c.isalnum() or c in "-_.") for c in text)


def label(iri: str, labels: Labels, lang: str) -> str:
    """The label in `lang`, else in the other language, else untagged, else the prefixed name."""
    found = labels.get(iri, {})
    for tag in (lang, *LANGUAGES, ""):
        if tag in found:
            return found[tag]
    return next(iter(found.values()), None) or shorten_text(iri)


def shorten_text(iri: str) -> str:
    """The IRI as a prefixed name where a project prefix fits."""
    return shorten(URIRef(iri))


def link(iri: str, labels: Labels, *, root: str, lang: str) -> str:
    """An <a> to the resource's page, with its label as text and its IRI as title."""
    return (f'<a href="{escape(resource_href(iri, root=root, lang=lang))}" title="{escape(iri)}">'
            f"{escape(label(iri, labels, lang))}</a>")


def lang_suffix(lang: str, *, joiner: str = "?") -> str:
    """The ?lang= a link adds to keep the chosen language (nothing for Danish, the default)."""
    return "" if lang == "da" else f"{joiner}lang={lang}"


def page(title: str, body: str, *, root: str, lang: str = "da", scripts: Sequence[str] = (),
         alternates: Mapping[str, str] | None = None) -> str:
    """A complete HTML page in the endpoint's frame, with its navigation in `lang`, a switch to the same page in
    the other language (`alternates`: the page's address in each language), its style sheet and static scripts."""
    script_tags = "".join(f'<script src="{root}/static/{escape(name)}" defer></script>\n' for name in scripts)
    suffix = lang_suffix(lang)
    nav = " ".join(
        f'<a href="{root}{href}">{escape(say(key, lang))}</a>'
        for href, key in ((f"/{suffix}", "nav.queries"), (f"/ontology{suffix}", "nav.ontology"),
                          ("/sparql", "nav.sparql"), ("/docs", "nav.api"))
    )
    switch = ""
    if alternates:
        links = "".join(
            f'<a href="{escape(alternates[code])}" hreflang="{code}" lang="{code}"'
            + (' aria-current="true" class="active"' if code == lang else "") + f">{code}</a>"
            for code in LANGUAGES if code in alternates)
        switch = (f'<span class="lang-switch" role="group" aria-label="{escape(say("switch.label", lang))}">'
                  f"{links}</span>")
    return f"""<!doctype html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · kraeftgraf</title>
<link rel="stylesheet" href="{root}/static/app.css">
<link rel="icon" href="{root}/static/favicon.svg" type="image/svg+xml">
{script_tags}</head>
<body>
<header class="site"><a class="brand" href="{root}/{suffix}">kraeftgraf</a>
<nav aria-label="{escape(say("nav.label", lang))}">{nav}</nav>{switch}</header>
<main>
{body}
</main>
</body>
</html>
"""
