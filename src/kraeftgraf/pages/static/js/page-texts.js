// The static texts of index.html (its elements carry data-i18n keys; i18n.js fills them): header, menu, front page,
// search form. The texts that modules render themselves are defined in those modules.
import { defineStrings } from "./i18n.js";

defineStrings({
  da: {
    "page.title": "kraeftgraf · spørgsmål til de danske kræftplaner",
    "skip.main": "Spring til spørgsmålene",
    "nav.label": "Hovedmenu",
    "nav.search": "Søg i teksterne",
    "nav.queries": "Gemte spørgsmål",
    "nav.sparql": "SPARQL-editor",
    "nav.ontology": "Ontologi",
    "nav.api": "API",
    "lang.label": "Sprog for tekster og data",
    "front.title": "Spørgsmål til de danske kræftplaner",
    "front.intro": "Spørgsmål, en forsker kan stille til vidensgrafen over danske kræftplandokumenter. Hvert svar "
      + "linker til de ressourcer, det nævner, og hver ressource til de sætninger i kildedokumenterne, der "
      + "underbygger den.",
    "start.title": "Begynd her",
    "documents.title": "Det, grafen rummer: kildedokumenterne",
    "documents.hint": "Hvert dokument vises ved sit korte citationsmærke (udgiver, år, kort titel; \"u.å.\", hvor "
      + "teksten ikke angiver et år), som i alle resultattabeller og ressourcesider. En kendsgerning er en "
      + "ressource, dokumentet giver et kildecitat for; citaterne er de ordrette passager, hver kontrolleret mod "
      + "teksten.",
    "documents.document": "Dokument",
    "documents.issuer": "Udgiver",
    "documents.year": "År",
    "documents.facts": "Kendsgerninger",
    "documents.quotes": "Citater",
    "documents.loading": "Henter kildedokumenterne …",
    "gallery.title": "Alle gemte spørgsmål, efter emne",
    "gallery.filterLabel": "Filtrér de gemte spørgsmål",
    "gallery.filterPlaceholder": "Filtrér med ord",
    "gallery.tagsLabel": "Vis kun spørgsmålene med et mærke",
    "gallery.loading": "Henter de gemte spørgsmål …",
    "gallery.choose": "Vælg et spørgsmål til venstre.",
    "search.intro": "Søg i det, dokumenterne siger: navne, beskrivelser, tekster, citater, statustekster, milepæle "
      + "og noter om kilderne, og i dokumenternes egne tekster, passage for passage (en passage linker til sine "
      + "linjer i kildevisningen). Ord findes i alle bøjninger (*pårørendes* finder *pårørende*); sæt en frase i "
      + "anførselstegn (*\"kræftplan IV\"*); slut et ord med * for alle ord, der begynder sådan.",
    "search.label": "Søg i teksterne",
    "search.placeholder": "fx pårørende, \"kræftplan IV\", PRO",
    "search.scopeLabel": "Hvor der søges",
    "search.scope.all": "Kendsgerninger og kildetekster",
    "search.scope.facts": "Kun kuraterede kendsgerninger",
    "search.scope.text": "Kun kildetekster",
    "search.submit": "Søg",
    "search.csv": "Hent CSV",
    "search.results": "Søgeresultater",
  },
  en: {
    "page.title": "kraeftgraf · questions to the Danish cancer plans",
    "skip.main": "Skip to the questions",
    "nav.label": "Main menu",
    "nav.search": "Search the texts",
    "nav.queries": "Saved questions",
    "nav.sparql": "SPARQL editor",
    "nav.ontology": "Ontology",
    "nav.api": "API",
    "lang.label": "Language of texts and data",
    "front.title": "Questions to the Danish cancer plans",
    "front.intro": "Questions a researcher can ask the knowledge graph of Danish cancer-plan documents. Every answer "
      + "links to the resources it mentions, and every resource to the sentences in the source documents that "
      + "support it.",
    "start.title": "Start here",
    "documents.title": "What the graph holds: the source documents",
    "documents.hint": "Each is named by its short citation label (issuer, year, short title; \"u.å.\" where the "
      + "text gives no year), as in every result table and resource page. A fact is a resource the document gives "
      + "a source quote for; quotes are the verbatim passages, each checked against the text.",
    "documents.document": "Document",
    "documents.issuer": "Issuer",
    "documents.year": "Year",
    "documents.facts": "Facts",
    "documents.quotes": "Quotes",
    "documents.loading": "Loading the source documents…",
    "gallery.title": "All saved questions, by topic",
    "gallery.filterLabel": "Filter the saved questions",
    "gallery.filterPlaceholder": "Filter by words",
    "gallery.tagsLabel": "Show only the questions with a tag",
    "gallery.loading": "Loading the saved questions…",
    "gallery.choose": "Choose a question on the left.",
    "search.intro": "Search what the documents say: labels, descriptions, texts, quotes, status texts, milestones "
      + "and evidence notes, and the documents' own texts, passage by passage (a passage links to its lines in the "
      + "source viewer). Words match in any inflection (*pårørendes* finds *pårørende*); put a phrase in double "
      + "quotes (*\"kræftplan IV\"*); end a word with * for every word that begins so.",
    "search.label": "Search the texts",
    "search.placeholder": "e.g. pårørende, \"kræftplan IV\", PRO",
    "search.scopeLabel": "Where to search",
    "search.scope.all": "Facts and source texts",
    "search.scope.facts": "Curated facts only",
    "search.scope.text": "Source texts only",
    "search.submit": "Search",
    "search.csv": "Download CSV",
    "search.results": "Search results",
  },
});
