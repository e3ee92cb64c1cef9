import numpy as np

from tests.trope_analysis.conftest import make_record
from trope_analysis import GroupClusterer, TropePipeline, TropeRefiner


class FakeLM:
    """An lm-eval-style model: ``generate_until(requests)`` returns one string per request."""

    refiner_id = "fake-lm"

    def __init__(self):
        self.requests = []

    def apply_chat_template(self, messages):
        return "<user>" + messages[0]["content"]

    def generate_until(self, requests, disable_tqdm=False):
        self.requests += requests
        out = []
        for r in requests:
            context, gen = r.args
            assert context.startswith("<user>") and gen["max_gen_toks"] == 32
            if "Answer with one word" in context:
                out.append("No." if "complex question" in context else "Yes, it is.")
            else:
                out.append('"Schools need taxes"\nextra line')
        return out


def test_refiner_filters_and_paraphrases_and_caches(tmp_path):
    names = ["Taxes pay for the schools of every child.", "This is a complex question with many angles."]
    lm = FakeLM()
    ref = TropeRefiner(model=lm, paraphrase=True, cache_dir=tmp_path).fit(names)
    assert ref.is_argument_.tolist() == [True, False]
    assert ref.paraphrases_ == ["Schools need taxes", "Schools need taxes"]
    assert ref.n_requests_ == 4
    again = TropeRefiner(model=FakeLM(), paraphrase=True, cache_dir=tmp_path).fit(names)
    assert again.n_requests_ == 0 and again.is_argument_.tolist() == [True, False]


def test_replies_are_cached_per_chat_setting(tmp_path):
    class PlainLM(FakeLM):  # the same model id, read without the chat template
        def generate_until(self, requests, disable_tqdm=False):
            self.requests += requests
            return ["Yes." for _ in requests]

    names = ["Taxes pay for the schools of every child."]
    assert TropeRefiner(model=FakeLM(), cache_dir=tmp_path).fit(names).n_requests_ == 1
    plain = PlainLM()
    again = TropeRefiner(model=plain, chat=False, cache_dir=tmp_path).fit(names)
    assert again.n_requests_ == 1 and not plain.requests[0].args[0].startswith("<user>")
    assert TropeRefiner(model=PlainLM(), chat=False, cache_dir=tmp_path).fit(names).n_requests_ == 0


def test_refiner_in_the_pipeline(hash_embedder):
    records = [make_record(i, "This is a complex question with many angles.") for i in range(12)]
    records += [make_record(100 + i, f"Unrelated sentence {i} about thing {i * 5} and more.") for i in range(14)]
    pipe = TropePipeline(embedder=hash_embedder, clusterer=GroupClusterer(n_resamples=0, distance_threshold=0.2),
                         refiner=TropeRefiner(model=FakeLM())).fit(records)
    assert pipe.tropes_["is_argument"].tolist() == [False]
    assert np.all(pipe.tropes_["paraphrase"] == "")


def test_refiner_off_by_default_asks_nothing():
    ref = TropeRefiner(model=FakeLM(), filter_arguments=False).fit(["a b c"])
    assert ref.n_requests_ == 0 and ref.is_argument_.tolist() == [True]


def test_refiner_by_name_uses_a_fixed_batch_size(monkeypatch):
    # batch_size="auto" made lm-eval's hf backend probe 64 rows of the full context (8,192
    # tokens for SmolLM2) before the first reply: minutes on a CPU, or out of memory.
    import lm_eval.api.registry as registry

    built = []

    class Backend(FakeLM):
        @classmethod
        def create_from_arg_string(cls, arg_string, additional_config=None):
            built.append((arg_string, dict(additional_config or {})))
            return cls()

    monkeypatch.setattr(registry, "get_model", lambda name: Backend)
    TropeRefiner(model="hf", model_args="pretrained=m").fit(["Taxes pay for schools."])
    TropeRefiner(model="hf", model_args="pretrained=m,batch_size=2").fit(["Taxes pay for schools."])
    assert built == [("pretrained=m", {"batch_size": 16}), ("pretrained=m,batch_size=2", {})]


def test_a_fully_cached_rerun_loads_no_model(monkeypatch, tmp_path):
    import lm_eval.api.registry as registry

    built = []

    class Backend(FakeLM):
        @classmethod
        def create_from_arg_string(cls, arg_string, additional_config=None):
            built.append(arg_string)
            return cls()

    monkeypatch.setattr(registry, "get_model", lambda name: Backend)
    first = TropeRefiner(model="hf", model_args="pretrained=m", paraphrase=True, cache_dir=tmp_path).fit(["Taxes pay."])
    again = TropeRefiner(model="hf", model_args="pretrained=m", paraphrase=True, cache_dir=tmp_path).fit(["Taxes pay."])
    assert built == ["pretrained=m"] and again.n_requests_ == 0
    assert again.paraphrases_ == first.paraphrases_ == ["Schools need taxes"]


class RoteLM(FakeLM):
    """Replies as SmolLM2-135M did on real trope names: "No" to every argument question and
    the name back behind a label for every paraphrase."""

    def generate_until(self, requests, disable_tqdm=False):
        return ["No" if "Answer with one word" in r.args[0] else 'Rewrite: "Schools need taxes"' for r in requests]


def test_echoed_labels_are_cut_and_a_constant_verdict_is_warned(caplog):
    names = [f"Taxes pay for the schools of child number {i}." for i in range(10)]
    with caplog.at_level("WARNING", logger="trope_analysis.refine"):
        ref = TropeRefiner(model=RoteLM(), paraphrase=True).fit(names)
    assert ref.paraphrases_ == ["Schools need taxes"] * 10 and not ref.is_argument_.any()
    assert "answered 'no' for all 10 trope names" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="trope_analysis.refine"):
        TropeRefiner(model=RoteLM()).fit(names[:9])  # too few names to tell rote from a verdict
    assert "answered" not in caplog.text
