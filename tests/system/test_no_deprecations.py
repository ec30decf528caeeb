"""Normal use prints no library deprecation warnings: the first hour runs with them turned into errors."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

STRICT = ["-W", "error::FutureWarning", "-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning"]


def scrimmage(*args, cwd):
    done = subprocess.run([sys.executable, *STRICT, "-m", "scrimmage", *args], capture_output=True, text=True,
                          cwd=cwd, env=dict(os.environ))
    assert done.returncode == 0, f"scrimmage {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    assert "Warning" not in done.stderr, done.stderr
    return done.stdout


@pytest.mark.slow
def test_the_first_hour_on_titanic_warns_of_nothing(tmp_path):
    scrimmage("quickstart", "-p", str(tmp_path / "titanic"), cwd=tmp_path)
    scrimmage("coach", "advise", "titanic", cwd=tmp_path)
    scrimmage("coach", "check", "titanic", cwd=tmp_path)
    assert "Baseline ladder for titanic" in scrimmage("coach", "ladder", "titanic", cwd=tmp_path)
    scrimmage("coach", "report", "titanic", cwd=tmp_path)


@pytest.mark.parametrize("kind", ["binary", "regression"])
def test_target_encoder_is_seeded_and_quiet(kind):
    from scrimmage.target_encoding import target_encoder

    rng = np.random.default_rng(0)
    X = rng.choice([f"v{i}" for i in range(30)], size=(300, 1)).astype(object)
    y = rng.integers(0, 2, 300) if kind == "binary" else rng.normal(size=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = target_encoder().fit_transform(X, y)
        again = target_encoder().fit_transform(X, y)
        other = target_encoder(seed=1).fit_transform(X, y)
    assert np.array_equal(first, again) and not np.array_equal(first, other)
