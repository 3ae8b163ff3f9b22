"""Statement dates and publication-date inference (pure functions)."""
from datetime import date

from saidwhat.resolve.dates import date_in, infer_published

PUB = date(2023, 6, 23)  # a Friday


def test_weekday_is_the_one_on_or_before_publication():
    assert date_in("Russia on Wednesday called on", PUB) == (date(2023, 6, 21), "weekday")
    assert date_in("she said Friday", PUB) == (date(2023, 6, 23), "weekday")
    assert date_in("on Saturday", PUB) == (date(2023, 6, 17), "weekday")
    assert date_in("last Friday", PUB) == (date(2023, 6, 16), "weekday")


def test_relative_expressions():
    assert date_in("the minister said yesterday", PUB) == (date(2023, 6, 22), "relative")
    assert date_in("last week", PUB) == (date(2023, 6, 16), "relative")


def test_explicit_dates_only_as_adverbials():
    assert date_in("the spokesman said on June 15 that", PUB) == (date(2023, 6, 15), "explicit")
    assert date_in("On 12 March 2022, the ministry", PUB) == (date(2022, 3, 12), "explicit")
    assert date_in("violations of the November 9, 2020 agreement", PUB) is None
    assert date_in("on December 30", PUB) == (date(2022, 12, 30), "explicit")  # not in the future


def test_no_publication_date_means_no_relative_dates():
    assert date_in("on Thursday", None) is None


def test_no_publication_date_inferred_from_a_running_count():
    # "its Nth day on <weekday>" + "since <Month Day>" was inferred from one sample article's note and
    # never occurs in PolNeAR train's 840 articles: the text does not settle the publication date
    text = ("The strike, which entered its 12th day on Monday, began on March 3. Talks were held in "
            "Geneva on May 2, 2021. Workers have been out since March 3.")
    assert infer_published(text) == (None, "unknown")


def test_no_publication_date_inferred_from_a_weekday_and_date():
    # the first "<weekday>, <Month Day>" was the publication date in 3 of the 11 PolNeAR train
    # articles where it decided one: it names events, not the day of writing
    assert infer_published("The talks, held on Tuesday, March 5, 2024, ended without a deal.") == (None, "unknown")


def test_undetermined_stays_unknown():
    assert infer_published("The minister said the talks would continue.") == (None, "unknown")


# --- datelines and dates from context (issue 33) ---------------------------------------------------
def test_since_names_when_something_began_not_when_it_was_said():
    assert date_in("the road has been closed since March 3", PUB) is None


def test_dateline_without_a_year_takes_the_publication_year():
    from saidwhat.resolve.dates import dateline

    assert dateline("KYIV, June 21. /Ukrinform/. The minister said", PUB) == date(2023, 6, 21)
    # after publication in that year: the year before (an article of 2 January about 30 December)
    assert dateline("PARIS, December 30. /AFP/. The minister said", date(2024, 1, 2)) == date(2023, 12, 30)
    assert dateline("Headline here\nLIMA, June 20 (Reuters) - Officials said", PUB) == date(2023, 6, 20)
    assert dateline("МИНСК, 20 июня. /БелТА/. Министр заявил", PUB) == date(2023, 6, 20)   # via dateparser
    assert dateline("OSLO, March 2, 2021 \u2014 The minister said", None) == date(2021, 3, 2)
    assert dateline("OSLO, March 2 \u2014 The minister said", None) is None       # no year to be had
    assert dateline("Smith, Jones agree. The minister said", PUB) is None


def _stmt(actor: str, start: int, date_: str | None = None, basis: str | None = None):
    from saidwhat.models import Statement
    return Statement(doc="d", doc_id="d", kind="indirect", quote="q", start=start, end=start + 1,
                     actor_id=actor, date=date_, date_basis=basis)


def test_fill_dates_stops_at_a_live_blog_entry_and_uses_the_dateline():
    from saidwhat.models import Document
    from saidwhat.resolve.dates import fill_dates

    text = ("ROME, June 21. /ANSA/. Intro.\n\n"
            "Ann Blake on Monday said one thing.\n\n"
            "Blake said another thing.\n\n"
            "___\n\n"
            "3:15 p.m.\n\n"
            "Blake says a third thing.\n")
    first, second, third = (_stmt("person:ann-blake", text.index(w), *d) for w, d in (
        ("Ann Blake on Monday", ("2023-06-19", "weekday")), ("Blake said another", ()), ("Blake says a", ())))
    fill_dates([first, second, third], Document(id="d", source="d", text=text, published="2023-06-23"))
    assert (second.date, second.date_basis) == ("2023-06-19", "context")   # the occasion reported before
    assert (third.date, third.date_basis) == ("2023-06-21", "dateline")    # another entry: not that occasion


def test_fill_dates_does_not_take_a_later_occasion_for_an_earlier_statement():
    from saidwhat.models import Document
    from saidwhat.resolve.dates import fill_dates

    text = "Budget row goes on\n\nBlake tweeted that the plan was bad.\n\nBlake, at Monday's hearing, said it again.\n"
    early = _stmt("person:ann-blake", text.index("Blake tweeted"))
    later = _stmt("person:ann-blake", text.index("Blake, at"), "2023-06-19", "weekday")
    fill_dates([early, later], Document(id="d", source="d", text=text, published="2023-06-23"))
    assert (early.date, early.date_basis) == ("2023-06-23", "publication")
