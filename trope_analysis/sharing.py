"""Who uses which trope: sharing, overlap, over-representation, tropes on both sides.

All functions take a fitted ``TropePipeline`` (or its tables) and return DataFrames in a fixed
order, so the same input gives byte-identical tables. A document "uses" a trope when at least
one of its sentences belongs to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trope_analysis.pipeline import persona_values

ATTRIBUTES = ("model", "persona")


def usage(pipe) -> pd.DataFrame:
    """One row per (trope, document) used: trope_id, doc, group, model, persona, ..."""
    members = pipe.sentences_[pipe.sentences_["trope_id"] >= 0][["trope_id", "doc", "group"]].drop_duplicates()
    docs = pipe.docs_.assign(persona=persona_values(pipe.docs_))
    out = members.join(docs[["model", "persona", "template_id", "setting", "stance", "run_id"]], on="doc")
    return out.sort_values(["trope_id", "doc"], kind="stable").reset_index(drop=True)


def doc_attribute(pipe, attribute: str) -> pd.Series:
    if attribute == "persona":
        return persona_values(pipe.docs_)
    return pipe.docs_[attribute].astype(str)


def model_summary(pipe) -> pd.DataFrame:
    """Per model: tropes used, unique to it, shared by all models."""
    use = usage(pipe)
    models = sorted(pipe.docs_["model"].astype(str).unique())
    per_trope = use.groupby("trope_id")["model"].agg(lambda s: frozenset(s.astype(str)))
    rows = []
    for m in models:
        mine = per_trope[per_trope.map(lambda s, m=m: m in s)]
        rows.append({
            "model": m,
            "n_tropes": int(len(mine)),
            "n_unique": int(sum(len(s) == 1 for s in mine)),
            "n_shared_by_all": int(sum(len(s) == len(models) for s in mine)),
        })
    frame = pd.DataFrame(rows, columns=["model", "n_tropes", "n_unique", "n_shared_by_all"])
    frame["share_shared_by_all"] = np.where(frame["n_tropes"] > 0, frame["n_shared_by_all"] / frame["n_tropes"].clip(lower=1), 0.0)
    return frame


def jaccard(pipe, attribute: str = "model") -> pd.DataFrame:
    """Jaccard overlap of the trope sets of each pair of attribute values (square, labelled)."""
    use = usage(pipe)
    values = sorted(doc_attribute(pipe, attribute).unique())
    sets = {v: set(use.loc[use[attribute].astype(str) == v, "trope_id"]) for v in values}
    mat = np.zeros((len(values), len(values)))
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            union = sets[a] | sets[b]
            mat[i, j] = len(sets[a] & sets[b]) / len(union) if union else np.nan
    return pd.DataFrame(mat, index=pd.Index(values, name=attribute), columns=values)


def overrepresentation(pipe, attribute: str = "model", n_permutations: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """Is a trope used more by one model (or persona) than by the rest of its group?

    For trope t in group g and value v: rate_v = share of v's documents in g that use t,
    rate_rest the same for the other documents of g. Effect: ``log2_ratio`` of the two rates
    (each smoothed by +0.5/+1) and ``rate_diff``. The p-value is one-sided, from permuting the
    attribute over the documents of g (``n_permutations`` times, seeded); q-values are
    Benjamini-Hochberg over all tests of the attribute. Only pairs with at least one use and
    at least one document on each side are tested.
    """
    if attribute not in ATTRIBUTES:
        raise ValueError(f"overrepresentation: attribute must be one of {ATTRIBUTES}, got {attribute!r}")
    docs_attr = doc_attribute(pipe, attribute).to_numpy()
    sent = pipe.sentences_
    doc_group = sent.drop_duplicates("doc").set_index("doc")["group"]
    members = sent[sent["trope_id"] >= 0][["trope_id", "doc"]].drop_duplicates()
    rows = []
    for gi, (group, tropes) in enumerate(members.groupby(doc_group.reindex(members["doc"]).to_numpy(), sort=True)):
        docs = np.sort(doc_group.index[doc_group.to_numpy() == group].to_numpy())
        trope_ids = np.sort(tropes["trope_id"].unique())
        pos = {d: i for i, d in enumerate(docs)}
        use = np.zeros((len(docs), len(trope_ids)), dtype=np.float64)
        tpos = {t: j for j, t in enumerate(trope_ids)}
        for t, d in zip(tropes["trope_id"], tropes["doc"], strict=True):
            use[pos[d], tpos[t]] = 1.0
        values, codes = np.unique(docs_attr[docs], return_inverse=True)
        if len(values) < 2:
            continue
        onehot = np.eye(len(values))[codes]  # docs x values
        n_v = onehot.sum(axis=0)
        observed = onehot.T @ use  # values x tropes
        total = use.sum(axis=0)
        rng = np.random.default_rng([random_state, gi, ATTRIBUTES.index(attribute)])
        exceed = np.zeros_like(observed)
        for _ in range(n_permutations):
            perm = onehot[rng.permutation(len(docs))]
            exceed += (perm.T @ use) >= observed
        p = (exceed + 1) / (n_permutations + 1)
        for vi, value in enumerate(values):
            for tj, t in enumerate(trope_ids):
                a, nv = observed[vi, tj], n_v[vi]
                b, nr = total[tj] - a, len(docs) - nv
                if a < 1 or nr < 1:
                    continue
                rate_v, rate_r = a / nv, b / nr
                rows.append({
                    "trope_id": int(t), "group": group, "attribute": attribute, "value": str(value),
                    "uses": int(a), "docs": int(nv), "rate": rate_v, "rate_rest": rate_r,
                    "rate_diff": rate_v - rate_r,
                    "log2_ratio": float(np.log2(((a + 0.5) / (nv + 1)) / ((b + 0.5) / (nr + 1)))),
                    "p_value": float(p[vi, tj]),
                })
    frame = pd.DataFrame(rows, columns=["trope_id", "group", "attribute", "value", "uses", "docs", "rate",
                                        "rate_rest", "rate_diff", "log2_ratio", "p_value"])
    frame["q_value"] = _bh(frame["p_value"].to_numpy())
    return frame.sort_values(["trope_id", "value"], kind="stable").reset_index(drop=True)


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values (statsmodels), in the input order."""
    if not len(p):
        return np.asarray(p, dtype=float)
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method="fdr_bh")[1]


def both_sides(pipe, threshold: float = 0.8) -> pd.DataFrame:
    """Pairs of tropes of the same proposition on opposite sides whose centroids are close.

    The same argument used to agree and to disagree (e.g. "it depends on the context") shows
    up as two tropes, one per side, with cosine similarity of centroids >= ``threshold``.
    """
    tropes = pipe.tropes_
    rows = []
    for pid, frame in tropes.groupby("proposition_id", sort=True):
        agree = frame[frame["side"] == "agree"]
        disagree = frame[frame["side"] == "disagree"]
        if agree.empty or disagree.empty:
            continue
        sims = pipe.centroids_[agree["trope_id"].to_numpy()] @ pipe.centroids_[disagree["trope_id"].to_numpy()].T
        for i, j in zip(*np.nonzero(sims >= threshold), strict=True):
            a, d = agree.iloc[i], disagree.iloc[j]
            rows.append({"proposition_id": int(pid), "agree_trope_id": int(a["trope_id"]), "agree_name": a["name"],
                         "disagree_trope_id": int(d["trope_id"]), "disagree_name": d["name"],
                         "similarity": round(float(sims[i, j]), 6)})
    return pd.DataFrame(rows, columns=["proposition_id", "agree_trope_id", "agree_name", "disagree_trope_id",
                                       "disagree_name", "similarity"])


__all__ = ["ATTRIBUTES", "both_sides", "jaccard", "model_summary", "overrepresentation", "usage"]
