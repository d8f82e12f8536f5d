"""What the About box says (no Qt): the app, its version, and each provider's credit.

The credits are the attribution the providers' terms ask for; README.md carries the same sentences
(tests/ui/about checks that it does). TMDB's notice is their exact wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from metarr_desktop import __version__
from metarr_desktop.bundled import attribution_mark
from metarr_desktop.bundled import icon_png

#: TMDB's required notice, word for word (their API terms: shown with their mark wherever the app
#: credits its sources).
TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


@dataclass(frozen=True, slots=True)
class ProviderCredit:
    """One provider's line in the About box.

    Attributes:
        provider_id: the provider's id (``tmdb``, ``omdb``, ``tvdb``, ``fanart``).
        name: its display name.
        text: the credit, one or two plain sentences.
        url: the provider's site (shown as a link).
    """

    provider_id: str
    name: str
    text: str
    url: str

    @property
    def mark(self) -> Path:
        """The attribution mark (resources/attribution/<id>.svg)."""
        return attribution_mark(self.provider_id)


CREDITS: tuple[ProviderCredit, ...] = (
    ProviderCredit("tmdb", "TMDB", TMDB_NOTICE, "https://www.themoviedb.org/"),
    ProviderCredit(
        "omdb",
        "OMDb API",
        "IMDb ratings, Rotten Tomatoes and Metacritic scores and awards come from the OMDb API, "
        "the Open Movie Database.",
        "https://www.omdbapi.com/",
    ),
    ProviderCredit(
        "tvdb",
        "TheTVDB",
        "Metadata provided by TheTVDB. Please consider adding missing information or subscribing.",
        "https://thetvdb.com/subscribe",
    ),
    ProviderCredit(
        "fanart",
        "fanart.tv",
        "Artwork (logos, clear art, disc art, backgrounds) from fanart.tv, made and shared by its community.",
        "https://fanart.tv/",
    ),
)


@dataclass(frozen=True, slots=True)
class AboutInfo:
    """Everything the About box shows."""

    name: str
    version: str
    summary: str
    icon: Path
    credits: tuple[ProviderCredit, ...]
    license: str

    @property
    def title(self) -> str:
        return f"{self.name} {self.version}"


def about_info() -> AboutInfo:
    return AboutInfo(
        name="Metarr Desktop",
        version=__version__,
        summary="Complete, correct metadata and artwork for your movie library, from several providers "
        "at once.",
        icon=icon_png(128),
        credits=CREDITS,
        license="Free software under the MIT licence. Movie data and images belong to their rights "
        "holders and are used under each provider's terms.",
    )
