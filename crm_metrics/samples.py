"""The bundled sample data and the config that reads it, used when no config is given."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from crm_metrics.config.model import Config, load_config


def sample_dir() -> Path:
    """sample_data/ inside an installed wheel, else the repository's sample_data/ beside the package."""
    packaged = Path(str(resources.files("crm_metrics"))) / "_sample_data"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "sample_data"


def sample_config() -> Config:
    """The config that reads the bundled sample data, flagged `sample_data` so every report made
    from it says so (../shared/metrics.md section 5)."""
    config = load_config(sample_dir() / "sample-config.yaml")
    return config.model_copy(update={"sample_data": True})
