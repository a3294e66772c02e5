"""The words of the server-rendered pages in Danish and English; `say(key, lang)` picks one.

The names of properties and classes are not here: they come from the ontology's own rdfs:label in the language.
"""

# key: (Danish, English); {name} is filled from say()'s keyword arguments.
_TEXTS: dict[str, tuple[str, str]] = {
    "nav.label": ("Hovedmenu", "Main menu"),
    "nav.queries": ("Spørgsmål", "Queries"),
    "nav.ontology": ("Ontologi", "Ontology"),
    "nav.sparql": ("SPARQL-endpoint", "SPARQL endpoint"),
    "nav.api": ("API", "API"),
    "switch.label": ("Sprog", "Language"),
    # entity pages
    "entity.cite": ("Citér som:", "Cite as:"),
    "entity.type": ("Type:", "Type:"),
    "entity.uses": ("Bruges som egenskab i {count} udsagn.", "Used as the property of {count} statements."),
    "entity.read": ("Læs teksten med hver citeret passage markeret", "Read the text, every quoted passage marked"),
    "entity.sources": ("Kilder", "Sources"),
    "entity.status": ("Status", "Status"),
    "entity.statements": ("Udsagn", "Statements"),
    "entity.incoming": ("Henvist til af", "Referenced by"),
    "entity.resource": ("Ressource", "Resource"),
    "entity.through": ("gennem", "through"),
    "entity.first": ("Kun de første {count} vises.", "Only the first {count} are shown."),
    "entity.line": ("linje {first} i teksten", "line {first} of its text"),
    "entity.lines": ("linje {first}–{last} i teksten", "lines {first}–{last} of its text"),
    "entity.page": ("side {page}", "page {page}"),
    "entity.number": ("nr. {number} i dokumentet", "no. {number} in the document"),
    # the source viewer
    "source.title": ("Kilde: {title}", "Source: {title}"),
    "source.about": ("Kildeteksten {file}, som den følger med kraeftgraf, for {document}. {count} citerede passager "
                     "er markeret; hver linjes nummer linker til den (#L12, eller #L12-L14 for flere linjer).",
                     "Source text {file}, as shipped with kraeftgraf, for {document}. {count} quoted passages are "
                     "marked; each line's number links to it (#L12, or #L12-L14 for several lines)."),
    "source.original": ("Originalt dokument: {original}", "Original document: {original}"),
    "source.unknown": ("ukendt (data/sources/sources.ttl angiver ingen offentlig adresse for det)",
                       "not known (data/sources/sources.ttl names no public address for it)"),
    "source.line": ("linje", "line"),
    "source.text": ("tekst", "text"),
    "source.quotedFor": ("citeret for", "quoted for"),
    "source.page": (", side {page}", ", page {page}"),
    # the ontology page
    "ontology.title": ("Ontologi", "Ontology"),
    "ontology.classes": ("Klasser", "Classes"),
    "ontology.objectProperties": ("Objektegenskaber", "Object properties"),
    "ontology.datatypeProperties": ("Dataegenskaber", "Datatype properties"),
    "ontology.schemes": ("Begrebssystemer", "Concept schemes"),
    "ontology.namespace": ("Navnerum", "Namespace"),
    "ontology.prefix": ("præfiks", "prefix"),
    "ontology.version": ("Version", "Version"),
    "ontology.license": ("Licens", "License"),
    "ontology.description": ("Beskrivelse ({code})", "Description ({code})"),
    "ontology.citing": ("Sådan citeres et faktum ({code})", "Citing a fact ({code})"),
    "ontology.download": ("Hent", "Download"),
    "ontology.label": ("Navn ({code})", "Label ({code})"),
    "ontology.definition": ("Definition ({code})", "Definition ({code})"),
    "ontology.example": ("Eksempel ({code})", "Example ({code})"),
    "ontology.subClassOf": ("Underklasse af", "Subclass of"),
    "ontology.subPropertyOf": ("Underegenskab af", "Subproperty of"),
    "ontology.domain": ("Domæne", "Domain"),
    "ontology.range": ("Værdimængde", "Range"),
    "ontology.inverseOf": ("Omvendt af", "Inverse of"),
    "ontology.subclasses": ("Underklasser", "Subclasses"),
    "ontology.withDomain": ("Egenskaber med dette domæne", "Properties with this domain"),
    "ontology.deprecated": ("Udgået", "Deprecated"),
    "ontology.yes": ("ja", "yes"),
}


def say(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang` (da or en), with {name} filled from `values`."""
    danish, english = _TEXTS[key]
    template = english if lang == "en" else danish
    return template.format(**values) if values else template


def other_language(lang: str) -> str:
    """The language a page offers to switch to."""
    return "da" if lang == "en" else "en"
