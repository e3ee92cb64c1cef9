import pytest

from trope_analysis import SentenceSplitter


def test_splits_llm_prose_and_keeps_abbreviations():
    text = ("Taxes fund schools. E.g. in the U.S. they do. Dr. Smith agrees! \"Yes.\" He said so.\n\n"
            "1. **First point**: markets work.\n- Second: they fail sometimes... But not always? 3.5 percent is growth.")
    assert SentenceSplitter(min_chars=0).fit_transform([text]) == [[
        "Taxes fund schools.", "E.g. in the U.S. they do.", "Dr. Smith agrees!", '"Yes."', "He said so.",
        "First point: markets work.", "Second: they fail sometimes...", "But not always?", "3.5 percent is growth.",
    ]]


def test_length_and_boilerplate_filters():
    text = "Short one. As an AI, I have no opinions on this matter. This sentence is long enough to keep."
    assert SentenceSplitter().fit_transform([text]) == [["This sentence is long enough to keep."]]
    # The paper preset keeps boilerplate: only the length rule (> 20 characters) applies.
    assert SentenceSplitter(drop_patterns=()).fit_transform([text]) == [[
        "As an AI, I have no opinions on this matter.", "This sentence is long enough to keep."]]
    assert SentenceSplitter(min_chars=0, max_chars=11).fit_transform([text]) == [["Short one."]]


def test_empty_and_none_texts():
    assert SentenceSplitter().fit_transform(["", "   "]) == [[], []]


def test_bad_parameter_names_the_owner():
    with pytest.raises(ValueError, match="SentenceSplitter: min_chars"):
        SentenceSplitter(min_chars=-1).fit([])
