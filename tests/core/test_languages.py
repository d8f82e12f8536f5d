"""Issue 18: languages and regions — the settings, the field-by-field fallback, the language rule
of the merge and the certification country and style."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.authority import default_authority
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.languages import LANGUAGE_FIELDS
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.languages import format_certification
from metarr_desktop.core.languages import language_chain
from metarr_desktop.core.languages import language_rank
from metarr_desktop.core.languages import language_rule
from metarr_desktop.core.languages import pick_translation
from metarr_desktop.core.merge import aggregate
from metarr_desktop.core.merge import order_by_language
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.core.settings import setting
from metarr_desktop.providers.omdb import OmdbProvider
from metarr_desktop.providers.tmdb import APPEND
from metarr_desktop.providers.tmdb import APPEND_LIMIT
from metarr_desktop.providers.tmdb import TmdbProvider


def translation(lang: str, country: str, **data: Any) -> dict[str, Any]:
    body = {"title": "", "overview": "", "homepage": "", "tagline": "", "runtime": 0}
    body.update(data)
    return {"iso_3166_1": country, "iso_639_1": lang, "name": lang, "english_name": lang, "data": body}


def movie_body(translations: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A /movie answer as TMDB gives it for a language without a translation: the original title,
    an empty overview and tagline."""
    body: dict[str, Any] = {
        "id": 603,
        "title": "The Matrix",
        "original_title": "The Matrix",
        "original_language": "en",
        "overview": "",
        "tagline": "",
        "release_date": "1999-03-30",
        "translations": {"translations": translations},
    }
    body.update(extra)
    return body


# -- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["en", "de-DE", "pt-BR", "fr-CA", "zh-Hant-TW", "es-419", "yue"])
def test_the_metadata_language_takes_bcp47_tags(tag: str) -> None:
    assert setting("metadata.language").coerce(tag) == tag


@pytest.mark.parametrize("tag", ["", "german", "de_DE", "d", "de-Deutschland", "en-US-x"])
def test_the_metadata_language_refuses_what_is_not_a_tag(tag: str) -> None:
    with pytest.raises(SettingValueError, match=r"metadata\.language"):
        setting("metadata.language").coerce(tag)


def test_the_language_lists_validate_their_entries() -> None:
    assert setting("metadata.fallback_languages").coerce(["original", "en"]) == ["original", "en"]
    assert setting("artwork.languages").coerce(["de", "none", "en"]) == ["de", "none", "en"]
    assert setting("metadata.certification_countries").coerce(["DE", "US"]) == ["DE", "US"]
    with pytest.raises(SettingValueError):
        setting("metadata.certification_countries").coerce(["Germany"])
    with pytest.raises(SettingValueError):
        setting("metadata.fallback_languages").coerce(["none"])
    with pytest.raises(SettingValueError):
        setting("metadata.certification_style").coerce("loud")


def test_the_defaults() -> None:
    assert setting("metadata.language").default == "en-US"
    assert setting("metadata.fallback_languages").default == ["en"]
    assert setting("metadata.certification_countries").default == ["US"]
    assert setting("artwork.languages").default == []  # derived
    assert LanguagePolicy(language="de-DE").artwork_order() == ["de", "none", "en"]


# -- the chain -----------------------------------------------------------------------------------


def test_the_chain_replaces_original_and_drops_duplicates() -> None:
    assert language_chain("de-DE", ["original", "en"], "ja") == ["de-DE", "ja", "en"]
    assert language_chain("en-US", ["original", "en"], "en") == ["en-US", "en"]
    assert language_chain("de-DE", ["original"], None) == ["de-DE"]


def test_an_exact_region_first_then_the_same_language_elsewhere() -> None:
    values = [("fr-FR", "France"), ("fr-CA", "Québec"), ("en-US", "English")]
    assert pick_translation(["fr-CA", "en"], values) == ("fr-CA", "Québec")
    assert pick_translation(["fr-BE", "en"], values) == ("fr-FR", "France")
    assert pick_translation(["fr", "en"], values) == ("fr-FR", "France")
    assert pick_translation(["de-DE", "en"], values) == ("en-US", "English")
    assert pick_translation(["de-DE"], [("de-DE", "  ")]) is None


# -- the field-by-field fallback (TMDB) ----------------------------------------------------------


def test_each_field_takes_the_first_chain_language_with_a_value() -> None:
    """The title only in fr-CA, the overview only in fr-FR, the tagline only in English."""
    body = movie_body(
        [
            translation("fr", "CA", title="La Matrice"),
            translation("fr", "FR", overview="Un pirate informatique découvre la vérité."),
            translation(
                "en", "US", title="", overview="A hacker learns the truth.", tagline="Free your mind."
            ),
            translation("de", "DE"),
        ]
    )
    data = TmdbProvider().parse_movie(body, "fr", chain=language_chain("fr-CA", ["en"]))
    assert data.fields["title"] == "La Matrice"
    assert data.fields["plot"] == "Un pirate informatique découvre la vérité."
    assert data.fields["tagline"] == "Free your mind."
    assert data.languages["title"] == "fr-CA"
    assert data.languages["plot"] == "fr-FR"
    assert data.languages["tagline"] == "en-US"
    assert data.languages["original_title"] == "en"


def test_without_any_translation_the_title_is_the_original_in_its_language() -> None:
    body = movie_body([translation("en", "US", overview="A hacker learns the truth.")])
    data = TmdbProvider().parse_movie(body, "de", chain=language_chain("de-DE", ["original"], "en"))
    assert data.fields["title"] == "The Matrix"
    assert data.languages["title"] == "en"
    assert data.fields["plot"] == "A hacker learns the truth."
    assert "tagline" not in data.fields


async def test_the_chain_costs_no_request() -> None:
    """One request however long the chain: the translations come appended."""
    requests: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=movie_body([translation("de", "DE", title="Matrix")]))

    counts = []
    for fallbacks in ((), ("en",), ("fr-CA", "fr", "es", "pt-BR", "ja", "original", "en")):
        requests.clear()
        client = TmdbProvider(
            api_key="0123456789abcdef0123456789abcdef", transport=httpx.MockTransport(server)
        )
        data = await client.get_metadata(
            MetadataRequest(ids=ExternalIds(tmdb=603), language="de-DE", fallback_languages=fallbacks)
        )
        await client.aclose()
        assert data.fields["title"] == "Matrix"
        counts.append(len(requests))
        params = requests[0].url.params
        assert params["language"] == "de-DE"
        assert "translations" in params["append_to_response"].split(",")
        assert params["include_image_language"] == "de,en,null"
    assert counts == [1, 1, 1]
    assert len(APPEND.split(",")) <= APPEND_LIMIT


# -- the language rule of the merge -----------------------------------------------------------------


def omdb_answer() -> dict[str, Any]:
    return {
        "Response": "True",
        "imdbID": "tt0133093",
        "Title": "The Matrix",
        "Year": "1999",
        "Rated": "R",
        "Plot": "A computer hacker learns about the true nature of reality.",
    }


def test_omdb_english_plot_does_not_replace_a_german_plot() -> None:
    omdb = OmdbProvider().parse_title(omdb_answer())
    assert omdb.languages["plot"] == "en"
    tmdb = TmdbProvider().parse_movie(
        movie_body([translation("de", "DE", title="Matrix", overview="Ein Hacker erfährt die Wahrheit.")]),
        "de",
        chain=language_chain("de-DE", ["en"]),
    )
    config = FieldAuthorityConfig(["omdb", "tmdb"])
    assert config.providers_for("plot")[0] == "omdb"  # OMDb first for the plot...
    answers = {"omdb": omdb.fields, "tmdb": tmdb.fields}
    languages = {"omdb": omdb.languages, "tmdb": tmdb.languages}
    merged = aggregate(answers, config, languages=languages, chain=["de-DE", "en"])
    assert merged.values["plot"] == "Ein Hacker erfährt die Wahrheit."  # ...but German wins
    assert merged.sources["plot"] == "tmdb"
    assert merged.languages["plot"] == "de-DE"
    assert merged.rules["plot"] == "language: de-DE"
    # Where no value is in German the authority order stands, and no rule is named.
    assert "tagline" not in merged.rules
    # Switched off, the field-authority order alone decides.
    off = FieldAuthorityConfig(["omdb", "tmdb"], prefer_language=False)
    assert aggregate(answers, off, languages=languages, chain=["de-DE", "en"]).sources["plot"] == "omdb"
    # For an English user both plots are English: the authority order stands.
    english = aggregate(answers, config, languages=languages, chain=["en-US", "en"])
    assert english.sources["plot"] == "omdb"
    assert "plot" not in english.rules


def test_the_default_authority_keeps_german_plot_and_outline_over_omdb_english() -> None:
    """OMDb answers in English only: under the default rules its plot and outline never replace
    German ones, and its outline is used only when no other provider has one."""
    omdb = OmdbProvider().parse_title(omdb_answer())
    assert omdb.languages["outline"] == "en"
    tmdb = TmdbProvider().parse_movie(
        movie_body(
            [translation("de", "DE", title="Matrix", overview="Ein Hacker erfährt die Wahrheit. Mehr.")]
        ),
        "de",
        chain=language_chain("de-DE", ["en"]),
    )
    config = default_authority()
    assert not config.field_authorities["outline"].exclusive
    answers = {"omdb": omdb.fields, "tmdb": tmdb.fields}
    languages = {"omdb": omdb.languages, "tmdb": tmdb.languages}
    merged = aggregate(answers, config, languages=languages, chain=["de-DE", "en"])
    plot, outline = "Ein Hacker erfährt die Wahrheit. Mehr.", "Ein Hacker erfährt die Wahrheit."
    assert (merged.values["plot"], merged.languages["plot"]) == (plot, "de-DE")
    assert (merged.values["outline"], merged.sources["outline"]) == (outline, "tmdb")
    assert merged.languages["outline"] == "de-DE"
    # Even with OMDb put first for both fields, the language rule keeps the German values and names itself.
    omdb_first = default_authority()
    for name in ("plot", "outline"):
        omdb_first.field_authorities[name] = FieldAuthority(["omdb", "tmdb"])
    merged = aggregate(answers, omdb_first, languages=languages, chain=["de-DE", "en"])
    assert (merged.sources["plot"], merged.sources["outline"]) == ("tmdb", "tmdb")
    assert merged.rules["outline"] == "language: de-DE"
    # No outline anywhere in the chain but OMDb's: OMDb's English outline fills the gap.
    without = {k: v for k, v in tmdb.fields.items() if k not in ("plot", "outline")}
    bare = {"omdb": omdb.fields, "tmdb": without}
    merged = aggregate(bare, config, languages=languages, chain=["de-DE", "en"])
    assert (merged.sources["outline"], merged.languages["outline"]) == ("omdb", "en")


def test_the_language_rule_is_named_for_people() -> None:
    assert language_rule(["de-DE"]) == "language: de-DE first"
    assert language_rule(["de-DE", "en"]) == "language: de-DE first, then en"
    assert language_rule([]) == ""
    assert {"title", "plot", "outline"} <= LANGUAGE_FIELDS


def test_order_by_language_is_stable_and_puts_unknown_last() -> None:
    answers = {"a": {"plot": "x"}, "b": {"plot": "y"}, "c": {"plot": "z"}}
    languages = {"a": {"plot": "en"}, "b": {}, "c": {"plot": "de-AT"}}
    assert order_by_language("plot", ["a", "b", "c"], answers, languages, ["de-DE", "en"]) == ["c", "a", "b"]
    assert language_rank(["de-DE", "en"], "de-DE") < language_rank(["de-DE", "en"], "de-AT")
    assert order_by_language("genres", ["a", "b", "c"], answers, languages, ["de-DE"]) == ["a", "b", "c"]


def test_prefer_language_is_in_the_authority_json() -> None:
    config = default_authority()
    document = config.to_json()
    assert document["prefer_language"] is True
    document["prefer_language"] = False
    assert FieldAuthorityConfig.from_json(document).prefer_language is False
    del document["prefer_language"]
    assert FieldAuthorityConfig.from_json(document).prefer_language is True


# -- certifications -----------------------------------------------------------------------------


def release_dates() -> dict[str, Any]:
    return {
        "results": [
            {
                "iso_3166_1": "US",
                "release_dates": [
                    {"certification": "", "type": 4},
                    {"certification": "R", "type": 3},
                ],
            },
            {
                "iso_3166_1": "DE",
                "release_dates": [
                    {"certification": "12", "type": 5},
                    {"certification": "16", "type": 3},
                ],
            },
            {"iso_3166_1": "FR", "release_dates": [{"certification": "", "type": 3}]},
        ]
    }


def test_the_first_country_with_a_certification_theatrical_first() -> None:
    tmdb = TmdbProvider()
    body = movie_body([], release_dates=release_dates())
    data = tmdb.parse_movie(body, countries=("FR", "DE", "US"))
    assert (data.fields["content_rating"], data.certification_country) == ("16", "DE")
    data = tmdb.parse_movie(body, countries=("US", "DE"))
    assert (data.fields["content_rating"], data.certification_country) == ("R", "US")
    assert "content_rating" not in tmdb.parse_movie(body, countries=("GB",)).fields


def test_omdb_rated_counts_as_us() -> None:
    assert OmdbProvider().parse_title(omdb_answer()).certification_country == "US"


@pytest.mark.parametrize(
    ("style", "country", "certification", "expected"),
    [
        ("plain", "US", "PG-13", "PG-13"),
        ("rated", "US", "PG-13", "Rated PG-13"),
        ("rated", "US", "Rated R", "Rated R"),
        ("country", "US", "PG-13", "US:PG-13"),
        ("country", "DE", "16", "DE:16"),
        ("named", "DE", "16", "FSK 16"),
        ("named", "US", "PG-13", "Rated PG-13"),
        ("named", "SE", "15", "15"),
        ("country", None, "15", "15"),
    ],
)
def test_the_certification_style(style: str, country: str | None, certification: str, expected: str) -> None:
    assert format_certification(certification, country, style) == expected


# -- artwork ----------------------------------------------------------------------------------------


def test_artwork_follows_the_language_order() -> None:
    from metarr_desktop.core.artwork import best_candidate
    from metarr_desktop.core.artwork import ordered
    from metarr_desktop.core.assets import AssetCandidate
    from metarr_desktop.core.assets import AssetType

    def poster(
        language: str | None, rating: float = 5.0, kind: AssetType = AssetType.POSTER
    ) -> AssetCandidate:
        return AssetCandidate(
            url=f"https://x/{language}-{kind.value}",
            type=kind,
            provider="tmdb",
            language=language,
            rating=rating,
        )

    candidates = [poster("en", 9.0), poster(None, 8.0), poster("fr", 9.9), poster("de", 1.0)]
    order = LanguagePolicy(language="de-DE").artwork_order()
    assert [c.language for c in ordered(candidates, order)] == ["de", None, "en", "fr"]
    assert best_candidate(candidates, AssetType.POSTER, ("none", "en")) is candidates[1]
    # Logos are never textless: "none" does not lift an untagged logo above English.
    logos = [poster(None, 9.0, AssetType.CLEARLOGO), poster("en", 1.0, AssetType.CLEARLOGO)]
    assert best_candidate(logos, AssetType.CLEARLOGO, ("none", "en")) is logos[1]
    # Backgrounds keep textless first.
    fanart = [poster("de", 9.0, AssetType.FANART), poster(None, 1.0, AssetType.FANART)]
    assert best_candidate(fanart, AssetType.FANART, ("de", "none")) is fanart[1]
    # An explicit setting wins over the derived default.
    assert LanguagePolicy(language="de-DE", artwork_languages=("none", "pt-BR")).artwork_order() == [
        "none",
        "pt",
    ]


def test_translated_text_crosses_the_boundary_checks() -> None:
    huge = "x" * 9_000_000
    body = movie_body([translation("de", "DE", title="Matrix\x1b[2J", overview=huge)])
    data = TmdbProvider().parse_movie(body, "de", chain=["de-DE", "en"])
    assert "\x1b" not in data.fields["title"]
    assert len(data.fields["plot"]) <= 20_000
    assert len(data.fields["outline"]) <= 20_000
