"""The per-language word lists of ``data/cues_foreign.json`` and ``data/foreign_lexicon.json``,
compiled once into regular expressions (every regex of the foreign extractor is built here)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

STEM = r"\w{0,3}"
APOS = "['\u2019]"


def _data(name: str) -> dict:
    return json.loads(resources.files("saidwhat").joinpath("data", name).read_text("utf-8"))


def word_pattern(form: str) -> str:
    """A lexicon form as a regex: words in sequence, '*' = stem + up to 3 letters, '|' = alternatives, '?' = one optional word."""
    alts = []
    for alt in form.split("|"):
        out, optional = "", False
        for w in alt.split():
            if w == "?":  # one optional word ("Sprecherin des [russischen] Außenministeriums")
                optional = True
                continue
            star = w.endswith("*")
            w = w.rstrip("*")
            p = re.escape(w).replace("'", APOS).replace("\u2019", APOS) + (STEM if star else "")
            sep = (r"\s+(?:[\w\-]+\s+)?" if optional else r"\s+") if out else ""
            out += sep + p
            optional = False
        alts.append(out)
    return "(?:" + "|".join(alts) + ")"


def bounded(pattern: str) -> str:
    return rf"(?<![\w\-]){pattern}(?![\w\-])"


def alternation(forms, bound: bool = True) -> str:
    pats = sorted((word_pattern(f) for f in forms), key=len, reverse=True)
    body = "(?:" + "|".join(pats) + ")" if pats else "(?!x)x"
    return bounded(body) if bound else body


@dataclass
class Cue:
    lemma: str
    frames: tuple[str, ...]
    negated: bool = False      # the form itself is negated (French "n'a pas déclaré")
    pronoun: bool = False      # the form carries its subject (French "a-t-elle ajouté")


@dataclass
class Lang:
    code: str
    cue_re: re.Pattern
    cues: dict[str, Cue]                    # regex group name -> cue
    comp_re: re.Pattern                     # complementizer at the start of a text
    comma_comp: bool
    according_re: re.Pattern
    according_after_re: re.Pattern | None
    trailing_so_re: re.Pattern | None
    possessive: list[tuple[re.Pattern, str]]
    anaphoric_re: re.Pattern
    leader_re: re.Pattern
    decline_re: re.Pattern
    negator_re: re.Pattern | None
    negators_after_re: re.Pattern | None
    pronouns: dict[str, str]
    pronoun_re: re.Pattern
    stop_after: set[str]
    prepositions: set[str]
    skip: set[str]
    articles: set[str]
    negators: set[str]
    quotes: dict[str, str]
    roles: list[tuple[re.Pattern, str]]     # (pattern, English office phrase), longest first
    role_re: re.Pattern
    anaphors: list[tuple[re.Pattern, str]]
    countries: list[tuple[re.Pattern, str, bool]]  # (pattern, ISO3, is_adjective)
    weekdays: list[re.Pattern]
    months: list[re.Pattern]
    relative: list[tuple[re.Pattern, int]]
    last_re: re.Pattern
    date_word_re: re.Pattern                # any weekday / relative word (not a name, not a speaker)
    explicit_re: re.Pattern
    extra: dict = field(default_factory=dict)
    role_head_re: re.Pattern | None = None  # role nouns that take an organisation after them
    role_link_re: re.Pattern | None = None  # what stands between the noun and the organisation
    addressee_re: re.Pattern | None = None  # the addressee opening an obj_to content (group 1)
    # speaker and date resolution (data/foreign_resolution.json)
    agency_noun_re: re.Pattern | None = None    # "агентство", "la agencia", "Nachrichtenagentur", "l'agence"
    citing_re: re.Pattern | None = None         # "со ссылкой на", "citando a" (at a position)
    own_act_cues: frozenset[str] = frozenset()  # cue lemmas with which an agency is itself the speaker
    title_re: re.Pattern | None = None          # a whole word that is a title ("Sprecherin", "portavoz")
    role_classes: list[tuple[re.Pattern, str]] = field(default_factory=list)
    office_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sector_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_modifier_re: re.Pattern | None = None  # before an explicit date: it names something ("от", "del")
    last_after_re: re.Pattern | None = None     # after a weekday: "last" ("jeudi dernier")


def _ru_forms(form: str) -> str:
    if form.endswith("лся"):
        return word_pattern(form[:-3]) + "л(?:ся|ась|ись|ось)"
    if form.endswith("л") and " " not in form:
        return word_pattern(form) + "(?:а|и|о)?"
    return word_pattern(form)


_FR_ADV = r"(?:\w+ment\s+|aussi\s+|encore\s+|déjà\s+|pour\s+sa\s+part\s+|toutefois\s+)?"


def _fr_variants(form: str) -> list[tuple[str, bool, bool]]:
    """(pattern, negated, pronoun) for a French cue form."""
    if form.startswith("a "):
        part = word_pattern(form[2:])
        return [
            (rf"(?:a|ont|avait|avaient)\s+{_FR_ADV}{part}", False, False),
            (rf"(?:a|ont|avait|avaient)-t?-?(?:il|elle|ils|elles|on)\s+{_FR_ADV}{part}", False, True),
            (rf"n{APOS}(?:a|ont|avait|avaient)\s+(?:pas|jamais|plus)\s+{_FR_ADV}{part}", True, False),
        ]
    base = word_pattern(form)
    return [(base, False, False), (rf"{base}(?:-t)?-(?:il|elle|ils|elles|on)", False, True),
            (rf"ne\s+{base}\s+pas", True, False)]


def _title_pattern(res: dict) -> str:
    """Title words as a regex over one whole word (German: any capitalised compound ending in one)."""
    alts = [word_pattern(t) for t in res.get("titles", [])]
    suffixes = res.get("title_suffixes") or []
    if suffixes:
        alts.append(r"[A-ZÄÖÜ][a-zäöüß\-]*(?:" + "|".join(re.escape(x) for x in suffixes) + ")")
    return r"^(?:" + "|".join(alts) + r")$" if alts else r"(?!x)x"


def _compile(code: str, cues: dict, lex: dict, res: dict | None = None) -> Lang:
    res = res or {}
    mine = res.get(code, {})
    groups: list[tuple[str, str, Cue]] = []
    for lemma, spec in cues["verbs"].items():
        frames = tuple(spec["frames"])
        for form in spec["forms"]:
            if code == "fr":
                for pat, neg, pron in _fr_variants(form):
                    groups.append((f"c{len(groups)}", pat, Cue(lemma, frames, neg, pron)))
            elif code == "ru":
                groups.append((f"c{len(groups)}", _ru_forms(form), Cue(lemma, frames)))
            else:
                groups.append((f"c{len(groups)}", word_pattern(form), Cue(lemma, frames)))
    groups.sort(key=lambda g: len(g[1]), reverse=True)
    cue_re = re.compile(bounded("(?:" + "|".join(f"(?P<{n}>{p})" for n, p, _ in groups) + ")"), re.I)
    neg = cues.get("negators") or []
    neg_re = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(neg, key=len, reverse=True))
                        + r")\s*$", re.I) if neg else None
    neg_after = cues.get("negators_after") or []
    roles = [(re.compile(bounded(word_pattern(p)), re.I), office)
             for p, office in lex["roles"][code] + list(mine.get("title_offices", {}).items())]
    roles.sort(key=lambda r: len(r[0].pattern), reverse=True)
    countries = []
    for iso, per in lex["countries"].items():
        for f in per.get(code, []):
            adj = f.startswith("~")
            countries.append((re.compile(bounded(word_pattern(f.lstrip("~"))), re.I if adj else 0), iso, adj))
    countries.sort(key=lambda c: len(c[0].pattern), reverse=True)
    d = lex["dates"][code]
    weekdays = [re.compile(alternation(forms), re.I) for forms in d["weekdays"]]
    months = [re.compile(alternation([m]), re.I) for m in d["months"]]
    month_alt = "|".join(word_pattern(m) for m in d["months"])
    explicit = re.compile(rf"(?<!\d)(\d{{1,2}})(?:\.|-?го)?\s+(?:de\s+)?({month_alt})(?![\w])"
                          rf"(?:\s+(?:de\s+)?(\d{{4}}))?", re.I)
    relative = [(re.compile(bounded(word_pattern(w)), re.I), n) for w, n in d["relative"].items()]
    relative.sort(key=lambda r: len(r[0].pattern), reverse=True)
    date_words = [f for forms in d["weekdays"] for f in forms] + list(d["relative"])
    poss = [(re.compile(bounded(word_pattern(p)), re.I), g) for p, g in cues.get("possessive_according", {}).items()]
    role_of = lex.get("role_of", {}).get(code) or {}
    links = sorted(role_of.get("links", []), key=len, reverse=True)
    link_alt = "|".join(word_pattern(w) + ("" if w[-1] in "'\u2019" else r"(?![\w\-])") for w in links)
    return Lang(
        code=code, cue_re=cue_re, cues={n: c for n, _, c in groups},
        comp_re=re.compile(r"^\s*,?\s*(?:" + "|".join(
            re.escape(c).replace("'", APOS).replace("\u2019", APOS) + ("" if c[-1] in "'\u2019" else r"(?!\w)")
            for c in cues["comp"]) + "|" + "|".join(rf"(?={re.escape(w)}(?!\w))" for w in cues.get("questions", []))
            + ")", re.I),
        comma_comp=bool(cues.get("comma_comp")),
        according_re=re.compile(alternation(cues["according"]), re.I),
        according_after_re=re.compile(alternation(cues["according_after"]), re.I) if cues["according_after"] else None,
        trailing_so_re=re.compile(alternation(cues["trailing_so"]), re.I) if cues["trailing_so"] else None,
        possessive=poss,
        anaphoric_re=re.compile(r"^\s*" + alternation(cues["anaphoric"]) + r"\s*", re.I),
        leader_re=re.compile(r"(?:^|,)\s*" + alternation(cues["leaders"]) + r"\s*$", re.I),
        decline_re=re.compile(alternation(cues["decline"]).replace("ался", "ал(?:ся|ась|ись)"), re.I),
        negator_re=neg_re,
        negators_after_re=re.compile(alternation(neg_after), re.I) if neg_after else None,
        pronouns={k.lower(): v for k, v in cues["pronouns"].items()},
        pronoun_re=re.compile(alternation(cues["pronouns"]), re.I),
        stop_after={w.lower() for w in cues["stop_after"]},
        prepositions={w.lower() for w in lex["prepositions"][code]},
        skip={w.lower() for w in lex["skip"][code]},
        articles={w.lower() for w in lex["articles"][code]},
        negators={w.lower() for w in neg},
        quotes=lex["quotes"][code],
        roles=roles,
        role_re=re.compile("|".join(r.pattern for r, _ in roles), re.I),
        anaphors=sorted(((re.compile(bounded(word_pattern(w)), re.I), t)
                         for w, t in {**lex["anaphors"][code], **mine.get("anaphors", {})}.items()),
                        key=lambda a: len(a[0].pattern), reverse=True),
        countries=countries,
        weekdays=weekdays, months=months, relative=relative,
        last_re=re.compile(alternation(d["last"]) + r"\s*$", re.I),
        date_word_re=re.compile(alternation(date_words), re.I),
        explicit_re=explicit,
        role_head_re=re.compile(alternation(role_of["heads"]), re.I) if role_of.get("heads") else None,
        role_link_re=re.compile(rf"\s*(?:(?:{link_alt})\s*)?" if links else r"\s*", re.I),
        addressee_re=re.compile(cues["addressee"]) if cues.get("addressee") else None,
        agency_noun_re=re.compile(alternation(mine["agency_nouns"]), re.I) if mine.get("agency_nouns") else None,
        citing_re=re.compile(r"\s*,?\s*" + alternation(mine["citing"]) + r"\s*", re.I) if mine.get("citing") else None,
        own_act_cues=frozenset(res.get("own_act_cues", [])),
        title_re=re.compile(_title_pattern(mine), re.I),
        role_classes=[(re.compile(bounded(word_pattern(f)), re.I), k)
                      for k, forms in res.get("role_classes", {}).items() for f in forms],
        office_classes={k: tuple(v) for k, v in res.get("office_classes", {}).items()},
        sector_classes={k: tuple(v) for k, v in res.get("sector_classes", {}).items()},
        date_modifier_re=re.compile(r"(?<!\w)(?:" + "|".join(word_pattern(w) for w in sorted(
            mine.get("date_modifiers", []), key=len, reverse=True)) + r")\s+$", re.I)
        if mine.get("date_modifiers") else None,
        last_after_re=re.compile(r"\s*" + alternation(mine["last_after"]), re.I) if mine.get("last_after") else None,
    )


@cache
def lang(code: str) -> Lang:
    """The compiled lexicon of one language (raises KeyError for a language it does not have)."""
    cues = _data("cues_foreign.json")
    if code not in cues or code.startswith("_"):
        raise KeyError(code)
    return _compile(code, cues[code], _data("foreign_lexicon.json"), _data("foreign_resolution.json"))


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    return tuple(k for k in _data("cues_foreign.json") if not k.startswith("_"))
