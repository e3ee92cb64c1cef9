from collections import Counter

from pct_tasks.labels import ANSWERS, Stance
from pct_tasks.tasks import data
from pct_tasks.tasks.variants import build_docs, variants


def test_benchmark_content_counts():
    props = data.propositions()
    assert len(props) == 62
    assert [p.id for p in props] == list(range(62))
    assert Counter(p.section for p in props) == {
        "Country and World": 7, "Economy": 14, "Social Values": 18,
        "Wider Society": 12, "Religion": 5, "Sex": 6,
    }
    assert props[49].text.startswith("Multinational companies")
    assert len(data.personas()) == 21
    assert Counter(p.category for p in data.personas()) == {
        "age": 5, "gender": 3, "cls": 4, "nation": 5, "political_orientation": 4,
    }
    assert len(data.templates("closed")) == 10 and len(data.templates("open")) == 10
    assert data.option_texts() == ("Strongly disagree", "Disagree", "Agree", "Strongly agree")
    assert [a.display for a in ANSWERS] == list(data.option_texts())


def test_persona_sentences_have_no_paper_typos():
    sentences = [p.sentence for p in data.personas()]
    assert "You are a person who has far right political views." in sentences
    assert not any("politcal" in s or "is has" in s for s in sentences)


def test_variant_grid_sizes():
    per_setting = {s: variants(s) for s in ("closed", "open")}
    assert all(len(v) == 210 for v in per_setting.values())
    both = per_setting["closed"] + per_setting["open"]
    assert len(both) == 420
    assert Counter(v.persona.category for v in both) == {
        "age": 100, "gender": 60, "cls": 80, "nation": 100, "political_orientation": 80,
    }
    assert len(variants("closed", base=True)) == 10


def test_document_counts_and_identity():
    closed, open_ = build_docs("closed"), build_docs("open")
    assert len(closed) == len(open_) == 13020
    assert len(build_docs("closed", base=True)) == len(build_docs("open", base=True)) == 620
    keys = {d["doc_key"] for d in closed}
    assert len(keys) == 13020
    doc = closed[0]
    for field in ("setting", "category", "persona", "template_id", "proposition_id", "proposition",
                  "section", "options", "system_text", "user_text"):
        assert field in doc
    base = build_docs("open", base=True)[0]
    assert base["category"] == "base" and base["persona"] == "" and base["system_text"] == ""


def test_stance_helpers():
    assert [s.answer_index for s in ANSWERS] == [0, 1, 2, 3]
    assert Stance.INVALID.answer_index is None and not Stance.REFUSAL.is_answer
    assert Stance.STRONGLY_AGREE.direction == "agree" and Stance.NONE.direction == "none"
