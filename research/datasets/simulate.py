"""A seeded simulator of the Second Stitch study: planted segments, realistic faults.

The planted truth is what the demo's recovery is measured against: respondents are drawn from
five segments with known sizes and known positions on the six intended attitude dimensions;
answers are ordinal items driven by those positions; and a share of respondents speed through,
straight-line the grids, fail the attention check or stop half-way, as real panels do.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..questionnaire import Questionnaire

__all__ = ["SEGMENTS", "SimulatedStudy", "simulate_study", "qualtrics_header"]

#: The planted segments: size and mean position (z units) on each intended dimension.
SEGMENTS = pd.DataFrame(
    {
        "name": [
            "Conscious Gen-Z",
            "Bargain hunters",
            "Rural traditionalists",
            "Extended-size shoppers",
            "Resellers",
        ],
        "share": [0.28, 0.24, 0.20, 0.16, 0.12],
        "sustainability": [1.5, -0.5, 0.0, 0.0, -0.4],
        "price": [0.0, 1.5, -0.3, 0.0, 0.5],
        "style": [1.2, -0.4, -1.2, 0.0, 0.4],
        "fit": [-0.4, 0.0, -0.3, 1.8, -0.5],
        "reselling": [-0.4, -0.3, -0.6, -0.4, 2.0],
        "reassurance": [-0.9, 0.0, 1.6, 0.4, -0.6],
    },
    index=pd.Index([1, 2, 3, 4, 5], name="segment"),
)
_WITHIN_SD = 0.5

# Describing variables by segment (rows follow SEGMENTS; columns are the item's choices in order).
_PROFILES: dict[str, list[list[float]]] = {
    "age": [
        [60, 30, 6, 3, 1, 0],
        [3, 17, 40, 30, 8, 2],
        [1, 3, 6, 15, 35, 40],
        [10, 40, 35, 10, 4, 1],
        [8, 45, 35, 9, 3, 0],
    ],
    "gender": [
        [58, 30, 8, 1, 3],
        [60, 36, 1, 1, 2],
        [55, 42, 0.5, 0.5, 2],
        [80, 16, 2, 1, 1],
        [45, 50, 2, 1, 2],
    ],
    "region": [
        [25, 12, 10, 8, 12, 13, 10, 5, 3, 2],
        [10, 18, 10, 14, 17, 12, 11, 4, 3, 1],
        [2, 10, 22, 12, 10, 6, 10, 14, 10, 4],
        [14, 14, 10, 10, 15, 13, 12, 6, 4, 2],
        [20, 14, 9, 9, 15, 14, 11, 4, 3, 1],
    ],
    "urbanicity": [[70, 27, 3], [25, 65, 10], [4, 18, 78], [40, 50, 10], [55, 38, 7]],
    "income": [
        [55, 28, 8, 3, 1, 5],
        [15, 35, 30, 13, 2, 5],
        [22, 35, 22, 10, 4, 7],
        [15, 33, 28, 15, 4, 5],
        [12, 30, 30, 18, 6, 4],
    ],
    "purchase_freq": [
        [5, 20, 40, 30, 5],
        [10, 35, 40, 13, 2],
        [40, 40, 15, 4, 1],
        [12, 38, 35, 13, 2],
        [0, 2, 10, 40, 48],
    ],
    "device": [[80, 15, 4, 1], [45, 30, 20, 5], [5, 10, 60, 25], [50, 25, 20, 5], [65, 5, 28, 2]],
}
# Probability of naming each channel, in the item's choice order.
_CHANNELS = [
    [0.70, 0.75, 0.15, 0.45, 0.10, 0.35, 0.02, 0.05],
    [0.25, 0.10, 0.70, 0.40, 0.45, 0.30, 0.10, 0.05],
    [0.05, 0.01, 0.55, 0.05, 0.25, 0.45, 0.45, 0.01],
    [0.55, 0.35, 0.35, 0.35, 0.20, 0.25, 0.05, 0.05],
    [0.40, 0.30, 0.20, 0.75, 0.15, 0.10, 0.01, 0.70],
]
_SPEND_MEDIAN = [90.0, 120.0, 70.0, 150.0, 1400.0]

_OPEN_IMPROVE = [
    [
        "Show the carbon saving of each item",
        "Plastic-free packaging every time",
        "More unique vintage drops",
        "A community board for styling ideas",
        "Repair tips with orders",
    ],
    [
        "Cheaper postage",
        "More price-drop alerts",
        "Bigger discounts on bundles",
        "Honest condition grades",
        "A loyalty scheme with real savings",
    ],
    [
        "A phone number that a real person answers",
        "Larger text on the website",
        "Free returns by post office",
        "Better descriptions of the fabric",
        "Delivery to rural addresses",
    ],
    [
        "Measurements on every single listing",
        "Photos on different body types",
        "Size filters that actually work",
        "More sizes above 20",
        "Easy returns when it doesn't fit",
    ],
    [
        "Early access to new stock",
        "Bulk discounts for trade buyers",
        "Faster dispatch",
        "Saved searches that alert me instantly",
        "Authenticity checks on branded items",
    ],
]
_OPEN_LAST = [
    "A 90s denim jacket, because it was one of a kind",
    "School trousers for my son, because they were half the shop price",
    "A wool coat that looked well made and came with a returns promise",
    "Jeans with the waist and inside leg measured, so I knew they would fit",
    "A job lot of outdoor jackets to resell at my stall",
]

_QUALTRICS_META = [
    ("StartDate", "Start Date", "startDate"),
    ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"),
    ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"),
    ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"),
    ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("LocationLatitude", "Location Latitude", "locationLatitude"),
    ("LocationLongitude", "Location Longitude", "locationLongitude"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
]

#: Interview participants: transcript -> (planted segment, age band), so each transcript is
#: linked to a survey respondent who fits the voice in it.
INTERVIEWS = {
    "T01": (1, "18-24"),
    "T02": (1, "18-24"),
    "T03": (1, "18-24"),
    "T04": (2, "35-44"),
    "T05": (2, "45-54"),
    "T06": (3, "65 or over"),
    "T07": (3, "55-64"),
    "T08": (4, "25-34"),
    "T09": (4, "35-44"),
    "T10": (5, "25-34"),
    "T11": (5, "35-44"),
}


@dataclass(frozen=True)
class SimulatedStudy:
    """A simulated export and the truth behind it.

    Attributes
    ----------
    export : pd.DataFrame
        One row per respondent, columns named as in a Qualtrics export, answers as choice text.
    header : pd.DataFrame
        The two extra Qualtrics header rows (question text, ImportId JSON), columns as `export`.
    truth : pd.DataFrame
        Indexed by ``ResponseId``: ``segment`` (1..5), ``segment_name``, ``fault``
        (``none``, ``speeder``, ``straightliner``, ``attention``, ``incomplete``).
    interviews : pd.DataFrame
        ``transcript, respondent_id``: who each bundled interview was with.
    """

    export: pd.DataFrame
    header: pd.DataFrame
    truth: pd.DataFrame
    interviews: pd.DataFrame


def _response_ids(rng: np.random.Generator, n: int) -> list[str]:
    alphabet = np.array(list(string.ascii_letters + string.digits))
    ids: list[str] = []
    seen: set[str] = set()
    while len(ids) < n:
        rid = "R_" + "".join(rng.choice(alphabet, 15))
        if rid not in seen:
            seen.add(rid)
            ids.append(rid)
    return ids


def qualtrics_header(q: Questionnaire) -> pd.DataFrame:
    """Question text and ImportId rows for a Qualtrics export of questionnaire `q`."""
    names, texts, imports = [], [], []
    for name, text, import_id in _QUALTRICS_META:
        names.append(name)
        texts.append(text)
        imports.append(f'{{"ImportId":"{import_id}"}}')
    qid = 0
    for block in q.blocks:
        grid = block.id in ("attitudes", "needs")
        if grid:
            qid += 1
        for k, item in enumerate(block.items, start=1):
            if not grid:
                qid += 1
            names.append(item.id)
            if grid:
                texts.append(f"{block.title} - {item.text}")
                imports.append(f'{{"ImportId":"QID{qid}_{k}"}}')
            else:
                texts.append(item.text)
                suffix = "_TEXT" if item.type in ("text", "numeric") else ""
                imports.append(f'{{"ImportId":"QID{qid}{suffix}"}}')
    return pd.DataFrame([texts, imports], columns=names)


def simulate_study(
    q: Questionnaire,
    n: int = 1500,
    *,
    random_state: int = 20260304,
    shares: Sequence[float] | None = None,
    population_seed: int | None = None,
) -> SimulatedStudy:
    """Draw a Qualtrics-style export from the planted segment structure.

    Parameters
    ----------
    q : Questionnaire
        The Second Stitch questionnaire (``questionnaires/examples/thrift-shoppers.yaml``).
    n : int
        Respondents to draw.
    random_state : int
        Seed; the same seed gives the same export byte for byte.
    shares : sequence of float, optional
        Planted segment shares (default: the study's own); another wave with shifted shares
        for tracking tests.
    population_seed : int, optional
        Seed of the items' loadings and shifts alone. Default: drawn from `random_state`'s
        stream (so each seed is a new population). Waves of one population share it and differ
        in `random_state` (and `shares`).

    Returns
    -------
    SimulatedStudy
    """
    rng = np.random.default_rng(random_state)
    k = len(SEGMENTS)
    p = SEGMENTS["share"].to_numpy() if shares is None else np.asarray(shares, dtype=float)
    if p.shape != (k,) or (p < 0).any() or abs(p.sum() - 1) > 1e-9:
        raise ValueError(f"shares must be {k} non-negative numbers summing to 1")
    seg = rng.choice(np.arange(1, k + 1), size=n, p=p)
    seg_idx = seg - 1
    dims = [c.id for c in q.constructs]
    latent = SEGMENTS[dims].to_numpy()[seg_idx] + rng.normal(0, _WITHIN_SD, (n, len(dims)))

    # Faults: disjoint groups, in the shares the issue names.
    fault = np.full(n, "none", dtype=object)
    order = rng.permutation(n)
    cuts = {"speeder": 0.05, "straightliner": 0.03, "attention": 0.02, "incomplete": 0.015}
    start = 0
    for name, share in cuts.items():
        m = int(round(share * n))
        fault[order[start : start + m]] = name
        start += m

    rows: dict[str, list] = {}
    answers: dict[str, np.ndarray] = {}
    item_rng = rng if population_seed is None else np.random.default_rng(population_seed)
    for item in q.scale_items():
        opts = q.options(item)
        d = dims.index(item.construct)
        loading = item_rng.uniform(0.75, 0.9)
        shift = item_rng.uniform(-0.3, 0.3) + (0.3 if item.type == "importance" else 0.0)
        z = latent[:, d] * (-1 if item.reverse else 1)
        ystar = loading * z + np.sqrt(1 - loading**2) * rng.normal(0, 1, n) * 1.2 + shift
        cat = np.digitize(ystar, [-1.4, -0.5, 0.4, 1.3])  # 0..4
        answers[item.id] = cat.astype(int)
        rows[item.id] = opts
    # Speeders answer at random; straight-liners give one answer to every statement of a grid.
    grid_items = {b.id: [i.id for i in b.items if i.id in answers] for b in q.blocks if b.randomize}
    for i in np.flatnonzero(fault == "speeder"):
        for item_id in answers:
            answers[item_id][i] = rng.integers(0, 5)
    for i in np.flatnonzero(fault == "straightliner"):
        for ids in grid_items.values():
            v = rng.choice([0, 2, 3, 4])  # never the attention check's answer by chance
            for item_id in ids:
                answers[item_id][i] = v

    export: dict[str, list] = {}
    base = pd.Timestamp("2026-03-02 08:00:00")
    started = base + pd.to_timedelta(np.sort(rng.uniform(0, 18 * 86400, n)).round(), unit="s")
    duration = np.exp(rng.normal(np.log(560), 0.35, n)).round().astype(int)
    speeder = fault == "speeder"
    duration[speeder] = (560 * rng.uniform(0.12, 0.3, speeder.sum())).round().astype(int)
    ended = started + pd.to_timedelta(duration, unit="s")
    finished = fault != "incomplete"
    progress = np.where(finished, 100, rng.integers(15, 75, n))
    rids = _response_ids(rng, n)
    fmt = "%Y-%m-%d %H:%M:%S"
    export["StartDate"] = [t.strftime(fmt) for t in started]
    export["EndDate"] = [t.strftime(fmt) for t in ended]
    export["Status"] = ["IP Address"] * n
    export["IPAddress"] = [
        f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.integers(1, 255)}"
        for _ in range(n)
    ]
    export["Progress"] = progress.tolist()
    export["Duration (in seconds)"] = duration.tolist()
    export["Finished"] = ["True" if f else "False" for f in finished]
    export["RecordedDate"] = export["EndDate"]
    export["ResponseId"] = rids
    for col in ("RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference"):
        export[col] = [""] * n
    export["LocationLatitude"] = np.round(rng.uniform(50.2, 57.5, n), 4).tolist()
    export["LocationLongitude"] = np.round(rng.uniform(-5.5, 1.5, n), 4).tolist()
    export["DistributionChannel"] = ["anonymous"] * n
    export["UserLanguage"] = ["EN"] * n

    def draw(probs: list[list[float]]) -> np.ndarray:
        p = np.asarray(probs, dtype=float)
        p = p / p.sum(axis=1, keepdims=True)
        u = rng.uniform(size=n)
        return (u[:, None] > np.cumsum(p[seg_idx], axis=1)).sum(axis=1)

    for item in q.items:
        opts = [c.label for c in q.options(item)]
        if item.id in answers:
            col = [opts[a] for a in answers[item.id]]
        elif item.attention_check is not None:
            good = item.attention_check
            col = [good] * n
            for i in np.flatnonzero(fault == "attention"):
                col[i] = rng.choice([o for o in opts if o != good])
            for i in np.flatnonzero(fault == "speeder"):
                col[i] = opts[rng.integers(0, len(opts))]
            for i in np.flatnonzero(fault == "straightliner"):
                col[i] = opts[answers[grid_items["attitudes"][0]][i]]
        elif item.id in _PROFILES:
            col = [opts[a] for a in draw(_PROFILES[item.id])]
        elif item.id == "channels":
            p = np.asarray(_CHANNELS)[seg_idx]
            picked = rng.uniform(size=p.shape) < p
            col = [",".join(o for o, pk in zip(opts, row, strict=True) if pk) for row in picked]
        elif item.type == "numeric":
            med = np.asarray(_SPEND_MEDIAN)[seg_idx]
            col = [f"{v:.0f}" for v in np.exp(np.log(med) + rng.normal(0, 0.6, n))]
        elif item.id == "open_improve":
            col = [
                _OPEN_IMPROVE[s][rng.integers(0, 5)] if rng.uniform() < 0.6 else "" for s in seg_idx
            ]
        elif item.type == "text":
            col = [_OPEN_LAST[s] if rng.uniform() < 0.35 else "" for s in seg_idx]
        else:  # pragma: no cover - every item of the example is covered above
            col = [""] * n
        export[item.id] = col

    df = pd.DataFrame(export)
    items = [i.id for i in q.items]
    # Scattered missing answers, and the unanswered tail of those who stopped early.
    holes = rng.uniform(size=(n, len(items))) < 0.012
    holes[:, [items.index(i.id) for i in q.items if i.required]] = False
    for r in np.flatnonzero(~finished):
        holes[r, int(len(items) * progress[r] / 100) :] = True
    values = df[items].to_numpy(dtype=object)
    values[holes] = ""
    df[items] = values

    truth = pd.DataFrame(
        {
            "segment": seg,
            "segment_name": SEGMENTS["name"].to_numpy()[seg_idx],
            "fault": fault,
        },
        index=pd.Index(rids, name="ResponseId"),
    )
    interviews = _link_interviews(df, truth)
    return SimulatedStudy(export=df, header=qualtrics_header(q), truth=truth, interviews=interviews)


def _link_interviews(df: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Pick, for each bundled transcript, a clean respondent of its segment and age band."""
    used: set[str] = set()
    rows = []
    ages = df.set_index("ResponseId")["age"]
    for transcript, (segment, age) in INTERVIEWS.items():
        ok = truth.index[
            (truth["segment"] == segment) & (truth["fault"] == "none") & (ages == age).to_numpy()
        ]
        rid = next(r for r in ok if r not in used)
        used.add(rid)
        rows.append({"transcript": transcript, "respondent_id": rid})
    return pd.DataFrame(rows)
