"""Speaker and date resolution in Russian, Spanish, German and French articles (issue 33, the classes
seen on real reports): titles written into names, news agencies that carried the words, role nouns that
stand for a person named earlier, and statement dates against the publication date. Every text here was
written for these tests (none is copied from an article); what the persons "say" is invented. They show
behaviour, not accuracy."""
from __future__ import annotations

import pytest
from test_foreign import by_quote, check_offsets, doc

from saidwhat.foreign import extract
from saidwhat.foreign.lexicon import lang

ZAK, LAV, PES = "person:maria-zakharova", "person:sergey-lavrov", "person:dmitry-peskov"


def run(text: str, code: str, published: str | None = "2024-03-15"):   # a Friday
    d = doc(text, code, published)
    stmts = extract(d)
    check_offsets(d, stmts)
    return stmts


# ------------------------------------------------------------------ titles: one actor, the title kept as role
TITLES = [
    ("ru", "Официальный представитель МИД Армении Ани Тер-Карапетян заявила, что Ереван ждёт ответа. "
           "Позднее Тер-Карапетян уточнила, что ответа пока нет.", "ARM", "MFA"),
    ("es", "La portavoz Ana Ruiz Tallada dijo que las conversaciones siguen. Ruiz Tallada añadió que no hay "
           "fecha.", None, None),
    ("de", "Die armenische Regierungssprecherin Ani Kowalczyk sagte, die Gespräche gingen weiter. Kowalczyk "
           "fügte hinzu, es gebe noch keinen Termin.", "ARM", "GOV"),
    ("de", "Botschafter Hans Wettering sagte, die Gespräche gingen weiter. Wettering sagte außerdem, es gebe "
           "keinen Termin.", None, None),
    ("fr", "La porte-parole Anne Vasseur-Lot a déclaré que les discussions continuaient. Vasseur-Lot a précisé "
           "qu'aucune date n'était fixée.", None, None),
]


@pytest.mark.parametrize("code,text,country,sector", TITLES)
def test_a_title_written_into_a_name_is_the_role_not_part_of_the_name(code, text, country, sector):
    stmts = run(text, code)
    assert len(stmts) == 2, [s.quote for s in stmts]
    first, second = stmts
    assert first.actor_id == second.actor_id and first.actor_type == "person"
    assert not any(w in first.actor_id for w in ("sprecher", "botschafter", "portavoz", "porte", "predstavitel"))
    assert first.speaker.split()[0] not in ("Regierungssprecherin", "Botschafter", "portavoz", "porte-parole")
    assert (first.country, first.sector) == (country, sector)


def test_case_forms_and_a_latin_letter_in_a_cyrillic_name_reach_the_dictionary():
    stmts = run("«Мы ждём ответа», — заявила Захаровa. По словам Захаровой, Москва открыта к диалогу.", "ru")
    assert [s.actor_id for s in stmts] == [ZAK, ZAK]


# ------------------------------------------------------------------ news agencies report, they do not speak
AGENCY_TOLD = [   # the person told the agency: the person is the speaker, the agency is no part of the mention
    ("ru", "Москва не станет вмешиваться в выборы, заявила ТАСС официальный представитель МИД России Мария Захарова."),
    ("ru", "Захарова в интервью РИА Новости заявила, что Москва не станет вмешиваться в выборы."),
    ("es", "Moscú no intervendrá en las elecciones, dijo a EFE la portavoz de la diplomacia rusa, María Zajárova."),
    ("de", "Sacharowa sagte der Nachrichtenagentur dpa, Moskau werde sich nicht in die Wahl einmischen."),
    ("fr", "Moscou ne s'ingérera pas dans les élections, a déclaré Maria Zakharova à l'AFP."),
]


@pytest.mark.parametrize("code,text", AGENCY_TOLD)
def test_the_agency_told_is_not_the_speaker(code, text):
    stmts = run(text, code)
    assert len(stmts) == 1, [s.quote for s in stmts]
    s = stmts[0]
    assert s.actor_id == ZAK
    assert not any(a in (s.speaker_mention or "") for a in ("ТАСС", "РИА", "EFE", "dpa", "AFP"))


AGENCY_CARRIES = [   # the agency carries a named person's words: the person speaks, the agency is nowhere
    ("ru", "Как сообщает РИА Новости, Сергей Лавров в среду заявил, что переговоры пройдут в Баку.", LAV, "2024-03-13"),
    ("es", "Según la agencia EFE, Serguéi Lavrov aseguró el miércoles que las negociaciones serán en Bakú.", LAV,
     "2024-03-13"),
    ("de", "Wie die Nachrichtenagentur dpa berichtete, sagte Sergej Lawrow am Mittwoch, die Verhandlungen "
           "fänden in Baku statt.", LAV, "2024-03-13"),
    ("fr", "Selon l'agence Interfax, Sergueï Lavrov a assuré mercredi que les négociations auraient lieu à Bakou.",
     LAV, "2024-03-13"),
]


@pytest.mark.parametrize("code,text,actor,day", AGENCY_CARRIES)
def test_an_agency_that_carries_an_attribution_leaves_it_to_the_person(code, text, actor, day):
    stmts = run(text, code)
    assert len(stmts) == 1, [s.quote for s in stmts]
    s = stmts[0]
    assert s.actor_id == actor and (s.date, s.date_basis) == (day, "weekday")
    assert "Lavrov" not in s.quote and "Лавров" not in s.quote and "Lawrow" not in s.quote


AGENCY_ONLY = [   # nobody named but the agency: no speaker (never the agency)
    ("ru", "Россия продолжит поставки зерна в регион, сообщает ТАСС."),
    ("es", "Rusia seguirá con el suministro de grano a la región, según EFE."),
    ("fr", "La Russie poursuivra ses livraisons de céréales dans la région, selon l'AFP."),
]


@pytest.mark.parametrize("code,text", AGENCY_ONLY)
def test_an_agency_alone_is_never_the_speaker(code, text):
    stmts = run(text, code)
    assert all(s.actor_id is None or "TASS" not in s.actor_id and "EFE" not in s.actor_id
               and "AFP" not in s.actor_id for s in stmts)
    assert all((s.sector or "") != "MEDIA" for s in stmts)


def test_the_agency_cites_its_source_and_speaks_for_itself():
    s = run("Россия продолжит поставки зерна, сообщает ТАСС со ссылкой на Сергея Лаврова.", "ru")[0]
    assert s.actor_id == LAV
    s = run("ТАСС опроверг сообщения о закрытии своего бюро в Ереване.", "ru")[0]
    assert s.actor_id == "org:TASS"     # an act of its own: the agency is the speaker


# ------------------------------------------------------------------ role nouns: the person described so earlier
ROLE_NOUNS = [  # a spokesperson named, then another person speaks, then the role noun: the spokesperson
    ("ru", "Пресс-секретарь президента России Дмитрий Песков заявил, что Кремль ждёт ответа. Глава МИД России "
           "Сергей Лавров сказал, что Москва готова помочь. «Мы не получали ноты», — добавил пресс-секретарь.",
     "Мы не получали ноты", PES),
    ("es", "La portavoz de la diplomacia rusa, María Zajárova, dijo que Moscú espera una respuesta. El ministro "
           "ruso de Exteriores, Serguéi Lavrov, aseguró que Moscú está lista para ayudar. «No hemos recibido "
           "ninguna nota», afirmó la portavoz.", "No hemos recibido", ZAK),
    ("de", "Die Sprecherin des russischen Außenministeriums, Maria Sacharowa, sagte, Moskau warte auf eine "
           "Antwort. Der russische Außenminister Sergej Lawrow sagte, Moskau sei bereit zu helfen. „Wir haben "
           "keine Note erhalten“, sagte die Sprecherin.", "Wir haben keine Note", ZAK),
    ("fr", "La porte-parole de la diplomatie russe, Maria Zakharova, a déclaré que Moscou attendait une réponse. "
           "Le ministre russe des Affaires étrangères, Sergueï Lavrov, a assuré que Moscou était prête à aider. "
           "« Nous n'avons reçu aucune note », a ajouté la porte-parole.", "Nous n'avons reçu", ZAK),
    # the person was described in a sentence that is no statement
    ("es", "En la rueda de prensa participó la portavoz Ana Ruiz Tallada. Serguéi Lavrov dijo que Moscú está "
           "lista. «No hay fecha», subrayó la portavoz.", "No hay fecha", "person:ana-ruiz-tallada"),
]


@pytest.mark.parametrize("code,text,fragment,actor", ROLE_NOUNS)
def test_a_role_noun_is_the_person_the_article_described_with_it(code, text, fragment, actor):
    s = by_quote(run(text, code), fragment)
    assert s.actor_id == actor, (s.speaker, s.speaker_mention)


def test_a_role_noun_of_the_other_gender_is_not_that_person():
    text = ("Die Sprecherin des russischen Außenministeriums, Maria Sacharowa, sagte, Moskau warte auf eine "
            "Antwort. „Wir sind bereit“, sagte der Sprecher.")
    s = by_quote(run(text, "de"), "Wir sind bereit")
    assert s.actor_id != ZAK


# ------------------------------------------------------------------ dates against the publication date
DATES = [   # publication: Friday 15 March 2024
    ("ru", "Захарова в четверг заявила, что Москва ждёт ответа.", "2024-03-14", "weekday"),
    ("ru", "Захарова в пятницу заявила, что Москва ждёт ответа.", "2024-03-15", "weekday"),
    ("ru", "Захарова в прошлую пятницу заявила, что Москва ждёт ответа.", "2024-03-08", "weekday"),
    ("ru", "Вчера Захарова заявила, что Москва ждёт ответа.", "2024-03-14", "relative"),
    ("ru", "Захарова 12 марта заявила, что Москва ждёт ответа.", "2024-03-12", "explicit"),
    ("es", "Zajárova dijo el jueves que Moscú espera una respuesta.", "2024-03-14", "weekday"),
    ("es", "Zajárova dijo el viernes pasado que Moscú espera una respuesta.", "2024-03-08", "weekday"),
    ("es", "Zajárova dijo ayer que Moscú espera una respuesta.", "2024-03-14", "relative"),
    ("es", "Zajárova dijo anteayer que Moscú espera una respuesta.", "2024-03-13", "relative"),
    ("es", "Zajárova dijo el 12 de marzo que Moscú espera una respuesta.", "2024-03-12", "explicit"),
    ("de", "Sacharowa sagte am Donnerstag, Moskau warte auf eine Antwort.", "2024-03-14", "weekday"),
    ("de", "Sacharowa sagte gestern, Moskau warte auf eine Antwort.", "2024-03-14", "relative"),
    ("de", "Sacharowa sagte vorgestern, Moskau warte auf eine Antwort.", "2024-03-13", "relative"),
    ("de", "Sacharowa sagte am 12. März, Moskau warte auf eine Antwort.", "2024-03-12", "explicit"),
    ("fr", "Maria Zakharova a déclaré jeudi que Moscou attendait une réponse.", "2024-03-14", "weekday"),
    ("fr", "Maria Zakharova a déclaré vendredi dernier que Moscou attendait une réponse.", "2024-03-08", "weekday"),
    ("fr", "Maria Zakharova a déclaré hier que Moscou attendait une réponse.", "2024-03-14", "relative"),
    ("fr", "Maria Zakharova a déclaré le 12 mars que Moscou attendait une réponse.", "2024-03-12", "explicit"),
]


@pytest.mark.parametrize("code,text,day,basis", DATES)
def test_statement_date_against_publication(code, text, day, basis):
    s = run(text, code)[0]
    assert s.actor_id == ZAK and (s.date, s.date_basis) == (day, basis)


CONTENT_DATES = [   # a date the content or a noun names is not the day it was said (publication instead)
    ("ru", "Захарова заявила, что договор от 10 ноября 2020 года выполняется."),
    ("ru", "Захарова, комментируя заявление от 9 марта, сказала, что Москва ждёт ответа."),
    ("es", "Zajárova, al comentar la declaración del 9 de marzo, dijo que Moscú espera una respuesta."),
    ("de", "Sacharowa sagte mit Blick auf die Erklärung vom 9. März, Moskau warte auf eine Antwort."),
    ("fr", "Maria Zakharova, commentant la déclaration du 9 mars, a déclaré que Moscou attendait une réponse."),
]


@pytest.mark.parametrize("code,text", CONTENT_DATES)
def test_a_date_the_statement_names_is_not_its_date(code, text):
    s = run(text, code)[0]
    assert (s.date, s.date_basis) == ("2024-03-15", "publication")


DATELINES = [   # no year in the dateline: the publication year; the dateline is no part of any content
    ("ru", "МОСКВА, 13 марта. /ТАСС/. Москва не станет вмешиваться в выборы, заявила Захарова.", "2024-03-13"),
    ("es", "MOSCÚ, 13 mar (EFE).- Moscú no intervendrá en las elecciones, dijo Zajárova.", "2024-03-13"),
    ("de", "Moskau, 13. März (dpa) - Moskau werde sich nicht in die Wahl einmischen, sagte Sacharowa.", "2024-03-13"),
    ("fr", "MOSCOU, 13 mars (AFP) - Moscou ne s'ingérera pas dans les élections, a déclaré Zakharova.", "2024-03-13"),
]


@pytest.mark.parametrize("code,text,day", DATELINES)
def test_a_dateline_without_a_year_takes_the_publication_year(code, text, day):
    stmts = run(text, code)
    assert len(stmts) == 1
    s = stmts[0]
    assert s.actor_id == ZAK and (s.date, s.date_basis) == (day, "dateline")
    assert s.quote.startswith(("Москва", "Moscú", "Moskau werde", "Moscou"))


def test_a_dateline_in_january_of_a_paper_of_december_is_of_the_year_before():
    from datetime import date

    from saidwhat.foreign.dates import dateline_date, dateline_span
    text = "МОСКВА, 29 декабря. /ТАСС/. Захарова заявила, что Москва ждёт ответа."
    assert dateline_date(text, date(2024, 1, 2), lang("ru")) == date(2023, 12, 29)
    assert dateline_date(text, None, lang("ru")) is None           # no year to be had
    assert dateline_span("Захарова заявила, что Москва ждёт ответа.", lang("ru")) is None


def test_date_words_parsed_by_dateparser_not_by_hand():
    from datetime import date

    from saidwhat.foreign.dates import date_in
    pub = date(2024, 3, 15)
    assert date_in("в минувшую среду", pub, lang("ru")) == (date(2024, 3, 13), "weekday")
    assert date_in("el domingo", pub, lang("es")) == (date(2024, 3, 10), "weekday")
    assert date_in("am Sonnabend", pub, lang("de")) == (date(2024, 3, 9), "weekday")
    assert date_in("la semaine dernière", pub, lang("fr")) == (date(2024, 3, 8), "relative")
    assert date_in("16 марта", pub, lang("ru")) == (date(2024, 3, 16), "explicit")       # the day after: kept
    assert date_in("20 марта", pub, lang("ru")) == (date(2023, 3, 20), "explicit")   # after it: the year before
