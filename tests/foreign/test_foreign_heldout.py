"""Held-out measurement of the foreign-language extractor (saidwhat.foreign): hand-written
paragraphs in Russian, French, German and Spanish, written after the rules, and the accuracy gate on
them. ``python tests/test_foreign_heldout.py`` prints precision, recall, speaker and negation accuracy
of both sets."""
from __future__ import annotations

import sys

from test_foreign import doc

from saidwhat.foreign import extract

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


# A third set, for issue 33's classes (titles in names, news agencies that carried the words, role nouns,
# dates against the publication date, datelines), written by the author of those fixes after making them
# but never run on them before being measured: once with the extractor as it was (git HEAD) and once with
# the fixes (publication: Friday 15 March 2024). Gold entries carry the statement date as a fourth field.
# Not tuned on since: the German perfect ("hat … gesagt") and "Según la agencia, …" with no one named
# are the known misses.
HELD_OUT_3 = [
    ("ru", "ЕРЕВАН, 14 марта. /ТАСС/. Армения не намерена выходить из ОДКБ, заявил ТАСС вице-спикер "
           "парламента Армении Рубен Рубинян. По словам политика, решение будет принято позже.",
     [("Армения не намерена выходить", None, False, "2024-03-14"),
      ("решение будет принято позже", None, False, "2024-03-14")]),
    ("ru", "Как передает Интерфакс, премьер-министр Армении Никол Пашинян во вторник сказал, что граница "
           "будет открыта. Вчера пресс-секретарь МИД России Мария Захарова заявила, что Москва это приветствует.",
     [("граница будет открыта", "person:nikol-pashinyan", False, "2024-03-12"),
      ("Москва это приветствует", "person:maria-zakharova", False, "2024-03-14")]),
    ("es", "BAKÚ, 14 mar (EFE).- El presidente de Azerbaiyán, Ilham Alíyev, afirmó este jueves que la paz "
           "está cerca. El mandatario añadió que Bakú no aceptará condiciones previas.",
     [("la paz está cerca", "person:ilham-aliyev", False, "2024-03-14"),
      ("Bakú no aceptará condiciones previas", "person:ilham-aliyev", False, "2024-03-14")]),
    ("es", "La portavoz de la Cancillería rusa, María Zajárova, declaró ayer a la agencia RIA Novosti que "
           "Moscú no ha recibido ninguna propuesta del 5 de marzo. Según la agencia, la diplomática no dio más "
           "detalles.",
     [("Moscú no ha recibido ninguna propuesta", "person:maria-zakharova", False, "2024-03-14")]),
    ("de", "Moskau (dpa) - Kremlsprecher Dmitri Peskow hat am Mittwoch gesagt, Russland sei zu Gesprächen "
           "bereit. Wie die Agentur Interfax meldete, betonte der Sprecher zudem, es gebe keine Frist.",
     [("Russland sei zu Gesprächen bereit", "person:dmitry-peskov", False, "2024-03-13"),
      ("es gebe keine Frist", "person:dmitry-peskov", False, "2024-03-13")]),
    ("de", "Die Sprecherin des russischen Außenministeriums, Maria Sacharowa, sagte gestern, die Erklärung "
           "vom 10. März sei ein Fehler gewesen. „Wir erwarten eine Entschuldigung“, sagte die Diplomatin.",
     [("die Erklärung vom 10. März sei ein Fehler", "person:maria-zakharova", False, "2024-03-14"),
      ("Wir erwarten eine Entschuldigung", "person:maria-zakharova", False, "2024-03-14")]),
    ("fr", "Le chef de la diplomatie russe, Sergueï Lavrov, a affirmé mardi à l'agence TASS que Moscou "
           "restait ouverte au dialogue. « Nous n'avons pas fermé la porte », a insisté le ministre.",
     [("Moscou restait ouverte au dialogue", "person:sergey-lavrov", False, "2024-03-12"),
      ("Nous n'avons pas fermé la porte", "person:sergey-lavrov", False, "2024-03-12")]),
    ("fr", "Selon l'AFP, la porte-parole de la diplomatie russe, Maria Zakharova, a déclaré hier que la "
           "déclaration du 1er mars n'engageait que Bakou.",
     [("n'engageait que Bakou", "person:maria-zakharova", False, "2024-03-14")]),
]


def measure(items=None) -> dict[str, float]:
    tp = pred = gold = spk_ok = neg_ok = dated = date_ok = 0
    for language, text, expected in (HELD_OUT if items is None else items):
        stmts = extract(doc(text, language))
        pred += len(stmts)
        gold += len(expected)
        for frag, actor, negated, *day in expected:
            hit = next((s for s in stmts if frag in s.quote), None)
            if hit is None:
                continue
            tp += 1
            spk_ok += (hit.actor_id == actor) if actor else (hit.actor_id or "").startswith("person:")
            neg_ok += hit.negated == negated
            if day:
                dated += 1
                date_ok += hit.date == day[0]
    out = {"precision": tp / pred, "recall": tp / gold, "speaker_accuracy": spk_ok / max(tp, 1),
           "negation_accuracy": neg_ok / max(tp, 1), "gold": gold, "predicted": pred}
    if dated:
        out["date_accuracy"] = date_ok / dated
    return out


def test_held_out_accuracy_gate():
    # below the figures reported in the README (set 1 was used for fixes; set 2 is nearer the truth):
    # a regression under them fails
    m = measure()
    assert m["precision"] >= 0.95 and m["recall"] >= 0.95 and m["speaker_accuracy"] >= 0.95, m
    m2 = measure(HELD_OUT_2)
    assert m2["precision"] >= 0.85 and m2["recall"] >= 0.8 and m2["speaker_accuracy"] >= 0.7, m2
    assert m["negation_accuracy"] == m2["negation_accuracy"] == 1.0
    m3 = measure(HELD_OUT_3)   # measured 0.93 / 0.93 / speaker 1.0 / date 0.92 (before the fixes: 0.92 / 0.86 / 0.67 / 0.83)
    assert m3["precision"] >= 0.9 and m3["recall"] >= 0.9 and m3["speaker_accuracy"] >= 0.95, m3
    assert m3["date_accuracy"] >= 0.9 and m3["negation_accuracy"] == 1.0, m3


if __name__ == "__main__":
    print("set 1", measure(), file=sys.stdout)
    print("set 2", measure(HELD_OUT_2), file=sys.stdout)
    print("set 3", measure(HELD_OUT_3), file=sys.stdout)
