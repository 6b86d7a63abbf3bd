"""research.estimator: scikit-learn's estimator protocol without importing scikit-learn."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sklearn.base import clone

from research.estimator import NotFittedError, check_fitted
from research.factors import FactorModel


def test_factor_model_follows_the_estimator_protocol() -> None:
    model = FactorModel(n_factors=3, rotation="varimax")
    params = model.get_params()
    assert params["n_factors"] == 3 and params["rotation"] == "varimax"
    copy = clone(model)
    assert copy is not model and copy.get_params() == params
    assert model.set_params(n_factors=4) is model and model.n_factors == 4
    with pytest.raises(ValueError, match="invalid parameter 'nfactors'"):
        model.set_params(nfactors=2)
    assert repr(FactorModel(n_factors=2)) == "FactorModel(n_factors=2)"


def test_unfitted_model_raises_not_fitted() -> None:
    with pytest.raises(NotFittedError, match="not fitted yet"):
        check_fitted(FactorModel(), "loadings_")
    with pytest.raises(NotFittedError):
        FactorModel().transform(None)


def test_factor_analysis_does_not_import_scikit_learn() -> None:
    # sklearn.base pulls in scipy.stats: 0.45 s of every `research factors` run (issue 13).
    code = (
        "import sys, numpy as np, pandas as pd\n"
        "from research.factors import FactorModel\n"
        "rng = np.random.default_rng(0)\n"
        "z = rng.normal(size=(300, 2))\n"
        "x = pd.DataFrame(z.repeat(3, axis=1) + rng.normal(size=(300, 6)))\n"
        "FactorModel(n_factors=2).fit(x)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
