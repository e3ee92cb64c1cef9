from collections import Counter

from pct_tasks.labels import Stance
from pct_tasks.tasks.parsing import parse_answer
from pct_tasks.tasks.scoring import variant_coordinates
from pct_tasks.tasks.synthetic import SyntheticRespondent, planted_tropes, trope_sentences
from pct_tasks.tasks.variants import build_docs


def _coords(respondent, docs):
    items = [(d["variant"], d["proposition_id"], Stance(respondent.stance(d)).answer_index) for d in docs]
    return variant_coordinates(items)


def test_answers_are_deterministic_and_seeded():
    docs = build_docs("closed", subset="quick")
    a, b, c = SyntheticRespondent(0), SyntheticRespondent(0), SyntheticRespondent(1)
    assert [a.respond(d) for d in docs] == [b.respond(d) for d in docs]
    assert [a.respond(d) for d in docs] != [c.respond(d) for d in docs]


def test_planted_political_orientation_effect():
    docs = build_docs("closed", categories=["political_orientation"])
    coords = _coords(SyntheticRespondent(0), docs)
    by_persona = {}
    for key, c in coords.items():
        by_persona.setdefault(key.split("=")[1].split("/")[0], []).append(c.econ)
    mean = {k: sum(v) / len(v) for k, v in by_persona.items()}
    assert mean["far left"] < mean["mainstream left"] < 0 < mean["mainstream right"] < mean["far right"]


def test_leaning_moves_the_respondent():
    docs = build_docs("closed", base=True)
    left = _coords(SyntheticRespondent(0, leaning=-1.5), docs)
    right = _coords(SyntheticRespondent(0, leaning=1.5), docs)
    assert all(left[k].econ < right[k].econ and left[k].social < right[k].social for k in left)


def test_every_answer_parses_to_its_planned_label():
    respondent = SyntheticRespondent(3, malformed_rate=0.3, refusal_rate=0.05)
    kinds = Counter()
    for setting in ("closed", "open"):
        for doc in build_docs(setting, templates=[0, 1]):
            plan = respondent.plan(doc)
            kinds[plan.malformed] += 1
            parsed = parse_answer(respondent.respond(doc), setting, doc["options"])
            assert parsed.stance_label == plan.label, (plan, respondent.respond(doc))
    assert len(kinds) == 8  # well-formed, refusal and the six broken formats all occur


def test_planted_tropes_are_a_ground_truth():
    group = planted_tropes(12, "agree")
    assert len(group) == 3 and all(t.startswith("p12-agree-f") for t in group)
    assert planted_tropes(12, "strongly_agree") == group  # a side, not a strength
    assert planted_tropes(12, "none") == ()
    doc = build_docs("closed", propositions=[12])[0]
    respondent = SyntheticRespondent(0)
    plan = respondent.plan(doc)
    used = planted_tropes(12, plan.stance, doc["doc_key"])
    assert len(used) == 2 and set(used) <= set(planted_tropes(12, plan.stance))
    text = respondent.justification(doc, plan).lower()
    for trope in used:
        assert any(s.lower().rstrip(".")[-30:] in text for s in trope_sentences(trope))
