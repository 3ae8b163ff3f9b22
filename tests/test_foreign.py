"""Statements in Russian, French, German and Spanish articles (saidwhat.nlp.foreign) and their way
through the pipeline. Every text here was written for these tests; the persons named in them are
real office holders only where the actor dictionary knows them, and what they "say" is invented.

``python tests/test_foreign.py`` prints the precision/recall of the held-out set at the bottom."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from saidwhat.config import Settings
from saidwhat.models import Document, content_id
from saidwhat.nlp.foreign import extract, supported
from saidwhat.nlp.foreign.lexicon import lang
from saidwhat.nlp.foreign.text import find_quotes, paragraphs

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
    from saidwhat.pipeline import ingest
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
    path = Path(__file__).resolve().parents[1] / "data" / "samples" / "07_ru_mid_briefing.txt"
    from saidwhat.ingest import iter_sources
    d = next(iter(iter_sources([str(path)], Settings(languages=()))))
    assert d.language == "ru" and d.published == "2024-04-12"
    stmts = extract(d)
    check_offsets(d, stmts)
    kinds = {s.kind for s in stmts}
    assert {"direct", "indirect"} <= kinds and any(s.negated for s in stmts)
    assert by_quote(stmts, "Мы открыты").country == "RUS"


# --------------------------------------------------------------------------- held-out measurement
# Written after the extractor, never tuned on: (language, text, [(fragment of the content, speaker actor
# id or None when the speaker is not in the dictionary, negated)]). A prediction matches a gold statement
# when its content holds the fragment; speaker accuracy is over matched statements.
HELD_OUT = [
    ("ru", "Министр обороны Армении Сурен Папикян заявил, что армия не получала приказа об отводе войск. "
           "«Граница остаётся под нашим контролем», — добавил министр.",
     [("армия не получала приказа", None, False), ("Граница остаётся под нашим контролем", None, False)]),
    ("ru", "Президент Азербайджана Ильхам Алиев в понедельник обвинил Армению в затягивании переговоров. "
           "По словам Алиева, Баку готов подписать договор уже в этом году.",
     [("Армению в затягивании переговоров", "person:ilham-aliyev", False),
      ("Баку готов подписать договор", "person:ilham-aliyev", False)]),
    ("ru", "«Никаких ультиматумов не было», — сообщил Песков. Он отметил, что Кремль поддерживает контакты с "
           "обеими сторонами. Песков не стал уточнять детали.",
     [("Никаких ультиматумов не было", "person:dmitry-peskov", False),
      ("Кремль поддерживает контакты", "person:dmitry-peskov", False)]),
    ("ru", "Как сообщили в МИД Ирана, Тегеран не допустит изменения границ в регионе. Премьер-министр Армении "
           "Никол Пашинян заявил: «Мы выбираем мир».",
     [("Тегеран не допустит изменения границ", "org:IRN-MFA", False),
      ("Мы выбираем мир", "person:nikol-pashinyan", False)]),
    ("fr", "« La France restera aux côtés de l'Arménie », a assuré Emmanuel Macron mardi. Le président "
           "français a également appelé Bakou à respecter le cessez-le-feu.",
     [("La France restera aux côtés", "person:emmanuel-macron", False),
      ("Bakou à respecter le cessez-le-feu", "person:emmanuel-macron", False)]),
    ("fr", "Le Kremlin a démenti toute implication dans l'incident. D'après le porte-parole Dmitri Peskov, "
           "les accusations de Kiev sont infondées. Il n'a pas précisé quand Moscou répondrait.",
     [("toute implication dans l'incident", "org:RUS-HEAD_OF_STATE", False),
      ("les accusations de Kiev sont infondées", "person:dmitry-peskov", False),
      ("quand Moscou répondrait", "person:dmitry-peskov", True)]),
    ("fr", "Selon le ministère turc des Affaires étrangères, Ankara soutient l'intégrité territoriale de "
           "l'Azerbaïdjan. « Nous appelons au calme », a déclaré Hakan Fidan.",
     [("Ankara soutient l'intégrité territoriale", "org:TUR-MFA", False),
      ("Nous appelons au calme", "person:hakan-fidan", False)]),
    ("de", "Außenministerin Annalena Baerbock erklärte, dass Deutschland die Gespräche unterstützen werde. "
           "„Diplomatie braucht Geduld“, sagte sie in Berlin.",
     [("Deutschland die Gespräche unterstützen werde", "person:annalena-baerbock", False),
      ("Diplomatie braucht Geduld", "person:annalena-baerbock", False)]),
    ("de", "Laut Kremlsprecher Dmitri Peskow gibt es keine neuen Verhandlungen. Der Kreml warf Armenien vor, "
           "die Vereinbarungen zu verletzen.",
     [("gibt es keine neuen Verhandlungen", "person:dmitry-peskov", False),
      ("Armenien vor, die Vereinbarungen zu verletzen", "org:RUS-HEAD_OF_STATE", False)]),
    ("es", "«Rusia no abandonará a sus aliados», afirmó el portavoz del Kremlin, Dmitri Peskov. Según el "
           "Gobierno armenio, Ereván no ha recibido ninguna propuesta.",
     [("Rusia no abandonará a sus aliados", "person:dmitry-peskov", False),
      ("Ereván no ha recibido ninguna propuesta", "ARM", False)]),
    ("es", "El presidente de Turquía, Recep Tayyip Erdogan, instó a Armenia a firmar la paz. No acusó a "
           "Rusia de bloquear el proceso.",
     [("Armenia a firmar la paz", "person:recep-tayyip-erdogan", False),
      ("Rusia de bloquear el proceso", "person:recep-tayyip-erdogan", True)]),
]

# A second set, written after the first had been used for fixes, and measured once as it stands.
HELD_OUT_2 = [
    ("ru", "Вице-премьер Армении Мгер Григорян сообщил, что делимитация продолжится весной. «Работа идёт "
           "спокойно», — сказал он. Азербайджанская сторона этот прогресс подтвердила.",
     [("делимитация продолжится весной", None, False), ("Работа идёт спокойно", None, False)]),
    ("ru", "Сергей Лавров во вторник выступил с резкой критикой Запада. «Запад ведёт против нас войну», — "
           "цитирует министра агентство. Лавров также подчеркнул, что Москва открыта к диалогу.",
     [("Запад ведёт против нас войну", "person:sergey-lavrov", False),
      ("Москва открыта к диалогу", "person:sergey-lavrov", False)]),
    ("ru", "Захарова назвала заявления Еревана «безответственными». Кроме того, она отметила: «Мы не "
           "получали никаких нот протеста».",
     [("Мы не получали никаких нот протеста", "person:maria-zakharova", False)]),
    ("fr", "Interrogé par la presse, Jean-Noël Barrot a estimé que la paix était « à portée de main ». "
           "Le ministre n'a toutefois pas donné de calendrier.",
     [("la paix était", "person:jean-noel-barrot", False)]),
    ("fr", "« Nous ne reconnaîtrons jamais ce référendum », a martelé le président ukrainien Volodymyr "
           "Zelensky. Kiev demande à l'Union européenne de nouvelles sanctions, a-t-il ajouté.",
     [("Nous ne reconnaîtrons jamais ce référendum", "person:volodymyr-zelensky", False),
      ("Kiev demande à l'Union européenne", "person:volodymyr-zelensky", False)]),
    ("de", "Bundeskanzler Olaf Scholz betonte, die Ukraine müsse ihre Souveränität behalten. Russland "
           "dürfe nicht gewinnen, fügte er hinzu.",
     [("die Ukraine müsse ihre Souveränität behalten", "person:olaf-scholz", False),
      ("Russland dürfe nicht gewinnen", "person:olaf-scholz", False)]),
    ("de", "Der iranische Außenminister Abbas Araghchi kritisierte die Sanktionen scharf. „Das ist "
           "Wirtschaftskrieg“, sagte Araghchi in Teheran.",
     [("die Sanktionen scharf", "person:abbas-araghchi", False),
      ("Das ist Wirtschaftskrieg", "person:abbas-araghchi", False)]),
    ("es", "El secretario general de la ONU, António Guterres, advirtió que la situación humanitaria es "
           "crítica. «No hay tiempo que perder», subrayó Guterres.",
     [("la situación humanitaria es crítica", "person:antonio-guterres", False),
      ("No hay tiempo que perder", "person:antonio-guterres", False)]),
    ("es", "Según fuentes del Ministerio de Defensa ruso, las tropas se retirarán el viernes. El Kremlin no "
           "confirmó la información.",
     [("las tropas se retirarán", "org:RUS-MIL", False)]),
]


def measure(items=None) -> dict[str, float]:
    tp = pred = gold = spk_ok = neg_ok = 0
    for language, text, expected in (HELD_OUT if items is None else items):
        stmts = extract(doc(text, language))
        pred += len(stmts)
        gold += len(expected)
        for frag, actor, negated in expected:
            hit = next((s for s in stmts if frag in s.quote), None)
            if hit is None:
                continue
            tp += 1
            spk_ok += (hit.actor_id == actor) if actor else (hit.actor_id or "").startswith("person:")
            neg_ok += hit.negated == negated
    return {"precision": tp / pred, "recall": tp / gold, "speaker_accuracy": spk_ok / max(tp, 1),
            "negation_accuracy": neg_ok / max(tp, 1), "gold": gold, "predicted": pred}


def test_held_out_accuracy_gate():
    # below the figures reported in the README (set 1 was used for fixes; set 2 is nearer the truth):
    # a regression under them fails
    m = measure()
    assert m["precision"] >= 0.95 and m["recall"] >= 0.95 and m["speaker_accuracy"] >= 0.95, m
    m2 = measure(HELD_OUT_2)
    assert m2["precision"] >= 0.85 and m2["recall"] >= 0.8 and m2["speaker_accuracy"] >= 0.7, m2
    assert m["negation_accuracy"] == m2["negation_accuracy"] == 1.0


if __name__ == "__main__":
    print("set 1", measure(), file=sys.stdout)
    print("set 2", measure(HELD_OUT_2), file=sys.stdout)


def test_names_resolve_without_cyrillic_aliases():
    """Transliteration and case endings reach the English dictionary entries on their own."""
    from saidwhat.actors import ActorIndex, load_actors
    from saidwhat.nlp.foreign.speaker import is_cyrillic
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
