"""The quote finder on hand-built texts: every common quotation style, nesting, paragraphs."""
from saidwhat.nlp.quotes import find_quotes


def inner(text):
    return [text[q.start:q.end] for q in find_quotes(text)]


def test_curly_double_quotes():
    t = "“We are ready to help,” she said."
    assert inner(t) == ["We are ready to help,"]


def test_straight_double_quotes():
    t = 'He said: "The talks will go on." Then "another one" followed.'
    assert inner(t) == ["The talks will go on.", "another one"]


def test_guillemets_and_low_high_quotes():
    t = "«Nous sommes prêts», a-t-il dit. „Wir sind bereit“, sagte er."
    assert inner(t) == ["Nous sommes prêts", "Wir sind bereit"]


def test_single_quotes_are_not_apostrophes():
    t = "Russia Urges Baku to ‘Unblock Lachin Corridor’ as Russia’s envoy and the peoples’ rights don’t matter"
    assert inner(t) == ["Unblock Lachin Corridor"]


def test_nested_quote_is_part_of_outer():
    t = "“They called it ‘a provocation’ and left,” the diplomat said."
    assert inner(t) == ["They called it ‘a provocation’ and left,"]


def test_ptb_style_quotes():
    t = "``We will not attend,'' the minister said."
    assert inner(t) == ["We will not attend,"]


def test_multi_paragraph_quote_without_closing_mark():
    t = "She said: “The first part goes on.\n\n“And the second part ends here.” Then nothing."
    qs = find_quotes(t)
    assert len(qs) == 1
    q = qs[0]
    assert len(q.pieces) == 2
    assert t[q.pieces[0][0]:q.pieces[0][1]] == "The first part goes on."
    assert t[q.pieces[1][0]:q.pieces[1][1]] == "And the second part ends here."


def test_unbalanced_quote_is_ignored_not_fatal():
    t = "He said “this never closes.\n\nNext paragraph has no quote."
    assert inner(t) == []
