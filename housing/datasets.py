"""The bundled sample datasets the app opens on, declared as data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from housing.i18n import t

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Sample:
    """A bundled workbook with what the page title and the year's target need to know about it."""

    id: str
    file: str
    title_key: str
    target_projects: int = 0  # the year's published target, when the source states one
    target_year: int | None = None

    @property
    def path(self) -> Path:
        """Where the workbook lives."""
        return DATA_DIR / self.file

    def region(self, lang: str) -> str:
        """The area the dataset covers, for the page title (the catalogue's ``region.<id>``)."""
        return t(f"region.{self.id}", lang)

    def target_for(self, year: int) -> int:
        """The published target for ``year`` (0 when none: the target is then derived from deadlines)."""
        return self.target_projects if year == self.target_year else 0


SAMPLES: dict[str, Sample] = {
    s.id: s
    for s in (
        Sample("portfolio", "sample_portfolio.xlsx", "sample_portfolio"),
        # 2021 headline task: "完成15个项目交房入住" (seed 000); the workbook lists 8 of the 15.
        Sample(
            "zhangqiu_2021",
            "sample_zhangqiu_2021.xlsx",
            "sample_zhangqiu_2021",
            target_projects=15,
            target_year=2021,
        ),
    )
}
DEFAULT_SAMPLE = "portfolio"


def file_version(path: Path) -> str:
    """A version id for a data file (SHA-256 of its bytes): the cache key for everything derived from it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample_by_file(filename: str) -> Sample | None:
    """The bundled sample a file name belongs to (a version seeded from it keeps the name)."""
    return next((s for s in SAMPLES.values() if s.file == filename), None)
