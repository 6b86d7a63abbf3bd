"""M-step of the ordinal (adjacent-category logit) constraint on item response probabilities.

For an item with categories scored ``c = 0..C-1`` the probability of category ``c`` in class
``k`` is ``p_kc ∝ exp(b_c + c * g_k)``, so ``log(p_kc / p_k,c-1) = (b_c - b_c-1) + g_k``: each
class shifts the item up or down the scale by one location ``g_k`` while the thresholds ``b``
are shared by all classes (Vermunt's ordinal indicator; Latent GOLD calls it "ordinal").
``b_0 = g_0 = 0`` identify the model, leaving ``(C - 1) + (K - 1)`` free parameters per item
instead of ``K (C - 1)``.

The expected complete-data log-likelihood of one item is a concave log-linear model, maximised
here by Newton's method with step halving, batched over items and starts and warm-started from
the previous M-step (a tiny ridge keeps estimates finite when a category is never chosen).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ordinal_mstep", "fit_adjacent_logit", "RIDGE"]

RIDGE = 1e-6


def ordinal_mstep(counts: np.ndarray, design, state: dict) -> np.ndarray:
    """Log item probabilities ``(S, D, K)`` maximising the ordinal model for expected counts."""
    s, d, k = counts.shape
    starts = state.setdefault("starts", [{} for _ in range(s)])
    logp = np.empty_like(counts)
    for c in np.unique(design.n_categories):
        items = np.flatnonzero(design.n_categories == c)
        rows = design.offsets[items][:, None] + np.arange(c)[None, :]  # (G, C)
        n = counts[:, rows, :].transpose(0, 1, 3, 2).reshape(s * len(items), k, c)
        init = np.stack(
            [st.get(int(c), np.zeros((len(items), c + k - 2))) for st in starts]
        ).reshape(s * len(items), -1)
        params, lp = fit_adjacent_logit(n, init)
        for i, st in enumerate(starts):
            st[int(c)] = params.reshape(s, len(items), -1)[i]
        logp[:, rows, :] = lp.reshape(s, len(items), k, c).transpose(0, 1, 3, 2)
    return logp


def _logits(params: np.ndarray, k: int, c: int) -> np.ndarray:
    b = params[:, : c - 1]
    g = params[:, c - 1 :]
    eta = np.zeros((len(params), k, c))
    eta[:, :, 1:] += b[:, None, :]
    eta[:, 1:, :] += g[:, :, None] * np.arange(c)[None, None, :]
    top = eta.max(axis=2, keepdims=True)
    return eta - (np.log(np.exp(eta - top).sum(axis=2, keepdims=True)) + top)


def _objective(n: np.ndarray, params: np.ndarray, k: int, c: int) -> np.ndarray:
    return (n * _logits(params, k, c)).sum(axis=(1, 2)) - 0.5 * RIDGE * (params**2).sum(axis=1)


def fit_adjacent_logit(
    n: np.ndarray, init: np.ndarray, *, max_iter: int = 50, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray]:
    """Maximise ``sum n_kc log p_kc`` over the adjacent-category logit for a batch of items.

    Parameters
    ----------
    n : ndarray (B, K, C)
        Expected counts per class and category.
    init : ndarray (B, C + K - 2)
        Starting ``b_1..b_C-1, g_1..g_K-1``.

    Returns
    -------
    params : ndarray (B, C + K - 2)
    log_probs : ndarray (B, K, C)
    """
    b_, k, c = n.shape
    scores = np.arange(c, dtype=float)
    params = init.astype(float).copy()
    nk = n.sum(axis=2)
    q = _objective(n, params, k, c)
    eye = np.eye(params.shape[1])
    active = np.ones(b_, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if len(idx) == 0:
            break
        pa, na, nka = params[idx], n[idx], nk[idx]
        p = np.exp(_logits(pa, k, c))
        resid = na - nka[:, :, None] * p
        grad = (
            np.concatenate([resid.sum(axis=1)[:, 1:], (resid * scores).sum(axis=2)[:, 1:]], axis=1)
            - RIDGE * pa
        )
        mean = (p * scores).sum(axis=2)  # (B, K)
        var = (p * scores**2).sum(axis=2) - mean**2
        pw = p * nka[:, :, None]
        info = np.zeros((len(idx), c + k - 2, c + k - 2))
        info[:, : c - 1, : c - 1] = np.einsum("bkc,bkd->bcd", pw, p)[:, 1:, 1:] * -1
        diag_b = np.arange(c - 1)
        info[:, diag_b, diag_b] += pw.sum(axis=1)[:, 1:]
        cross = (pw * (scores[None, None, :] - mean[:, :, None]))[:, 1:, 1:]  # (B, K-1, C-1)
        info[:, : c - 1, c - 1 :] = cross.transpose(0, 2, 1)
        info[:, c - 1 :, : c - 1] = cross
        diag_g = np.arange(c - 1, c + k - 2)
        info[:, diag_g, diag_g] = (nka * var)[:, 1:]
        step = np.linalg.solve(info + RIDGE * eye, grad[:, :, None])[:, :, 0]
        # Step halving keeps every Newton update an ascent step (a generalised EM).
        t = np.ones(len(idx))
        best = pa.copy()
        q_old = q[idx]
        q_new = q_old.copy()
        pending = np.ones(len(idx), dtype=bool)
        for _half in range(30):
            cand = pa + t[:, None] * step
            qc = _objective(na, cand, k, c)
            ok = pending & (qc >= q_old)
            best[ok] = cand[ok]
            q_new[ok] = qc[ok]
            pending &= ~ok
            if not pending.any():
                break
            t[pending] *= 0.5
        params[idx] = best
        q[idx] = q_new
        small = np.abs(step * t[:, None]).max(axis=1) < tol
        active[idx] = ~(small | pending)
    return params, _logits(params, k, c)
