"""Simulated report inputs of any size: for benchmarks, tests and trying the writers out.

:func:`simulate_report_inputs` draws a survey on the bundled Second Stitch questionnaire with
``n_segments`` planted segments, construct-mean factor scores, posteriors, a model-selection
table, coded interview passages with redacted-looking quotes and a seven-part scorecard — the
keyword arguments of :func:`~research.personas.content.assemble_report`.
:func:`simulate_content` goes on to assemble the :class:`ReportContent`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from research.datasets import demo_paths
from research.ingest.survey import EXCLUSION_COLUMNS, SurveyData
from research.personas.content import assemble_report
from research.personas.model import SCORECARD_CRITERIA, ReportContent
from research.questionnaire import load_questionnaire

__all__ = ["simulate_report_inputs", "simulate_content"]

_CODES = [
    ("price_value", "Price and value"),
    ("sustainability", "Sustainability and waste"),
    ("unique_style", "Unique style and trends"),
    ("fit_sizing", "Fit and sizing"),
    ("trust_condition", "Trust and condition grading"),
    ("delivery", "Delivery and postage"),
    ("customer_service", "Customer service"),
    ("app_experience", "App and website experience"),
]
_QUOTES = [
    "If it's not on sale I leave it in the basket and wait a week or two, it nearly always drops.",
    "I'd rather have three things I love and wear for years than a wardrobe that falls apart "
    "after two washes.",
    "Honestly the measurements are the whole thing for me. If the listing has them I buy, if it "
    "doesn't I scroll past.",
    "Postage is what kills it. Bundle it, cap it, whatever, but sort the postage out.",
    "I want to know that if it's not as described I can send it back without a fight.",
    "I check the app most mornings before my shift, it's become a bit of a ritual with the "
    "first coffee.",
    "Being able to ring someone, a real person, that's worth more to me than a discount.",
    "Finding a $5 jacket that nobody else has is the best feeling.",
]


def _shares(rng: np.random.Generator, k: int) -> np.ndarray:
    raw = np.sort(rng.dirichlet(np.full(k, 4.0)))[::-1]
    return raw / raw.sum()


def _survey(q, seg: np.ndarray, rng: np.random.Generator, weighted: bool) -> SurveyData:
    n, k = len(seg), int(seg.max())
    ids = pd.Index([f"R{i:06d}" for i in range(n)], name="respondent_id")
    constructs = [c.id for c in q.constructs]
    profile = rng.normal(0, 0.9, size=(k, len(constructs)))
    latent = profile[seg - 1] + rng.normal(0, 0.8, size=(n, len(constructs)))
    cols: dict[str, np.ndarray] = {}
    for item in q.items:
        if item.type in ("likert", "importance"):
            if item.attention_check is not None:
                cols[item.id] = np.full(n, 2.0)
                continue
            z = latent[:, constructs.index(item.construct)] if item.construct else 0.0
            raw = 3 + 0.9 * z + rng.normal(0, 0.8, n)
            cols[item.id] = np.clip(np.rint(raw), 1, 5)
        elif item.type == "single":
            codes = [c.code for c in q.options(item)]
            probs = rng.dirichlet(np.full(len(codes), 1.5), size=k)
            draw = (rng.random((n, 1)) > probs[seg - 1].cumsum(axis=1)).sum(axis=1)
            cols[item.id] = np.asarray(codes, dtype=float)[np.minimum(draw, len(codes) - 1)]
        elif item.type == "multi":
            for c in q.options(item):
                p = rng.beta(1.5, 2.5, size=k)
                cols[f"{item.id}_{c.code}"] = (rng.random(n) < p[seg - 1]).astype(float)
        elif item.type == "numeric":
            scale = rng.uniform(80, 600, size=k)
            cols[item.id] = np.round(rng.lognormal(0, 0.6, n) * scale[seg - 1], 2)
    responses = pd.DataFrame(cols, index=ids)
    n_excluded = max(1, n // 12)
    reasons = rng.choice(["speeder", "straightliner", "attention_check"], size=n_excluded)
    exclusions = pd.DataFrame(
        {
            "respondent_id": [f"X{i:06d}" for i in range(n_excluded)],
            "reason": reasons,
            "detail": [f"rule {r} fired" for r in reasons],
        },
        columns=EXCLUSION_COLUMNS,
    )
    kwargs = dict(
        responses=responses,
        text=pd.DataFrame(index=ids),
        paradata=pd.DataFrame(index=ids),
        exclusions=exclusions,
        mapping=pd.DataFrame(columns=["column", "item", "how"]),
        questionnaire=q,
        source="simulated_export.csv",
        n_read=n + n_excluded,
    )
    weights = pd.Series(rng.uniform(0.5, 2.0, n), index=ids, name="weight") if weighted else None
    names = {f.name for f in dataclasses.fields(SurveyData)}
    if "weights" in names:
        return SurveyData(**kwargs, weights=weights)  # type: ignore[call-arg]
    if weights is None:
        return SurveyData(**kwargs)
    weighted_type = dataclasses.make_dataclass(
        "WeightedSurveyData",
        [("weights", pd.Series | None, dataclasses.field(default=None))],
        bases=(SurveyData,),
        frozen=True,
    )
    return weighted_type(**kwargs, weights=weights)


def _interviews(seg: pd.Series, rng: np.random.Generator):
    rows, quotes = [], []
    for s in sorted(seg.unique()):
        members = seg.index[seg == s]
        for j in range(int(rng.integers(2, 5))):
            transcript = f"T{s:02d}{j + 1}"
            respondent = members[int(rng.integers(len(members)))]
            for turn in range(int(rng.integers(4, 9))):
                code, label = _CODES[int(rng.integers(len(_CODES)))]
                text = _QUOTES[int(rng.integers(len(_QUOTES)))]
                score = float(np.round(rng.uniform(-0.6, 0.95), 4))
                rows.append((transcript, turn, "Participant", code, label, text, code, score))
                rows[-1] += (respondent, s)
        firsts = {r[0]: r for r in reversed(rows) if r[-1] == s}  # one passage per transcript
        for r in sorted(firsts.values())[:3]:
            quotes.append({"segment": s, "code": r[3], "transcript": r[0], "turn": r[1]})
            quotes[-1]["quote"] = r[5]
    columns = ["transcript", "turn", "speaker", "code", "label", "text", "matched", "sentiment"]
    coded = pd.DataFrame(rows, columns=columns + ["respondent_id", "segment"])
    return coded, pd.DataFrame(quotes)


def _scorecard(k: int, shares: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for s in range(1, k + 1):
        for criterion in SCORECARD_CRITERIA:
            status = rng.choice(["pass", "pass", "pass", "caution", "fail"])
            detail = f"{shares[s - 1]:.0%} of respondents" if criterion == "substantial" else ""
            rows.append((s, criterion, status, detail))
    return pd.DataFrame(rows, columns=["segment", "criterion", "verdict", "detail"])


def simulate_report_inputs(
    n_segments: int = 8,
    n_respondents: int = 10_000,
    *,
    weighted: bool = False,
    interviews: bool = True,
    scorecard: bool = True,
    random_state: int = 0,
    created: str = "2026-01-01T09:00:00",
) -> dict:
    """Keyword arguments for :func:`~research.personas.content.assemble_report`.

    Parameters
    ----------
    n_segments, n_respondents : int
        Size of the simulated study.
    weighted : bool
        Give the survey random sampling weights (0.5..2).
    interviews, scorecard : bool
        Include coded interviews and quotes / a seven-part scorecard.
    random_state : int
        Seed: the same seed gives the same inputs.
    """
    rng = np.random.default_rng(random_state)
    q = load_questionnaire(demo_paths()["questionnaire"])
    shares = _shares(rng, n_segments)
    seg = rng.choice(np.arange(1, n_segments + 1), size=n_respondents, p=shares)
    survey = _survey(q, seg, rng, weighted)
    ids = survey.responses.index
    assignments = pd.Series(seg, index=ids, name="segment")

    labels, scores, loadings = {}, {}, {}
    for j, construct in enumerate(q.constructs, start=1):
        items = [i.id for i in q.scale_items() if i.construct == construct.id]
        score = survey.responses[items].mean(axis=1)
        scores[f"F{j}"] = (score - score.mean()) / score.std()
        labels[f"F{j}"] = construct.label
        loadings[f"F{j}"] = pd.Series(0.0, index=[i.id for i in q.scale_items()])
        loadings[f"F{j}"][items] = rng.uniform(0.55, 0.85, len(items))
    loadings = pd.DataFrame(loadings)
    loadings += rng.uniform(-0.12, 0.12, loadings.shape)
    loadings.iloc[0, 1] = 0.36  # one cross-loading, as real solutions have

    own = rng.uniform(0.55, 1.0, n_respondents)
    rest = rng.dirichlet(np.ones(n_segments), n_respondents) * (1 - own)[:, None]
    rest[np.arange(n_respondents), seg - 1] = 0
    post = rest / rest.sum(axis=1, keepdims=True) * (1 - own)[:, None]
    post[np.arange(n_respondents), seg - 1] = own
    posteriors = pd.DataFrame(post, index=ids, columns=range(1, n_segments + 1))

    ks = np.arange(2, n_segments + 3)
    bic = 50_000 - 900 * ks + 120 * (ks - n_segments) ** 2 + 90 * ks
    model_selection = pd.DataFrame(
        {
            "k": ks,
            "log_likelihood": -24_000 + 480 * ks - 50 * (ks - n_segments) ** 2,
            "n_parameters": 28 * ks - 1,
            "bic": bic,
            "aic": bic - 60 * ks,
            "relative_entropy": np.linspace(0.92, 0.84, len(ks)),
            "smallest_share": 0.5 / ks,
            "chosen": ks == n_segments,
        }
    )
    coded, quotes = _interviews(assignments, rng) if interviews else (None, None)
    return dict(
        title="Second Stitch customer segmentation (simulated)",
        subtitle=f"{n_segments} simulated segments of {n_respondents:,} respondents",
        survey=survey,
        assignments=assignments,
        factor_scores=pd.DataFrame(scores),
        factor_labels=labels,
        loadings=loadings,
        model_selection=model_selection,
        facts=[
            ("Segmentation", "simulated latent classes on factor scores"),
            ("Segments chosen because", f"K = {n_segments} has the lowest BIC"),
        ],
        created=created,
        posteriors=posteriors,
        coded=coded,
        quotes=quotes,
        scorecard=_scorecard(n_segments, shares, rng) if scorecard else None,
    )


def simulate_content(n_segments: int = 8, n_respondents: int = 10_000, **kwargs) -> ReportContent:
    """A :class:`ReportContent` from :func:`simulate_report_inputs` (same arguments)."""
    return assemble_report(**simulate_report_inputs(n_segments, n_respondents, **kwargs))
