"""The real lm-eval ``hf`` backend on a tiny Llama built offline, with a chat template."""

import json

import pytest

from tests.conftest import run_pct

SYSTEM_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
# Like several real models: a system message is an error.
NO_SYSTEM_TEMPLATE = (
    "{% for m in messages %}{% if m['role'] == 'system' %}"
    "{{ raise_exception('System role not supported') }}{% endif %}"
    "<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def _tiny_llama(path, chat_template):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from pct_tasks.tasks.data import personas, propositions

    corpus = [p.text for p in propositions()] + [p.sentence for p in personas()]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel()
    tok.train_from_iterator(corpus * 3, trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<unk>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>",
                                   eos_token="</s>", pad_token="</s>")
    fast.chat_template = chat_template
    fast.save_pretrained(path)
    import torch

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=512,
                         bos_token_id=1, eos_token_id=2, pad_token_id=2)
    LlamaForCausalLM(config).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    return {
        "system": _tiny_llama(root / "with-system", SYSTEM_TEMPLATE),
        "no_system": _tiny_llama(root / "no-system", NO_SYSTEM_TEMPLATE),
    }


def _run(model_dir, out, task):
    rc = run_pct([
        "--model", "hf", "--model_args", f"pretrained={model_dir},dtype=float32", "--device", "cpu",
        "--tasks", task, "--apply_chat_template", "--batch_size", "8",
        "--metadata", json.dumps({"subset": "quick", "propositions": [0, 1]}),
        "--gen_kwargs", "max_gen_toks=4", "--log_samples", "--output_path", str(out),
    ])
    assert rc == 0
    (path,) = out.rglob(f"samples_{task}_*.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()]


def _prompt(sample):
    return sample["arguments"]["gen_args_0"]["arg_0"]


def test_persona_in_the_system_turn(tiny_models, tmp_path, capsys):
    samples = _run(tiny_models["system"], tmp_path / "out", "pct_closed")
    assert len(samples) == 4 * 1 * 2  # political orientation x template 0 x 2 propositions
    for s in samples:
        doc = s["doc"]
        # The system turn is exactly the document's system_text (no separator appended).
        assert _prompt(s) == (f"<|system|>\n{doc['system_text']}\n<|user|>\n{doc['user_text']}\n"
                              "<|assistant|>\n")
        assert s["stance"] in {"strongly_disagree", "disagree", "agree", "strongly_agree", "invalid", "refusal"}
    assert "warning" not in capsys.readouterr().out


def test_template_without_system_role_is_detected(tiny_models, tmp_path, capsys):
    samples = _run(tiny_models["no_system"], tmp_path / "out", "pct_closed")
    assert not any(s["doc"]["system_text"] in _prompt(s) for s in samples)
    out = capsys.readouterr().out
    assert "no system role" in out and "pct_user_turn" in out
    # The sibling task puts the persona in the user turn, where it survives.
    samples = _run(tiny_models["no_system"], tmp_path / "out2", "pct_closed_user_turn")
    for s in samples:
        assert _prompt(s).startswith(f"<|user|>\n{s['doc']['system_text']} {s['doc']['user_text']}")
