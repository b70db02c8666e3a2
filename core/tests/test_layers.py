"""The house as a stack: the import-linter contract (pyproject.toml) names every app."""

import tomllib
from pathlib import Path

from django.conf import settings


def test_every_app_of_the_portal_has_its_place_in_the_layers():
    config = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    assert set(settings.LOCAL_APPS) | {"config"} == set(layers)
    assert layers[-1] == "core" and layers[0] == "config"


def test_at_most_two_arrows_run_up_the_stack():
    config = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    ignored = config["tool"]["importlinter"]["contracts"][0]["ignore_imports"]
    arrows = [line for line in ignored if not line.startswith("*.tests.")]
    assert len(arrows) <= 2, arrows
