"""The corrections of the data audit (issue 14, section 4): each answer as the source documents give it.

Every expected value is read from the extracted texts in ../shared/seeds/ (the line is quoted in the comment above
it), not copied from the program's output: 000 Region Hovedstaden, Kræftplan del 2; 001 Region Hovedstaden,
follow-up report; 002 Region Sjælland, 8-point plan; 003 Sundhedsstyrelsen newsletter; 004 Kræftens Bekæmpelse
guidance.
"""

from kraeftgraf.api import KnowledgeGraph, Value
from kraeftgraf.namespaces import ID

PREFIXES = """PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>
PREFIX id: <https://w3id.org/kraeftgraf/id/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def iri(slug: str) -> str:
    return str(ID[slug])


def select(kg: KnowledgeGraph, query: str) -> list[dict[str, Value]]:
    return list(kg.sparql(PREFIXES + query))


def values(kg: KnowledgeGraph, query: str, name: str) -> set[Value]:
    return {row[name] for row in select(kg, query)}


def statuses_of(kg: KnowledgeGraph, slug: str) -> set[tuple[Value, Value]]:
    rows = select(kg, f"SELECT ?text ?status WHERE {{ id:{slug} kg:hasStatus [ kg:statusText ?text ; "
                      "kg:status ?status ] }")
    return {(row["text"], row["status"]) for row in rows}


# --- sectors: only the sectors the text names -----------------------------------------------------------------

def test_general_practice_actors_are_not_civil_society(knowledge_graph: KnowledgeGraph) -> None:
    civil_society = values(knowledge_graph, "SELECT ?x WHERE { ?x kg:involvesSector id:sector-civil-society }", "x")
    # 001 lines 117-118: "Region Hovedstaden og PLO-H ønsker at undersøge, hvordan vi kan styrke samarbejdet mellem
    # almen praksis og hospitalerne" (HAPS): general practice, no civil society.
    assert iri("initiative-hovedstaden-haps") not in civil_society
    # 002 lines 269-272: "Generel dialog med PLO om oplysning til borgerne om screeningstilbud i
    # Praksisplanudvalget": PLO is the general practitioners' organisation.
    assert iri("initiative-sjaelland-dialog-plo-screening-praksisplanudvalget") not in civil_society
    # 004 lines 62-64: "ordningen om patientansvarlig læge, der blev aftalt med regionernes økonomiaftale for
    # 2018": the regions and the government, no civil society.
    assert iri("programme-patient-responsible-doctor") not in civil_society
    # 002 lines 274-276: "Dialog og inddragelse af civilsamfundet om oplysning til borgerne om screeningstilbud":
    # here the text names civil society.
    assert iri("initiative-sjaelland-dialog-civilsamfund-screening") in civil_society
    general_practice = values(
        knowledge_graph, "SELECT ?x WHERE { ?x kg:involvesSector id:sector-general-practice }", "x")
    assert iri("initiative-hovedstaden-haps") in general_practice


def test_an_association_is_civil_society_only_when_the_data_says_so(knowledge_graph: KnowledgeGraph) -> None:
    in_civil_society = values(knowledge_graph, "SELECT ?o WHERE { ?o kg:inSector id:sector-civil-society }", "o")
    # PLO (the general practitioners), Danske Regioner (the regions) are associations, not civil society.
    assert not {iri("org-plo"), iri("org-plo-hovedstaden"), iri("org-danske-regioner")} & in_civil_society
    assert iri("org-kraeftens-bekaempelse") in in_civil_society


def test_recommendation_9_names_the_hospices(knowledge_graph: KnowledgeGraph) -> None:
    sectors = values(knowledge_graph,
                     "SELECT ?s WHERE { id:recommendation-hovedstaden-del-2-9 kg:involvesSector ?s }", "s")
    # 000 lines 66-67: "i samarbejde med repræsentanter fra kommuner, almen praksis og hospice"
    assert sectors == {iri("sector-municipalities"), iri("sector-general-practice"), iri("sector-hospices")}


# --- a plan's intent is planned, not started --------------------------------------------------------------------

def test_the_8_point_plans_point_1_list_is_planned(knowledge_graph: KnowledgeGraph) -> None:
    rows = knowledge_graph.query("status-counts-per-recommendation")
    point_1 = iri("point-sjaelland-8-punktsplan-1")
    counts = {r["normalisedStatus"]: r["initiatives"] for r in rows if r["item"] == point_1}
    # 002 lines 104-106: "Det skal bl.a. ske ved at igangsætte følgende initiativer:" over four bullets and the
    # paraclinical bullet with radiology ("håndteres i den kommende helhedsplan", line 130), pathology and PET-CT
    # ("Dette område bør ligeledes opprioriteres.", line 144): seven initiatives, all intent.
    assert counts == {"Planlagt": 7}
    # 002 line 144: PET-CT's own sentence is its status.
    assert statuses_of(knowledge_graph, "initiative-sjaelland-klinisk-fysiologi-pet-ct") == {
        ("bør ligeledes opprioriteres", iri("status-planned"))}


def test_what_the_plan_igangsaetter_is_planned_and_what_it_has_igangsat_is_started(
        knowledge_graph: KnowledgeGraph) -> None:
    # 002 lines 167, 203, 256, 267 (two bullets), 463 (two bullets): "(Derudover) igangsættes følgende
    # initiativ(er):": seven initiatives the plan of 2021 means to start.
    planned = {
        "initiative-sjaelland-undervisning-forloebskoordinatorer",
        "initiative-sjaelland-dialog-plo-tidligere-til-laege",
        "initiative-sjaelland-analyse-brystkraeftscreening-organisering",
        "initiative-sjaelland-dialog-plo-screening-praksisplanudvalget",
        "initiative-sjaelland-dialog-civilsamfund-screening", "initiative-sjaelland-kortlaegning-palliation",
        "initiative-sjaelland-kortlaegning-rehabilitering-senfoelger",
    }
    for slug in planned:
        assert statuses_of(knowledge_graph, slug) == {("igangsættes", iri("status-planned"))}, slug
    rows = select(knowledge_graph, """SELECT ?x ?status WHERE { ?x kg:hasStatus [ kg:statusText "igangsættes"@da ;
        kg:status ?status ] }""")
    assert {r["x"] for r in rows} == {iri(slug) for slug in planned}
    # Status texts are the status words, not the list's introduction.
    assert not values(knowledge_graph, """SELECT ?t WHERE { ?c kg:statusText ?t
        FILTER(CONTAINS(?t, "igangsættes følgende")) }""", "t")
    # 002 line 293: "Der er allerede igangsat følgende initiativer:": started.
    started = values(knowledge_graph, """SELECT ?s WHERE { ?x kg:hasStatus [ kg:statusText
        "Der er allerede igangsat følgende initiativer"@da ; kg:status ?s ] }""", "s")
    assert started == {iri("status-started")}


# --- years ---------------------------------------------------------------------------------------------------

def test_status_months_plan_periods_and_years(knowledge_graph: KnowledgeGraph) -> None:
    # 001 lines 121-122: "Igangværende / (juni 2025)" under HAPS.
    months = values(knowledge_graph, "SELECT (STR(?m) AS ?month) WHERE { id:initiative-hovedstaden-haps "
                                     "kg:hasStatus/kg:statusMonth ?m }", "month")
    assert months == {"2025-06"}
    # 001 lines 566-567: "Etableret / Praksis siden 2016": in practice since 2016.
    rows = knowledge_graph.query("initiatives-in-year", year=2016)
    events = {(r["thing"], r["event"]) for r in rows}
    head_and_neck = iri("initiative-hovedstaden-behovsvurdering-hoved-hals-sygeplejesamtaler-rigshospitalet")
    assert (head_and_neck, "https://w3id.org/kraeftgraf/vocab#startYear") in events
    # 004 lines 214-216: "blev det i 2022 vedtaget at etablere sundhedsklynger omkring de 21 akutsygehuse"
    years = values(knowledge_graph, "SELECT ?y WHERE { id:programme-health-clusters kg:hasStatus/kg:startYear ?y }",
                   "y")
    assert years == {2022}
    # 001 line 991 (the running header): "Opfølgning på indsatser i Region Hovedstadens kræftplan 2020/2021"
    [period] = select(knowledge_graph, "SELECT ?start ?end WHERE { id:plan-hovedstaden-kraeftplan "
                                       "kg:periodStart ?start ; kg:periodEnd ?end }")
    assert (period["start"], period["end"]) == (2020, 2021)


# --- links ---------------------------------------------------------------------------------------------------

def test_kraeftplan_v_process_and_the_gynaecology_course(knowledge_graph: KnowledgeGraph) -> None:
    # 001 lines 1065-1066: "Som led af Kræftplan V / proces" (status of the national referral criteria).
    in_process = values(knowledge_graph, "SELECT ?x WHERE { ?x kg:partOfProcess id:plan-kraeftplan-v }", "x")
    assert in_process == {iri("initiative-hovedstaden-nationale-henvisningskriterier-specialiseret-palliation")}
    # 001 lines 785-786: "Der et 2 timers opfølgningskursus, som planlægges ca. 6-8 uger efter behandling"
    quotes = values(knowledge_graph, """SELECT ?q WHERE {
        id:initiative-hovedstaden-stoettetilbud-gynaekologi-rigshospitalet kg:hasEvidence/kg:quote ?q
        FILTER(CONTAINS(?q, "6-8 uger")) }""", "q")
    assert quotes


# --- attributions the text does not make ------------------------------------------------------------------------

def test_departments_sit_where_the_8_point_plan_puts_them(knowledge_graph: KnowledgeGraph) -> None:
    # 002 line 420: "I 2019 deltog Klinisk Immunologisk afdeling i Region Sjællands Innovation Challenge": no
    # hospital named, so only the region.
    [immunology] = select(knowledge_graph, """SELECT ?hospital ?region WHERE {
        id:department-region-sjaelland-klinisk-immunologisk-afdeling kg:inRegion ?region
        OPTIONAL { id:department-region-sjaelland-klinisk-immunologisk-afdeling org:unitOf ?hospital } }""")
    assert immunology == {"hospital": None, "region": iri("region-sjaelland")}
    # 002 line 427: "Onkologisk afdeling i Næstved"; line 157: "Sjællands Universitetshospital og Næstved, Slagelse
    # og Ringsted sygehuse": Næstved belongs to the latter.
    partners = values(knowledge_graph, """SELECT ?hospital WHERE {
        id:initiative-sjaelland-infusionsklinik-nykoebing-falster kg:partner ?d .
        ?d rdfs:label "Onkologisk afdeling i Næstved"@da ; org:unitOf ?hospital }""", "hospital")
    assert partners == {iri("hospital-naestved-slagelse-ringsted")}
    # 002 lines 398 and 427: "Hæmatologisk afdeling" and "Hæmatologisk afdeling i Roskilde", no hospital named
    # anywhere: its hospital is the curators' reading and says so.
    marked = values(knowledge_graph, """SELECT ?property WHERE {
        id:department-sjaellands-universitetshospital-haematologisk-afdeling kg:inferredByCurators ?property }""",
        "property")
    assert marked == {"http://www.w3.org/ns/org#unitOf"}


def test_issuers_no_source_names_are_marked_as_the_curators_inference(knowledge_graph: KnowledgeGraph) -> None:
    marked = values(knowledge_graph, "SELECT ?plan WHERE { ?plan kg:inferredByCurators kg:issuedBy }", "plan")
    # No source names who issued Kræftplan V (001 line 1065 only names it), the regions' economy agreement for
    # 2018 (004 line 63 "aftalt med regionernes økonomiaftale for 2018"), the health-cluster agreement (004 line 214) or
    # the action plan on overweight (001 line 1341 "”Handleplan på overvægtsområdet” fra 2021").
    assert {iri("plan-kraeftplan-v"), iri("plan-oekonomiaftale-2018"), iri("plan-aftale-om-sammenhaeng-og-naerhed"),
            iri("plan-hovedstaden-handleplan-overvaegtsomraadet")} <= marked
    # 003 line 127: "der Regeringens Kræftplan IV": this issuer is stated, with its quote.
    assert iri("plan-kraeftplan-iv") not in marked
    quotes = values(knowledge_graph, "SELECT ?q WHERE { id:plan-kraeftplan-iv kg:hasEvidence/kg:quote ?q }", "q")
    assert "Regeringens Kræftplan IV" in quotes


# --- labels and status texts ----------------------------------------------------------------------------------

def test_labels_and_the_third_round(knowledge_graph: KnowledgeGraph) -> None:
    labels = values(knowledge_graph, """SELECT ?l WHERE { id:org-sundhedsministeriet rdfs:label ?l
        FILTER(LANG(?l) = "en") }""", "l")
    assert labels == {"Ministry of Health"}
    # 001 line 1580: "I 2024 starter tredje runde med at udvikle og implementere regionale Beslutningshjælpere":
    # "third" numbers a round; it counts nothing.
    assert not select(knowledge_graph, """SELECT ?f WHERE { ?f a kg:Figure ; kg:hasEvidence/kg:quote ?q
        FILTER(CONTAINS(?q, "tredje runde")) }""")
    milestones = values(knowledge_graph, """SELECT ?m WHERE {
        id:initiative-hovedstaden-faelles-beslutningstagning-regionalt kg:milestone ?m }""", "m")
    assert "I 2024 starter tredje runde med at udvikle og implementere regionale Beslutningshjælpere." in milestones


def test_a_status_text_is_the_status_not_the_paragraph_around_it(knowledge_graph: KnowledgeGraph) -> None:
    # 001 lines 976-1004, the Status column for Herlev og Gentofte: "Med de nuværende ressourcer prioriteres
    # tilsyn, ..." describes the work; only "I 2024 forventer enheden at igangsætte et implementeringsprojekt i
    # Afdeling for Hjertesygdomme" says how far something is.
    statuses = statuses_of(knowledge_graph,
                           "initiative-hovedstaden-basispalliation-lindrende-behandling-herlev-gentofte")
    assert ("I 2024 forventer enheden at igangsætte et implementeringsprojekt i Afdeling for Hjertesygdomme",
            iri("status-planned")) in statuses
    assert not values(knowledge_graph, "SELECT ?t WHERE { ?c kg:statusText ?t FILTER(STRLEN(?t) > 300) }", "t")
