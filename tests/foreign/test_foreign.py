"""Statements in Russian, French, German and Spanish articles (saidwhat.foreign) and their way
through the pipeline. Every text here was written for these tests; the persons named in them are
real office holders only where the actor dictionary knows them, and what they "say" is invented.
Their held-out measurement is in test_foreign_heldout.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.config import Settings
from saidwhat.foreign import extract, supported
from saidwhat.foreign.lexicon import lang
from saidwhat.foreign.text import find_quotes, paragraphs
from saidwhat.models import Document, content_id

PUB = "2024-03-15"  # a Friday


def doc(text: str, language: str, published: str | None = PUB) -> Document:
    return Document(id=content_id(text), source=f"mem-{language}.txt", text=text, language=language,
                    published=published)


def by_quote(stmts, fragment: str):
    hits = [s for s in stmts if fragment in s.quote]
    assert hits, f"no statement holds {fragment!r}: {[s.quote for s in stmts]}"
    return hits[0]


def check_offsets(d: Document, stmts) -> None:
    for s in stmts:
        assert d.text[s.start:s.end] == s.quote
        if s.cue_start is not None:
            assert d.text[s.cue_start:s.cue_end] == s.cue_text
        if s.speaker_start is not None:
            assert d.text[s.speaker_start:s.speaker_end] == s.speaker_mention


RU = (
    "Официальный представитель МИД России Мария Захарова в четверг заявила, что Москва готова "
    "принять переговоры между Арменией и Азербайджаном.\n\n"
    "«Мы открыты для любых форматов, которые ведут к миру», — подчеркнула Захарова.\n\n"
    "По её словам, ответа из Еревана пока нет. Она призвала Баку и Ереван к сдержанности.\n\n"
    "При этом Захарова не призывала Азербайджан отвести войска.\n\n"
    "Глава МИД России Сергей Лавров 12 марта сказал, что Россия не намерена покидать регион."
)


def test_russian_direct_indirect_pronoun_role_date_negation():
    d = doc(RU, "ru")
    stmts = extract(d)
    check_offsets(d, stmts)
    first = by_quote(stmts, "Москва готова")
    assert first.kind == "indirect" and first.cue == "state" and first.cue_text == "заявила"
    assert first.actor_id == "person:maria-zakharova" and first.country == "RUS" and first.sector == "MFA"
    assert first.speaker_mention == "Официальный представитель МИД России Мария Захарова"
    assert (first.date, first.date_basis) == ("2024-03-14", "weekday")   # в четверг -> Thursday
    assert first.targets == ["ARM", "AZE"] and first.event_type is None and "ru" in first.event_reason
    direct = by_quote(stmts, "Мы открыты")
    assert direct.kind == "direct" and direct.quote == "Мы открыты для любых форматов, которые ведут к миру"
    assert direct.actor_id == "person:maria-zakharova" and direct.date_basis == "context"
    poss = by_quote(stmts, "ответа из Еревана")
    assert poss.cue == "according to" and poss.actor_id == "person:maria-zakharova"
    call = by_quote(stmts, "Баку и Ереван к сдержанности")
    assert call.cue == "call" and call.speaker_mention == "Она" and call.actor_id == "person:maria-zakharova"
    assert call.targets == ["AZE", "ARM"] and not call.negated
    # the content cannot be read by the English coder: the cue alone codes the act when it names one
    assert call.event_type == "REQUEST" and call.cameo and "cue call only" in call.event_reason
    assert "names no act" in first.event_reason  # "заявила" (state): no event, and why
    neg = by_quote(stmts, "Азербайджан отвести войска")
    assert neg.negated and neg.cue == "call" and neg.event_reason == "negated"
    lav = by_quote(stmts, "не намерена покидать")
    assert lav.actor_id == "person:sergey-lavrov" and (lav.date, lav.date_basis) == ("2024-03-12", "explicit")
    assert not lav.negated  # a negation inside the content is not a statement reported as not made


def test_russian_spokesperson_role_without_name_and_trailing_and_anaphoric():
    text = ("Рост напряжённости на границе вызывает серьёзную обеспокоенность, — заявили в МИД России.\n\n"
            "Москва готова содействовать переговорам. Об этом заявил пресс-секретарь президента России "
            "Дмитрий Песков.\n\n"
            "— Мы ждём ответа от обеих сторон, — сказал он журналистам.")
    d = doc(text, "ru")
    stmts = extract(d)
    check_offsets(d, stmts)
    mfa = by_quote(stmts, "Рост напряжённости")
    assert mfa.kind == "indirect" and mfa.actor_id == "org:RUS-MFA"
    ana = by_quote(stmts, "Москва готова содействовать")
    assert ana.actor_id == "person:dmitry-peskov" and ana.sector == "HEAD_OF_STATE"
    dash = by_quote(stmts, "Мы ждём ответа")
    assert dash.kind == "direct" and dash.quote == "Мы ждём ответа от обеих сторон"
    assert dash.speaker_mention == "он" and dash.actor_id == "person:dmitry-peskov"


def test_russian_interrupted_quote_and_scare_quotes_are_not_statements():
    text = ("«Мы не будем вмешиваться, — заявил Лавров, — но и молчать не станем».\n\n"
            "Компания «Северный поток» отказалась от проекта в прошлом году.")
    d = doc(text, "ru")
    stmts = extract(d)
    check_offsets(d, stmts)
    assert [s.quote for s in stmts] == ["Мы не будем вмешиваться", "но и молчать не станем"]
    assert {s.actor_id for s in stmts} == {"person:sergey-lavrov"} and {s.kind for s in stmts} == {"direct"}


FR = (
    "La porte-parole de la diplomatie russe, Maria Zakharova, a déclaré jeudi que Moscou restait prête "
    "à accueillir des pourparlers entre l'Arménie et l'Azerbaïdjan.\n\n"
    "« Nous ne fermons aucune porte », a-t-elle ajouté.\n\n"
    "Selon elle, Erevan n'a pas encore répondu. Elle n'a pas appelé l'Azerbaïdjan à retirer ses troupes.\n\n"
    "Le ministre arménien des Affaires étrangères, Ararat Mirzoyan, a affirmé hier qu'un accord restait possible."
)


def test_french_quotes_inverted_pronoun_selon_negation_dates():
    d = doc(FR, "fr")
    stmts = extract(d)
    check_offsets(d, stmts)
    first = by_quote(stmts, "Moscou restait prête")
    assert first.kind == "indirect" and first.actor_id == "person:maria-zakharova"
    assert first.date == "2024-03-14" and first.date_basis == "weekday" and first.targets == ["ARM", "AZE"]
    quote = by_quote(stmts, "Nous ne fermons aucune porte")
    assert quote.kind == "direct" and quote.quote == "Nous ne fermons aucune porte"   # no « » nor spaces
    assert quote.speaker_mention == "elle" and quote.actor_id == "person:maria-zakharova" and quote.cue == "add"
    assert not quote.negated
    sel = by_quote(stmts, "Erevan n'a pas encore répondu")
    assert sel.cue == "according to" and sel.actor_id == "person:maria-zakharova"
    neg = by_quote(stmts, "l'Azerbaïdjan à retirer")
    assert neg.negated and neg.cue == "call" and neg.targets == ["AZE"]
    mirz = by_quote(stmts, "un accord restait possible")
    assert mirz.actor_id == "person:ararat-mirzoyan" and mirz.country == "ARM"
    assert (mirz.date, mirz.date_basis) == ("2024-03-14", "relative")


def test_german_and_spanish():
    de = doc("Der russische Außenminister Sergej Lawrow sagte am Mittwoch, Moskau sei zu Gesprächen bereit.\n\n"
             "„Wir warten auf eine Antwort aus Baku“, so Lawrow.\n\n"
             "Die Bundesregierung wollte sich nicht äußern.", "de")
    stmts = extract(de)
    check_offsets(de, stmts)
    s1 = by_quote(stmts, "Moskau sei zu Gesprächen bereit")
    assert s1.kind == "indirect" and s1.actor_id == "person:sergey-lavrov" and s1.date == "2024-03-13"
    s2 = by_quote(stmts, "Wir warten auf eine Antwort")
    assert s2.kind == "direct" and s2.actor_id == "person:sergey-lavrov" and s2.targets == ["AZE"]
    s3 = by_quote(stmts, "nicht äußern")
    assert s3.negated and s3.cue == "comment" and s3.country == "DEU"
    es = doc("El ministro de Asuntos Exteriores de Rusia, Serguéi Lavrov, dijo ayer que Moscú no abandonará "
             "la región.\n\n«No buscamos ningún conflicto», añadió.\n\nNo pidió a Armenia que cambie su política.", "es")
    stmts = extract(es)
    check_offsets(es, stmts)
    e1 = by_quote(stmts, "Moscú no abandonará")
    assert e1.actor_id == "person:sergey-lavrov" and (e1.date, e1.date_basis) == ("2024-03-14", "relative")
    e2 = by_quote(stmts, "No buscamos ningún conflicto")
    assert e2.kind == "direct" and e2.actor_id == "person:sergey-lavrov" and e2.speaker_mention is None
    e3 = by_quote(stmts, "cambie su política")
    assert e3.negated and e3.targets == ["ARM"] and e3.actor_id == "person:sergey-lavrov"


def test_quote_marks_per_language():
    L = lang("de")
    text = "Er sagte: „Wir sind ‚sehr‘ offen“ und »bleiben es«."
    qs = find_quotes(text, 0, len(text), L)
    assert [text[q.start:q.end] for q in qs] == ["Wir sind ‚sehr‘ offen", "bleiben es"]
    ru = "«Это „наш“ ответ», — сказал он."
    qs = find_quotes(ru, 0, len(ru), lang("ru"))
    assert [ru[q.start:q.end] for q in qs] == ["Это „наш“ ответ"]
    assert paragraphs("a\n\n  b  \n") == [(0, 1), (5, 6)]


def test_supported_languages_and_refusal():
    assert supported("ru") and supported("fr") and supported("de") and supported("es")
    assert not supported("en") and not supported("it") and not supported(None)
    with pytest.raises(ValueError):
        extract(doc("Il ministro ha detto che ...", "it"))


def test_pipeline_routes_by_language():
    from saidwhat import pipeline
    it = doc("Il ministro degli Esteri ha detto che Roma è pronta a collaborare con tutti i partner europei.", "it")
    ru = doc(RU, "ru")
    assert pipeline.route(it) == "none" and pipeline.route(ru) == "foreign"
    assert pipeline.route(doc("Some text.", "en")) == "en" and pipeline.route(doc("x", None)) == "en"

    class NoModel:  # no English document here: the spaCy model must not even be asked for
        def pipe(self, *a, **k):
            raise AssertionError("spaCy called for a non-English batch")

    results = list(pipeline.process([it, ru], Settings(), nlp=NoModel()))
    assert [r.document.language for r in results] == ["it", "ru"]
    assert results[0].error is None and results[0].statements == []
    assert results[1].error is None and len(results[1].statements) >= 5


def test_ingest_russian_into_sqlite(tmp_path):
    from saidwhat.runners import ingest
    from saidwhat.store import Store
    src = tmp_path / "ru.txt"
    src.write_text(" date 2024-03-15 \n" + RU + "\n", encoding="utf-8")
    other = tmp_path / "it.txt"
    other.write_text("Il ministro degli Esteri italiano ha dichiarato che Roma sostiene il dialogo tra "
                     "Armenia e Azerbaigian e chiede moderazione a entrambe le parti.\n", encoding="utf-8")
    store = Store(str(tmp_path / "t.db"))
    try:
        report = ingest([str(src), str(other)], store, Settings(languages=()))
        assert report.stored == 2 and not report.errors
        assert report.languages == {"ru": 1, "it": 1} and report.not_extracted == {"it": 1}
        rows = store.statements(limit=None)
        assert len(rows) == report.statements >= 5
        docs = {d["language"]: d for d in store.documents()}
        assert set(docs) == {"ru", "it"}
        zak = store.statements(actor="person:maria-zakharova", limit=None)
        assert any(r["kind"] == "direct" and r["quote"].startswith("Мы открыты") for r in zak)
        assert all(r["doc_id"] == docs["ru"]["id"] for r in rows)
        assert store.search("сдержанности")  # FTS over Cyrillic
    finally:
        store.close()


def test_demo_sample_in_russian():
    path = Path(__file__).resolve().parents[2] / "data" / "samples" / "07_ru_mid_briefing.txt"
    from saidwhat.sources import iter_sources
    d = next(iter(iter_sources([str(path)], Settings(languages=()))))
    assert d.language == "ru" and d.published == "2024-04-12"
    stmts = extract(d)
    check_offsets(d, stmts)
    kinds = {s.kind for s in stmts}
    assert {"direct", "indirect"} <= kinds and any(s.negated for s in stmts)
    assert by_quote(stmts, "Мы открыты").country == "RUS"


def test_names_resolve_without_cyrillic_aliases():
    """Transliteration and case endings reach the English dictionary entries on their own."""
    from saidwhat.actors import ActorIndex, load_actors
    from saidwhat.foreign.speaker import is_cyrillic
    actors, merges = load_actors(user=False)
    for a in actors.values():
        a.aliases = [x for x in a.aliases if not is_cyrillic(x)]
        a.metonyms = [x for x in a.metonyms if not is_cyrillic(x)]
    ix = ActorIndex(actors, merges)
    text = ("По словам Захаровой, Москва готова к переговорам. «Мы ждём ответа», — сказал Песков. "
            "Лавров заявил, что Россия не уйдёт из региона.")
    stmts = extract(doc(text, "ru"), index=ix)
    assert [s.actor_id for s in stmts] == ["person:maria-zakharova", "person:dmitry-peskov",
                                           "person:sergey-lavrov"]


ROLE_OF_ORG = [  # (language, text, speaker name, country, sector): a role noun + an organisation
    ("ru", "Представитель Госдепартамента Дэниел Марш заявил в четверг, что США выделят беженцам "
           "ещё пять миллионов долларов.", "Дэниел Марш", "USA", "MFA"),
    ("ru", "Официальный представитель Пентагона Томас Грейвз заявил в четверг, что учения пройдут по плану.",
     "Томас Грейвз", "USA", "MIL"),
    ("ru", "Пресс-секретарь Белого дома Пол Хендри сказал в четверг, что визит не отменён.",
     "Пол Хендри", "USA", "HEAD_OF_STATE"),
    ("fr", "Le porte-parole du département d'État, Daniel Marsh, a déclaré jeudi que les États-Unis "
           "fourniront cinq millions de dollars.", "Daniel Marsh", "USA", "MFA"),
    ("fr", "Daniel Marsh, porte-parole du département d'État, a déclaré jeudi que les contacts se poursuivent.",
     "Daniel Marsh", "USA", "MFA"),
    ("de", "Ein Sprecher des Weißen Hauses, Paul Hendry, sagte am Donnerstag, der Besuch finde statt.",
     "Paul Hendry", "USA", "HEAD_OF_STATE"),
    ("de", "Der Sprecher des US-Außenministeriums, Daniel Marsh, sagte am Donnerstag, die Gespräche gingen weiter.",
     "Daniel Marsh", "USA", "MFA"),
    ("es", "Laura Quint, portavoz del Departamento de Estado, dijo el jueves que las conversaciones continúan.",
     "Laura Quint", "USA", "MFA"),
    ("es", "El portavoz del Pentágono, Tomás Graves, dijo el jueves que las maniobras siguen previstas.",
     "Tomás Graves", "USA", "MIL"),
]


@pytest.mark.parametrize("code,text,name,country,sector", ROLE_OF_ORG)
def test_role_noun_with_an_organisation_gives_country_and_sector(code, text, name, country, sector):
    """'Представитель Госдепартамента Дэниел Марш': the organisation in the genitive is split from
    the name (the speaker is "Дэниел Марш", not "Госдепартамента Дэниел Марш") and gives the
    unknown person the organisation's country and sector, before or after the name."""
    d = doc(text, code)
    stmts = extract(d)
    check_offsets(d, stmts)
    assert len(stmts) == 1, [s.quote for s in stmts]
    s = stmts[0]
    assert s.speaker == name and s.actor_type == "person"
    assert (s.country, s.sector) == (country, sector)
    assert not any(w in s.actor_id for w in ("gosdepartament", "pentagon", "belogo"))


def test_organisation_not_next_to_the_name_is_not_the_speakers():
    text = "Daniel Marsh a déclaré jeudi que le porte-parole du département d'État viendra à Erevan."
    s = extract(doc(text, "fr"))[0]
    assert s.speaker == "Daniel Marsh" and s.country is None and s.sector is None
    # a bare role noun with no organisation the dictionary knows adds nothing either
    s = extract(doc("Представитель организации Дэниел Марш заявил в четверг, что контакты продолжаются.",
                    "ru"))[0]
    assert s.speaker in ("Дэниел Марш", "Представитель организации Дэниел Марш") and s.country is None
