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
