"""Each saved query answers its question as the source documents do.

Every expected value below was read from the extracted texts in ../shared/seeds/ (quoted in the comment
above it), not copied from the query's output:
000 Region Hovedstaden, Kræftplan del 2 (recommendations); 001 Region Hovedstaden, follow-up report;
002 Region Sjælland, 8-point plan; 003 Sundhedsstyrelsen newsletter on Kræftplan IV; 004 Kræftens
Bekæmpelse guidance for the regional committees 2024-26.
"""

from collections import Counter

from kraeftgraf.api import KnowledgeGraph, Value
from kraeftgraf.namespaces import ID, KG

from .query_support import curated_data, number, quotes_and_facts

DEL_2 = "recommendation-hovedstaden-del-2-"
PLAN_DOC = str(ID["document-hovedstaden-kraeftplan-del-2-anbefalinger"])
FOLLOW_UP_DOC = str(ID["document-hovedstaden-opfoelgning-kraeftplan"])
SJAELLAND_DOC = str(ID["document-sjaelland-8-punktsplan"])
SST_DOC = str(ID["document-sst-nyhedsbrev-kraeftplan-iv"])
KB_DOC = str(ID["document-kb-vejledning-sammenhaeng"])
# The documents' citation labels (reference-documents.ttl): issuer and year only from the texts.
FOLLOW_UP_CITATION = "Region Hovedstaden (u.å.), Opfølgning på kræftplanen"
SJAELLAND_CITATION = "Region Sjælland 2021, 8-punktsplan for kræftområdet"  # 002 line 22: "den 23. august 2021"
SST_CITATION = "Sundhedsstyrelsen (u.å.), Nyhedsbrev om Kræftplan IV"
SEPARATOR = " | "  # how a saved query joins the values of a many-valued column


def run(kg: KnowledgeGraph, name: str, **params: str | int) -> list[dict[str, Value]]:
    return list(kg.query(name, **params))


def iri(slug: str) -> str:
    return str(ID[slug])


def column(rows: list[dict[str, Value]], name: str) -> set[Value]:
    return {row[name] for row in rows}


def joined(value: Value) -> set[str]:
    """The values a many-valued column joined into one cell."""
    return set(str(value).split(SEPARATOR)) if value is not None else set()


def one_row_each(rows: list[dict[str, Value]], *key: str) -> bool:
    return len(rows) == len({tuple(row[k] for k in key) for row in rows})


# --- 1, 2: plan items on a theme -------------------------------------------------------------------------------

def test_late_effects_items_carry_each_documents_own_number(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "plan-items-by-theme")
    found = {(r["item"], r["document"], r["numberInDocument"]) for r in rows}
    # 000: "Anbefaling 5 / Regionen styrker patienternes mulighed for systematisk og helhedsorienteret støtte til
    # livet med senfølger efter kræft"
    assert (iri(DEL_2 + "5"), PLAN_DOC, "5") in found
    # 001 numbers the same recommendation 6: "Anbefaling 6: Regionen styrker patienternes mulighed for
    # systematisk og helhedsorienteret støtte til livet med senfølger i forbindelse med kræft"
    assert (iri(DEL_2 + "5"), FOLLOW_UP_DOC, "6") in found
    # 002: "7. Senfølger og palliation på kræftområdet skal have særligt fokus"
    assert iri("point-sjaelland-8-punktsplan-7") in column(rows, "item")
    # 000's recommendation 4 is about the follow-up plan, not late effects.
    assert iri(DEL_2 + "4") not in column(rows, "item")


def test_palliation_items_are_track_3_and_sjaelland_point_7(knowledge_graph: KnowledgeGraph) -> None:
    items = column(run(knowledge_graph, "plan-items-by-theme", theme="id:theme-palliation"), "item")
    # 000: "Spor 3: Palliation (lindring)" holds "Anbefaling 7" to "Anbefaling 10"; 002 point 7 is
    # "Senfølger og palliation på kræftområdet skal have særligt fokus".
    expected = {iri(DEL_2 + n) for n in ("7", "8", "9", "10")} | {iri("point-sjaelland-8-punktsplan-7")}
    assert expected <= items
    assert iri(DEL_2 + "1") not in items


def test_screening_items_are_recommendation_3_and_sjaelland_points_4_and_5(knowledge_graph: KnowledgeGraph) -> None:
    items = column(run(knowledge_graph, "plan-items-by-theme", theme="id:theme-screening"), "item")
    # 000: "Anbefaling 3 / Regionen understøtter, at der er en høj tilslutning til de tre nationale
    # screeningsprogrammer"; 002: "4. Screeningsinterval ved screening for brystkræft skal overholdes",
    # "5. Der skal være højere deltagelse i screeningsprogrammer".
    assert {iri(DEL_2 + "3"), iri("point-sjaelland-8-punktsplan-4"), iri("point-sjaelland-8-punktsplan-5")} <= items


def test_early_detection_includes_the_narrower_screening_items(knowledge_graph: KnowledgeGraph) -> None:
    items = column(run(knowledge_graph, "plan-items-by-theme", theme="id:theme-early-detection"), "item")
    # 000: "Spor 1: Tidlig opsporing og hurtig diagnostik" with Anbefaling 1-3; recommendation 3 is about screening,
    # a narrower theme of early detection, so it is found by the broader theme too.
    assert {iri(DEL_2 + "1"), iri(DEL_2 + "2"), iri(DEL_2 + "3")} <= items


def test_social_inequality_items(knowledge_graph: KnowledgeGraph) -> None:
    items = column(run(knowledge_graph, "plan-items-by-theme", theme="id:theme-social-inequality"), "item")
    # 000 B: "nedbringe de sociale forskelle/skævheder på kræftområdet"; 002: "6. Social ulighed i
    # kræftoverlevelse skal mindskes".
    assert {iri(DEL_2 + "b"), iri("point-sjaelland-8-punktsplan-6")} <= items


def test_initiatives_on_palliation_include_the_national_recommendations_and_bornholm(
        knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "initiatives-by-theme")
    # 003: "Sundhedsstyrelsens nye anbefalinger for den palliative indsats blev offentliggjort d. 6. december 2017"
    found = {r["thing"]: joined(r["documents"]) for r in rows}
    assert SST_CITATION in found[iri("programme-palliation-recommendations")]
    assert one_row_each(rows, "thing")
    # 001: "Bornholms Hospital / Afsnit for Lindrende Behandling, som varetager specialiseret palliation"
    assert "Bornholms Hospital" in {name for row in rows for name in joined(row["responsibleLabel"])}


def test_initiatives_on_late_effects_include_the_hvidovre_clinic(knowledge_graph: KnowledgeGraph) -> None:
    things = column(run(knowledge_graph, "initiatives-by-theme", theme="id:theme-late-effects"), "thing")
    # 001: "De patienter der lider under senfølger efter endt behandling af kolorektal cancer, kan blive henvist til
    # forløb i Gastroenhedens senfølgeklinik på Hvidovre Hospital."
    assert iri("initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre") in things
    assert iri("programme-palliation-recommendations") not in things


# --- 3: one recommendation's initiatives ------------------------------------------------------------------------

def test_recommendation_5_initiatives_with_hospital_status_and_years(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "recommendation-initiatives")
    herlev_clinic = iri("initiative-hovedstaden-senfoelgeklinik-mave-tarm-lever-herlev-gentofte")
    clinic = [r for r in rows if r["initiative"] == herlev_clinic]
    # 001: "Afdeling for Mave-, Tarm- og Leversygdomme har i 2020 opstartet klinik for Senfølger (opstartet som
    # pilotprojekt). Permanentgjort fra 2023." ... "Implementeret"
    assert len(clinic) == 1
    assert clinic[0]["hospitalLabel"] == "Herlev og Gentofte Hospital"
    assert (clinic[0]["statusText"], clinic[0]["normalisedStatus"]) == ("Implementeret", "Implementeret")
    assert (clinic[0]["startYear"], clinic[0]["completionYear"]) == (2020, 2023)
    # 001 names Herlev og Gentofte, Amager og Hvidovre and Rigshospitalet under this recommendation.
    hospitals = column(rows, "hospitalLabel")
    assert {"Herlev og Gentofte Hospital", "Amager og Hvidovre Hospital", "Rigshospitalet"} <= hospitals


def test_recommendation_3_initiatives_with_their_statuses(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "recommendation-initiatives", item=f"id:{DEL_2}3")
    statuses = {r["initiative"]: (r["statusText"], r["normalisedStatus"]) for r in rows}
    # 001 under "Anbefaling 3": HPV hjemmetest "Igangsat"; Oversættelse af information "Anvendes"; Undersøgelse af
    # årsager til manglende deltagelse (tarmkræft) "Offentliggjort"; Undersøgelse af deltagelse (brystkræft)
    # "Gennemført". Anvendes counts as implemented, Offentliggjort as completed.
    assert statuses == {
        iri("initiative-hovedstaden-hpv-hjemmetest"): ("Igangsat", "I gang"),
        iri("initiative-hovedstaden-oversaettelse-information-screening"): ("Anvendes", "Implementeret"),
        iri("initiative-hovedstaden-undersoegelse-manglende-deltagelse-tarmkraeftscreening"):
            ("Offentliggjort", "Gennemført"),
        iri("initiative-hovedstaden-registerstudie-deltagelse-brystkraeftscreening"): ("Gennemført", "Gennemført"),
    }


def test_recommendation_5_has_one_row_for_each_of_the_13_initiatives_the_report_lists(
        knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "recommendation-initiatives")
    # 001 lists under its "Anbefaling 6" (the plan's 5) 13 initiatives: Herlev og Gentofte Hospital (line 635), Amager
    # og Hvidovre Hospital (649), "Information, vejledning og behandling af senfølger" (663), "Etablering af
    # Rehabiliteringsgruppe" (673), "Diagnosespecifik patientundervisningsforløb" (688), "Klinik for Senfølger efter
    # hovedhalskræft" (695), "Immunotoxenheden" (706), "Klinik for senfølger efter Immunterapi" (710), "Klinik for
    # senfølger efter brystkræft" (714), "Klinik for senfølger efter kræft – alle diagnoser" (747),
    # "Patientundervisning (Rigshospitalet)" (767), "Sygeplejeambulatorium (Rigshospitalet)" (775) and
    # "Støttetilbud (Rigshospitalet)" (783). One row each, however many departments or claims it has.
    assert len(rows) == 13
    assert one_row_each(rows, "initiative")
    assert all(r["organisationCount"] == len(joined(r["organisationLabel"])) for r in rows)


def test_a_status_belongs_to_the_recommendation_it_is_listed_under(knowledge_graph: KnowledgeGraph) -> None:
    group = iri("initiative-hovedstaden-rehabiliteringsgruppe-kraeftbehandling-herlev-gentofte")

    def status_under(item: str) -> tuple[Value, Value]:
        row = next(r for r in run(knowledge_graph, "recommendation-initiatives", item=item) if r["initiative"] == group)
        return row["statusText"], row["completionYear"]

    # 001 line 469: "Etableret" under "Anbefaling 4"; line 686: "Etableret i 2023" under "Anbefaling 6" (the
    # plan's 5). Each recommendation shows only its own listing's status.
    assert status_under(f"id:{DEL_2}4") == ("Etableret", None)
    assert status_under(f"id:{DEL_2}5") == ("Etableret i 2023", 2023)
    claims = {(r["statusText"], r["listedUnder"]) for r in run(knowledge_graph, "status-claims-by-document")
              if r["thing"] == group}
    assert claims == {("Etableret", iri(DEL_2 + "4")), ("Etableret i 2023", iri(DEL_2 + "5"))}


def test_an_initiative_with_two_statuses_under_one_recommendation_has_one_row(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "recommendation-initiatives", item=f"id:{DEL_2}10")
    talks_iri = iri("initiative-hovedstaden-samtaler-om-liv-og-behandling-rigshospitalet")
    talks = [r for r in rows if r["initiative"] == talks_iri]
    # 001 under "Anbefaling 10", Rigshospitalet: the status column says "Igangsat" (line 1284) while the text says
    # "Projektet er implementeret" (line 1287); its listing under Anbefaling D ("Igangsat", line 1688) is not shown.
    assert len(talks) == 1
    assert (joined(talks[0]["statusText"]), talks[0]["statusClaims"]) == ({"Igangsat", "Projektet er implementeret"}, 2)


def test_status_counts_count_an_initiative_under_each_listing_with_its_own_status(
        knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "status-counts-per-recommendation")
    under_d = {r["normalisedStatus"]: r["initiatives"] for r in rows if r["item"] == iri(DEL_2 + "d")}
    # 001 under "Anbefaling D" (lines 1543-1689): "Løbende" (1584); "Implementeret i nævnte afdelinger" (1596),
    # "Etableret" (1628), "Etableret – og løbende" (1637), "Implementeret" (1646), "Anvendes ..." (1656), "Etableret"
    # (1671), "Implementeret" (1680), all counted as implemented; "Igangsat" (1688) for "Samtaler om liv og
    # behandling", which is implemented only under Anbefaling 10 ("Projektet er implementeret", line 1287).
    assert under_d == {"Løbende": 1, "Implementeret": 7, "I gang": 1}


# --- 4: initiatives per hospital ---------------------------------------------------------------------------------

def test_initiatives_per_hospital_in_hovedstaden_cover_its_six_hospitals(knowledge_graph: KnowledgeGraph) -> None:
    hospitals = column(run(knowledge_graph, "initiatives-per-hospital"), "hospitalLabel")
    # 001 reports initiatives at each of the region's hospitals, e.g. "Bornholms Hospital samarbejder med Bornholms
    # Regionskommune om rehabiliteringstilbuddet ”Kom godt videre”".
    assert hospitals == {"Amager og Hvidovre Hospital", "Bispebjerg og Frederiksberg Hospital", "Bornholms Hospital",
                         "Herlev og Gentofte Hospital", "Nordsjællands Hospital", "Rigshospitalet"}


def test_initiatives_per_hospital_in_sjaelland(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "initiatives-per-hospital", region="id:region-sjaelland")
    # 002: "ansættelse af to koordinatorer med ansvar for kræftpatienters forløb på Holbæk Sygehus og Nykøbing F.
    # Sygehus"; "Klinik for kræftsenfølger under Onkologisk Afdeling og Palliative Enheder, Sjællands
    # Universitetshospital"
    by_hospital = {(r["hospitalLabel"], r["initiative"]) for r in rows}
    assert ("Holbæk Sygehus", iri("initiative-sjaelland-koordinatorer-holbaek-nykoebing")) in by_hospital
    assert ("Nykøbing F. Sygehus", iri("initiative-sjaelland-koordinatorer-holbaek-nykoebing")) in by_hospital
    assert ("Sjællands Universitetshospital", iri("initiative-sjaelland-klinik-for-kraeftsenfoelger")) in by_hospital
    assert "Rigshospitalet" not in column(rows, "hospitalLabel")


# --- 5: status counts and recommendations without implemented initiatives ---------------------------------------

def test_status_counts_for_recommendation_3(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "status-counts-per-recommendation")
    counts = {r["normalisedStatus"]: r["initiatives"] for r in rows if r["item"] == iri(DEL_2 + "3")}
    # 001, "Anbefaling 3": Igangsat (in progress), Anvendes (implemented), Offentliggjort and Gennemført (completed).
    assert counts == {"I gang": 1, "Implementeret": 1, "Gennemført": 2}


def test_recommendations_without_an_implemented_or_established_initiative(knowledge_graph: KnowledgeGraph) -> None:
    items = column(run(knowledge_graph, "recommendations-without-implemented-initiative"), "item")
    del_2 = {i for i in items if isinstance(i, str) and i.startswith(iri(DEL_2))}
    # 001: under Anbefaling 7 the statuses are "Gennemført", "Igangsat" (Herlev og Gentofte) and "Igangsat"
    # (Bornholm); under Anbefaling A "Løbende", "Løbende og igangsat", "Igangsat", "Igangsat". Every other
    # recommendation of del 2 has at least one "Implementeret" or "Etableret" initiative, e.g. Anbefaling 1:
    # "Implementeret pr. 1. juli 2022".
    assert del_2 == {iri(DEL_2 + "7"), iri(DEL_2 + "a")}


# --- 6: late-effects clinics ---------------------------------------------------------------------------------------

def test_late_effects_clinics_and_since_when(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "late-effects-clinics")
    since = {(r["hospitalLabel"], r["initiative"]): r["since"] for r in rows}
    # 001: Herlev og Gentofte "har i 2020 opstartet klinik for Senfølger"
    assert since[("Herlev og Gentofte Hospital",
                  iri("initiative-hovedstaden-senfoelgeklinik-mave-tarm-lever-herlev-gentofte"))] == 2020
    # 001: "Klinik for Senfølger efter hovedhalskræft (Herlev og Gentofte Hospital)" ... "Etableret 2021"
    head_and_neck = iri("initiative-hovedstaden-klinik-senfoelger-hoved-hals-herlev-gentofte")
    assert since[("Herlev og Gentofte Hospital", head_and_neck)] == 2021
    # 001: "Gastroenheden har etableret en senfølgeklinik for patienter behandlet for tyk- og endetarmskræft" (no year)
    hvidovre = iri("initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre")
    assert ("Amager og Hvidovre Hospital", hvidovre) in since
    # 002: "I 2020 besluttede Styregruppen ... at bevilge midler til etablering af en Klinik for kræftsenfølger under
    # Onkologisk Afdeling og Palliative Enheder, Sjællands Universitetshospital."
    assert since[("Sjællands Universitetshospital", iri("initiative-sjaelland-klinik-for-kraeftsenfoelger"))] == 2020


# --- 7: cross-sector collaboration ---------------------------------------------------------------------------------

def test_cross_sector_initiatives_name_the_sector_they_involve(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "cross-sector-initiatives")
    assert one_row_each(rows, "initiative")
    pairs = {(r["initiative"], sector) for r in rows for sector in joined(r["sectorLabel"])}
    # 001: "Bornholms Hospital samarbejder med Bornholms Regionskommune om rehabiliteringstilbuddet ”Kom godt videre”"
    assert (iri("initiative-hovedstaden-kom-godt-videre-bornholm"), "Kommunerne") in pairs
    # 001: rehabiliteringsnetværk i planområde nord, "hvor der samarbejdes på tværs af hospitaler og med kommuner
    # samt praktiserende læger"
    assert (iri("initiative-hovedstaden-rehabiliteringsnetvaerk-planomraade-nord"), "Kommunerne") in pairs
    assert (iri("initiative-hovedstaden-rehabiliteringsnetvaerk-planomraade-nord"), "Almen praksis") in pairs
    # 002: "Der optages dialog med PLO og andre relevante parter om, hvordan vi bedst muligt kan ... opfordre borgerne
    # til at gå tidligere til læge."
    assert (iri("initiative-sjaelland-dialog-plo-tidligere-til-laege"), "Almen praksis") in pairs
    network_iri = iri("initiative-hovedstaden-rehabiliteringsnetvaerk-planomraade-nord")
    network = next(r for r in rows if r["initiative"] == network_iri)
    assert network["sectorCount"] == 2


# --- 8: screening --------------------------------------------------------------------------------------------------

def test_screening_programmes_target_groups_and_intervals(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "screening-programmes")
    programmes = column(rows, "programme")
    # 000: "de tre nationale screeningsprogrammer"; 002: "screeningsprogrammer for livmoderhalskræft, tarmkræft og
    # brystkræft"
    assert {iri("programme-screening-breast-cancer"), iri("programme-screening-cervical-cancer"),
            iri("programme-screening-colorectal-cancer")} <= programmes
    cervical = {(r["minAge"], r["maxAge"], r["interval"])
                for r in rows if r["programme"] == iri("programme-screening-cervical-cancer")}
    # 003: "kvinder mellem 23 og 64 år inviteres til screening hvert 3.-5. år"
    assert cervical == {(23, 64, "hvert 3.-5. år")}
    breast = {r["interval"] for r in rows if r["programme"] == iri("programme-screening-breast-cancer")}
    # 002: "Indkaldelse til screening for brystkræft hvert andet år stadfæstes i Sundhedslovens § 85."
    assert breast == {"hvert andet år"}


def test_screening_figures_participation_and_non_participation(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "screening-figures")
    values = {(r["concernsLabel"], r["areaLabel"], r["value"]) for r in rows}
    # 002: "deltagelse i screening for livmoderhalskræft og tarmkræft, hvor deltagelsesprocenten er på hhv. ca.
    # 62 pct. og 57 pct."
    assert ("Screeningsprogrammet for livmoderhalskræft", "Region Sjælland", 62.0) in values
    assert ("Screeningsprogrammet for tarmkræft", "Region Sjælland", 57.0) in values
    # 003: "Omkring 25 % af de kvinder, der inviteres til screening, deltager ikke, og disse 25 % tegner sig for 45 %
    # af de nye tilfælde af livmoderhalskræft."
    assert ("Screeningsprogrammet for livmoderhalskræft", "Hele landet", 25.0) in values
    assert ("Screeningsprogrammet for livmoderhalskræft", "Hele landet", 45.0) in values


def test_initiatives_to_raise_screening_participation(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "screening-participation-initiatives")
    assert one_row_each(rows, "initiative")
    found = {r["initiative"]: joined(r["documents"]) for r in rows}
    # 001: "Tilbud om HPV hjemmetest (screening for livmoderhalskræft)" ... "Igangsat"
    assert FOLLOW_UP_CITATION in found[iri("initiative-hovedstaden-hpv-hjemmetest")]
    # 002: "Generel dialog med PLO om oplysning til borgerne om screeningstilbud i Praksisplanudvalget"
    assert SJAELLAND_CITATION in found[iri("initiative-sjaelland-dialog-plo-screening-praksisplanudvalget")]
    # 003: "Sundhedsstyrelsen opdateret nationale anbefalinger for livmoderhalskræftscreening"
    assert SST_CITATION in found[iri("initiative-sst-opdatering-anbefalinger-livmoderhalskraeftscreening")]
    # 001 lists the HPV home test under Anbefaling 3 ("Igangsat", line 220) and under Anbefaling B ("Igangsat",
    # line 1441): two status claims, one row.
    hpv = next(r for r in rows if r["initiative"] == iri("initiative-hovedstaden-hpv-hjemmetest"))
    assert (hpv["statusText"], hpv["statusClaims"]) == ("Igangsat | Igangsat", 2)


# --- 9: targets and figures against them ---------------------------------------------------------------------------

def test_targets_of_90_per_cent_with_the_figures_reported_against_them(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "targets")
    ninety = {r["target"] for r in rows if r["targetValue"] == 90.0}
    # 002: "et nationalt mål om, at 90 pct. af kræftpakkerne skal gennemføres inden for standardforløbstiderne";
    # 004: "Ifølge Kræftplan IV skulle 90 pct. af alle kræftpatienter i 2020 gerne opleve at have en
    # patientansvarlig læge"; 003: "på sigt at øge dækningen til det oprindelige niveau på ca. 90 % for første
    # vaccinedosis"
    assert {iri("target-pathway-target-fulfilment-90"), iri("target-kraeftplan-iv-patient-responsible-doctor"),
            iri("target-hpv-vaccination-coverage-first-dose-90")} <= ninety
    pathway = {(r["figureAreaLabel"], r["figureYear"], r["figureValue"]) for r in rows
               if r["target"] == iri("target-pathway-target-fulfilment-90")}
    # 002: "Region Sjællands målopfyldelse lå i 2019 på 75 pct., hvilket er under landsgennemsnittet på 80 pct."
    assert {("Region Sjælland", 2019, 75.0), ("Region Sjælland", 2020, 72.0)} <= pathway
    doctor = [r for r in rows if r["target"] == iri("target-kraeftplan-iv-patient-responsible-doctor")]
    assert {r["targetYear"] for r in doctor} == {2020}


def test_target_fulfilment_per_region_and_year(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "figures-by-indicator")
    by_area_year = {(r["areaLabel"], r["year"]): r["value"] for r in rows}
    # 002, "Målopfyldelse – årsopgørelse 2020": Hovedstaden 83%, Midtjylland 77%, Nordjylland 81%, Sjælland 72%,
    # Syddanmark 84%, Hele landet 80%; and for 2019 "Region Sjællands målopfyldelse lå i 2019 på 75 pct., hvilket er
    # under landsgennemsnittet på 80 pct."
    assert by_area_year == {
        ("Region Hovedstaden", 2020): 83.0, ("Region Midtjylland", 2020): 77.0, ("Region Nordjylland", 2020): 81.0,
        ("Region Sjælland", 2020): 72.0, ("Region Syddanmark", 2020): 84.0, ("Hele landet", 2020): 80.0,
        ("Region Sjælland", 2019): 75.0, ("Hele landet", 2019): 80.0,
    }
    # 002: "Der skal arbejdes målrettet på at nå målet om en opfyldelse på 90 pct."
    assert column(rows, "targetValue") == {90.0}


def test_screening_participation_figures_by_indicator(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "figures-by-indicator", indicator="id:indicator-screening-participation")
    # 002: "hvor deltagelsesprocenten er på hhv. ca. 62 pct. og 57 pct."
    assert sorted(number(r["value"]) for r in rows if r["areaLabel"] == "Region Sjælland") == [57.0, 62.0]


# --- 10: national programmes that regional documents refer to ------------------------------------------------------

def test_regional_documents_refer_to_national_programmes(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "programme-references")
    found = {(r["programme"], r["document"]) for r in rows}
    # 000: "Regionen understøtter, at der er en høj tilslutning til de tre nationale screeningsprogrammer"
    for programme in ("breast", "cervical", "colorectal"):
        assert (iri(f"programme-screening-{programme}-cancer"), PLAN_DOC) in found
    # 001: "I forbindelse med implementeringen af forløbsprogrammet for rehabilitering og palliation"; 003:
    # "Revidering af forløbsprogrammet er en del af Kræftplan IV"
    care = [r for r in rows if r["programme"] == iri("programme-rehabilitation-palliation")]
    assert FOLLOW_UP_DOC in column(care, "document")
    assert column(care, "inCancerPlanIV") == {True}
    # 002: "Det Nære Sundhedsvæsen igangsætter via midler fra Kræftplan IV en større indsats ... Det drejer sig om
    # HPV-vaccination, livmoderhalskræftscreening"
    assert (iri("programme-hpv-vaccination"), SJAELLAND_DOC) in found
    # Only documents issued by a region: the national newsletter (003) is not a regional document.
    assert SST_DOC not in column(rows, "document")


# --- 11: money -----------------------------------------------------------------------------------------------------

def test_every_amount_once_with_what_it_concerns(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "amounts")
    assert one_row_each(rows, "amount")
    # 002 gives two amounts, "Der er afsat 5 mio. kr. i tillægsaftalen til budget 2021" (line 172) and "Der er afsat 3.
    # mio. kr. i tillægsaftalen til budget 2021 til at øge den samlede kapacitet på brystkræft-området" (line 290),
    # the second under "4. Screeningsinterval ved screening for brystkræft skal overholdes": it concerns the point and
    # the breast-cancer screening programme, in one row.
    assert sum(1 for r in rows if r["document"] == SJAELLAND_DOC) == 2
    breast = next(r for r in rows if r["amountDKK"] == 3_000_000 and r["document"] == SJAELLAND_DOC)
    assert breast["concernsCount"] == 2
    assert joined(breast["concernsLabel"]) == {"Screeningsinterval ved screening for brystkræft skal overholdes",
                                               "Screeningsprogrammet for brystkræft"}
    assert breast["documentLabel"] == SJAELLAND_CITATION


def test_every_amount_with_year_and_source(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "amounts")
    amounts = {(r["amountDKK"], r["year"], r["periodStart"], r["periodEnd"], r["document"]) for r in rows}
    # 002: "Der er afsat 5 mio. kr. i tillægsaftalen til budget 2021" and "Der er afsat 3. mio. kr. i tillægsaftalen
    # til budget 2021 til at øge den samlede kapacitet på brystkræft-området."
    assert (5_000_000, 2021, None, None, SJAELLAND_DOC) in amounts
    assert (3_000_000, 2021, None, None, SJAELLAND_DOC) in amounts
    # 003: "17,6 mio. kr. til regionernes bloktilskud ... i perioden 2018-2020"; "en ekstern pulje på 3,4 mio. kr.";
    # "3 mio. kr. på finansloven for 2017"; "tildelt midler for 2017 (1,7 mio. kr.) og 2018 (1,5 mio. kr.)"
    assert (17_600_000, None, 2018, 2020, SST_DOC) in amounts
    assert (3_400_000, None, None, None, SST_DOC) in amounts
    sst_by_year = {(amount, year) for amount, year, _, _, document in amounts if document == SST_DOC}
    assert {(3_000_000, 2017), (1_700_000, 2017), (1_500_000, 2018)} <= sst_by_year
    # 001: "med budget 2020 blev afsat 2 mio. kr. til at styrke opsporing og tidlig indsats til disse børn"
    assert (2_000_000, 2020, None, None, FOLLOW_UP_DOC) in amounts


# --- 12: theme coverage of two regions -----------------------------------------------------------------------------

def test_theme_coverage_side_by_side(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "theme-coverage-two-regions")
    coverage = {r["theme"]: (number(r["inRegionA"]), number(r["inRegionB"])) for r in rows}
    # Both plans address late effects and palliation: 000 recommendation 5 and Spor 3; 002 point 7.
    for theme in ("theme-late-effects", "theme-palliation", "theme-screening"):
        hovedstaden, sjaelland = coverage[iri(theme)]
        assert hovedstaden > 0 and sjaelland > 0
    # 002 point 8 "Personlig Medicin udvikles og implementeres"; neither 000 nor 001 mentions personal medicine.
    assert coverage[iri("theme-personalised-medicine")][0] == 0
    assert coverage[iri("theme-personalised-medicine")][1] > 0
    swapped = {r["theme"]: (number(r["inRegionA"]), number(r["inRegionB"]))
               for r in run(knowledge_graph, "theme-coverage-two-regions",
                            regionA="id:region-sjaelland", regionB="id:region-hovedstaden")}
    assert swapped[iri("theme-personalised-medicine")] == coverage[iri("theme-personalised-medicine")][::-1]


def test_themes_only_one_region_addresses(knowledge_graph: KnowledgeGraph) -> None:
    only_in = {r["theme"]: r["onlyIn"] for r in run(knowledge_graph, "themes-only-in-one-region")}
    # 002 point 8 on personal medicine has no counterpart in Region Hovedstaden's plan (000) or report (001).
    assert only_in[iri("theme-personalised-medicine")] == iri("region-sjaelland")
    # Palliation is in both (000 "Spor 3: Palliation (lindring)", 002 point 7), so it is not listed.
    assert iri("theme-palliation") not in only_in


# --- 13: timeline --------------------------------------------------------------------------------------------------

def test_timeline_places_initiatives_by_year(knowledge_graph: KnowledgeGraph) -> None:
    events = {(r["year"], r["event"], r["thing"]) for r in run(knowledge_graph, "initiatives-timeline")}
    # 001: Rigshospitalet, Afdeling for Led- og Knoglekirurgi: "Igangsat oktober 2023. Forventes afsluttes i marts
    # 2024."
    led_og_knogle = iri("initiative-hovedstaden-behovssamtaler-led-og-knoglekirurgi-rigshospitalet")
    assert (2023, str(KG.startYear), led_og_knogle) in events
    assert (2024, str(KG.expectedYear), led_og_knogle) in events
    # 003: "Sundhedsstyrelsens nye anbefalinger for den palliative indsats blev offentliggjort d. 6. december 2017"
    assert (2017, str(KG.completionYear), iri("programme-palliation-recommendations")) in events


def test_initiatives_started_or_implemented_in_a_year(knowledge_graph: KnowledgeGraph) -> None:
    in_2023 = column(run(knowledge_graph, "initiatives-in-year"), "thing")
    # 001: "Immunotoxenheden (Herlev og Gentofte Hospital)" ... "Etableret 2023"
    assert iri("initiative-hovedstaden-immunotoxenheden-herlev-gentofte") in in_2023
    in_2017 = column(run(knowledge_graph, "initiatives-in-year", year=2017), "thing")
    # 003: "alle kvinder født før 1948 i 2017 fået tilbudt at blive testet for HPV-infektion"
    assert iri("programme-hpv-test-older-women") in in_2017
    assert iri("initiative-hovedstaden-immunotoxenheden-herlev-gentofte") not in in_2017


# --- 14: evidence ----------------------------------------------------------------------------------------------------

def test_evidence_for_recommendation_5_in_both_documents(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "evidence-for-resource")
    numbers = {(r["document"], r["numberInDocument"]) for r in rows}
    # 000 "Anbefaling 5" and 001 "Anbefaling 6" are the same recommendation.
    assert numbers == {(PLAN_DOC, "5"), (FOLLOW_UP_DOC, "6")}


def test_evidence_carries_the_curators_note_on_where_the_quote_stands(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "evidence-for-resource", resource="id:term-needs-assessment")
    notes = {r["quote"]: r["note"] for r in rows}
    # 004, the box "Behovsvurdering" ends "som gennemføres ved en samtale med patienten. (Kilde: Sundhedsstyrelsen)":
    # the note names the box and its attribution, which the quote alone does not say.
    quote = ("Opfølgningsplanen er baseret på en behovsvurdering, som gennemføres ved en samtale med patienten. "
             "(Kilde: Sundhedsstyrelsen)")
    assert notes[quote] == "Boksen 'Behovsvurdering', med kildeangivelsen '(Kilde: Sundhedsstyrelsen)'."
    # 001 numbers the plan's recommendation 5 as "Anbefaling 6" and words it "senfølger i forbindelse med kræft".
    recommendation = {r["numberInDocument"]: r["note"] for r in run(knowledge_graph, "evidence-for-resource")}
    assert "'Anbefaling 6'" in str(recommendation["6"])
    assert recommendation["5"] is None


def test_evidence_includes_the_status_claims_of_an_initiative(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "evidence-for-resource",
               resource="id:initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre")
    # 001: "kan blive henvist til forløb i Gastroenhedens senfølgeklinik på Hvidovre Hospital" ... "Etableret"
    assert "Etableret" in column(rows, "statusText")
    assert column(rows, "document") == {FOLLOW_UP_DOC}


def test_evidence_says_on_which_lines_of_the_source_text_each_quote_stands_and_links_there(
        knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "evidence-for-resource",
               resource="id:initiative-sjaelland-korrekt-registrering-kraeftpakker")
    [own] = [r for r in rows if str(r["quote"]).startswith("Målrettet indsats")]
    # 002, lines 114-115: "•	� Målrettet indsats for at sikre korrekt registrering med særligt fokus på markører i"
    # / "kræftpakkeforløbene."
    assert (own["startLine"], own["endLine"]) == (114, 115)
    assert own["sourceLink"] == "source/document-sjaelland-8-punktsplan#L114-L115"
    assert own["page"] is None  # 002 marks no pages


# --- 15: full-text search --------------------------------------------------------------------------------------------

def test_search_is_case_insensitive_also_for_danish_letters(knowledge_graph: KnowledgeGraph) -> None:
    lower = column(run(knowledge_graph, "search", text="senfølgeklinik"), "resource")
    upper = column(run(knowledge_graph, "search", text="SENFØLGEKLINIK"), "resource")
    # 001: "Gastroenhedens senfølgeklinik på Hvidovre Hospital"
    assert iri("initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre") in lower
    assert lower == upper


def test_search_finds_the_infusion_clinic(knowledge_graph: KnowledgeGraph) -> None:
    resources = column(run(knowledge_graph, "search", text="infusionsklinik"), "resource")
    # 002: "Infusionsklinikken på Nykøbing Falster Sygehus"
    assert iri("initiative-sjaelland-infusionsklinik-nykoebing-falster") in resources


# --- overview queries -------------------------------------------------------------------------------------------------

def test_plans_and_their_number_of_items(knowledge_graph: KnowledgeGraph) -> None:
    items = {r["plan"]: r["items"] for r in run(knowledge_graph, "plans-and-documents")}
    # 000: Anbefaling 1-10 and A-E; 001: Anbefaling I-V of del 1; 002: "De 8 punkter"; 004: action areas 1.-3.
    assert items[iri("plan-hovedstaden-kraeftplan-del-2")] == 15
    assert items[iri("plan-hovedstaden-kraeftplan-del-1")] == 5
    assert items[iri("plan-sjaelland-8-punktsplan")] == 8
    assert items[iri("plan-kb-vejledning-sammenhaeng")] == 3


def test_plan_items_in_the_plans_own_order(knowledge_graph: KnowledgeGraph) -> None:
    numbers = [r["number"] for r in run(knowledge_graph, "plan-items")]
    # 000 lists Anbefaling 1 to 10, then the cross-cutting "Anbefaling A" to "Anbefaling E".
    assert numbers == [str(n) for n in range(1, 11)] + ["A", "B", "C", "D", "E"]
    points = run(knowledge_graph, "plan-items", plan="id:plan-sjaelland-8-punktsplan")
    # 002: "1. Målopfyldelse på kræftpakker skal forbedres" ... "8. Personlig Medicin udvikles og implementeres"
    assert [r["number"] for r in points] == [str(n) for n in range(1, 9)]
    assert points[0]["itemLabel"] == "Målopfyldelse på kræftpakker skal forbedres"


def test_numbering_that_differs_between_plan_and_report(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "numbering-across-documents")
    pairs = {(r["item"], r["numberInPlan"], r["numberInDocument"]) for r in rows}
    # 001 swaps recommendations 5 and 6 of the plan ("Anbefaling 5: Regionen indgår i et samarbejde med kommuner og
    # almen praksis"; "Anbefaling 6: Regionen styrker patienternes mulighed ... senfølger") and writes
    # "Anbefaling IIII" for del 1's fourth recommendation.
    assert pairs == {(iri(DEL_2 + "5"), "5", "6"), (iri(DEL_2 + "6"), "6", "5"),
                     (iri("recommendation-hovedstaden-del-1-iv"), "IV", "IIII")}


def test_the_report_keeps_its_own_whole_wording_of_each_recommendation(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "numbering-across-documents")
    wording = {r["numberInDocument"]: str(r["wording"]) for r in rows}
    # 001 lines 614-633: "Anbefaling 6: Regionen styrker patienternes mulighed ... senfølger i forbindelse med kræft
    # og vil blandt andet se på muligheder for en styrket organisering af hospitalernes indsats på senfølgeområdet
    # ... og livskvalitet." The quote stops at "kræft"; the wording goes on to the end.
    assert wording["6"].startswith("Regionen styrker patienternes mulighed for systematisk og helhedsorienteret")
    assert wording["6"].endswith("fysiske, psykiske og sociale funktioner og livskvalitet.")
    # 001's Anbefaling B (lines 1406-1425, continued after the status column at 1450-1454) has a fourth bullet,
    # "at opnå den rette palliative indsats", which 000's B (lines 88-96) does not.
    b = next(r for r in run(knowledge_graph, "evidence-for-resource", resource=f"id:{DEL_2}b")
             if r["document"] == FOLLOW_UP_DOC and r["wording"] is not None)
    assert b["numberInDocument"] == "B"
    assert "• at opnå den rette palliative indsats Regionens hospitaler vil samarbejde med almen praksis" in str(
        b["wording"])
    plan_text = knowledge_graph.sparql("""PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>
        SELECT ?text WHERE { <https://w3id.org/kraeftgraf/id/recommendation-hovedstaden-del-2-b> kg:text ?text }""")
    assert "palliative indsats" not in str(plan_text.column("text")[0])


def test_status_claims_of_the_follow_up_report(knowledge_graph: KnowledgeGraph) -> None:
    claims = {(r["thing"], r["statusText"]) for r in run(knowledge_graph, "status-claims-by-document")}
    # 001, del 1: Anbefaling I-IIII "Implementeret", Anbefaling V "Ikke relevant".
    for numeral in ("i", "ii", "iii", "iv"):
        assert (iri(f"recommendation-hovedstaden-del-1-{numeral}"), "Implementeret") in claims
    assert (iri("recommendation-hovedstaden-del-1-v"), "Ikke relevant") in claims


def test_status_claims_of_the_newsletter_with_a_date(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "status-claims-by-document", document="id:document-sst-nyhedsbrev-kraeftplan-iv")
    dated = {r["thing"]: str(r["statusDate"]) for r in rows if r["statusDate"] is not None}
    # 003: "blev offentliggjort d. 6. december 2017"
    assert dated[iri("programme-palliation-recommendations")] == "2017-12-06"
    assert iri("recommendation-hovedstaden-del-1-i") not in column(rows, "thing")


def test_the_five_source_documents_with_their_citation_labels(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "source-documents")
    # One per extracted text 000-004; 002 line 22 dates the plan "den 23. august 2021"; 000 gives no year.
    assert [r["sourceFile"] for r in rows] == ["000_959267de805e99f3.txt", "001_1a32248d27a47157.txt",
                                               "002_31b870cea9142a86.txt", "003_1359ecab6ee37e7a.txt",
                                               "004_d9e0f8e19aaebdd6.txt"]
    labels = {r["document"]: r["documentLabel"] for r in rows}
    assert labels[SJAELLAND_DOC] == SJAELLAND_CITATION
    assert labels[PLAN_DOC] == "Region Hovedstaden (u.å.), Anbefalinger, Kræftplan del 2"
    # 001 reports on part 1 ("Udredning og behandling (del 1)") and part 2.
    assert next(r["planCount"] for r in rows if r["document"] == FOLLOW_UP_DOC) == 2


def test_each_source_document_counts_its_quotes_and_the_facts_it_gives_evidence_for(
        knowledge_graph: KnowledgeGraph) -> None:
    rows = {r["document"]: r for r in run(knowledge_graph, "source-documents")}
    data = curated_data()
    for document, row in rows.items():
        assert isinstance(document, str)
        quotes, facts = quotes_and_facts(data, document)
        assert number(row["quotes"]) == quotes > 0, document
        assert number(row["facts"]) == facts > 0, document


def test_the_source_documents_give_issuer_and_year_in_both_languages(knowledge_graph: KnowledgeGraph) -> None:
    rows = {r["document"]: r for r in run(knowledge_graph, "source-documents")}
    # 002 line 22: "Regionsrådet har den 23. august 2021 vedtaget denne 8-punktsplan"; 000 names no year.
    assert str(rows[SJAELLAND_DOC]["year"]) == "2021"
    assert rows[PLAN_DOC]["year"] is None
    assert (rows[SJAELLAND_DOC]["issuerLabel"], rows[SJAELLAND_DOC]["issuerLabelEn"]) == ("Region Sjælland",
                                                                                          "Region Zealand")
    assert rows[SST_DOC]["issuerLabelEn"] == "Danish Health Authority"


def test_action_areas_and_their_suggested_questions(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "action-areas-and-questions")
    per_area = Counter(r["number"] for r in rows)
    # 004: under "1." seven bullets ("Bidrage til ..." and six "Spørge regionen ..."), under "2." five, under "3."
    # four (three bullets and one unbulleted "Spørge regionen, hvordan sundhedsklyngerne arbejder ...").
    assert per_area == {"1": 7, "2": 5, "3": 4}


def test_defined_terms_of_the_guidance(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "defined-terms")
    # 004's boxes: "Den patientansvarlige læge", "Behovsvurdering", "Forskellen på behandlingsansvarlig læge og
    # patientansvarlig læge", "Den individuelle skriftlige opfølgningsplan".
    assert column(rows, "term") == {iri("term-patient-responsible-doctor"), iri("term-treatment-responsible-doctor"),
                                    iri("term-needs-assessment"), iri("term-individual-follow-up-plan")}
    definition = next(r["definition"] for r in rows if r["term"] == iri("term-patient-responsible-doctor"))
    assert isinstance(definition, str)
    assert definition.startswith("Den patientansvarlige læge er den læge, der er udpeget")


def test_sundhedsstyrelsen_is_in_charge_of_many_cancer_plan_iv_tools(knowledge_graph: KnowledgeGraph) -> None:
    rows = {r["organisation"]: r for r in run(knowledge_graph, "organisations-by-involvement")}
    # 003: Sundhedsstyrelsen revises the pathways ("fik Sundhedsstyrelsen til opgave at opdatere og revidere udvalgte
    # kræftpakkeforløb"), the care programme ("Sundhedsstyrelsen reviderer forløbsprogram"), starts the HPV offer for
    # MSM, publishes the palliation recommendations, updates the cervical screening recommendations ...
    sst = rows[iri("org-sundhedsstyrelsen")]
    assert number(sst["inCharge"]) >= 5


def test_every_sjaelland_point_has_an_ambition(knowledge_graph: KnowledgeGraph) -> None:
    rows = run(knowledge_graph, "goals")
    owners = {r["owner"] for r in rows if r["kind"] == str(KG.Ambition)}
    # 002 opens each of the 8 points with "Ambitionen er, at ...".
    assert {iri(f"point-sjaelland-8-punktsplan-{n}") for n in range(1, 9)} <= owners


def test_theme_overview_counts_narrower_themes(knowledge_graph: KnowledgeGraph) -> None:
    rows = {r["theme"]: r for r in run(knowledge_graph, "theme-overview")}
    palliation = rows[iri("theme-palliation")]
    # At least recommendations 7-10 of 000 ("Spor 3: Palliation (lindring)") and point 7 of 002.
    assert number(palliation["planItems"]) >= 5
    # Specialised palliation (recommendations 7 and 9 of 000) is narrower, so palliation counts at least as many.
    specialised = rows[iri("theme-specialised-palliation")]
    assert number(specialised["planItems"]) <= number(palliation["planItems"])
    assert specialised["broader"] == iri("theme-palliation")
