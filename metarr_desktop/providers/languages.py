"""Language codes: ISO 639-1 (two letters, what we store) and the three-letter codes TheTVDB uses.

TheTVDB v4 names languages with ISO 639-3 / 639-2/T codes ("eng", "deu", "fra", "zho"). The table
covers the languages TheTVDB translates most; an unknown code is passed through unchanged.
"""

from __future__ import annotations

#: three-letter code -> (two-letter code, English name)
LANGUAGES: dict[str, tuple[str, str]] = {
    "ara": ("ar", "Arabic"),
    "bul": ("bg", "Bulgarian"),
    "ces": ("cs", "Czech"),
    "dan": ("da", "Danish"),
    "deu": ("de", "German"),
    "ell": ("el", "Greek"),
    "eng": ("en", "English"),
    "est": ("et", "Estonian"),
    "fas": ("fa", "Persian"),
    "fin": ("fi", "Finnish"),
    "fra": ("fr", "French"),
    "heb": ("he", "Hebrew"),
    "hin": ("hi", "Hindi"),
    "hrv": ("hr", "Croatian"),
    "hun": ("hu", "Hungarian"),
    "ind": ("id", "Indonesian"),
    "ita": ("it", "Italian"),
    "jpn": ("ja", "Japanese"),
    "kor": ("ko", "Korean"),
    "lat": ("la", "Latin"),
    "nld": ("nl", "Dutch"),
    "nor": ("no", "Norwegian"),
    "pol": ("pl", "Polish"),
    "por": ("pt", "Portuguese"),
    "ron": ("ro", "Romanian"),
    "rus": ("ru", "Russian"),
    "slk": ("sk", "Slovak"),
    "slv": ("sl", "Slovenian"),
    "spa": ("es", "Spanish"),
    "srp": ("sr", "Serbian"),
    "swe": ("sv", "Swedish"),
    "tha": ("th", "Thai"),
    "tur": ("tr", "Turkish"),
    "ukr": ("uk", "Ukrainian"),
    "vie": ("vi", "Vietnamese"),
    "zho": ("zh", "Chinese"),
}

_TWO_TO_THREE: dict[str, str] = {two: three for three, (two, _) in LANGUAGES.items()}


def to_three_letter(code: str) -> str:
    """ "en" -> "eng"; a code that is not two letters is returned as it is."""
    code = code.split("-")[0].lower()
    return _TWO_TO_THREE.get(code, code)


def to_two_letter(code: str | None) -> str | None:
    """ "eng" -> "en"; None, "" and unknown codes of other lengths give None or the code itself."""
    if not code:
        return None
    code = code.lower()
    if len(code) == 2:
        return code
    entry = LANGUAGES.get(code)
    return entry[0] if entry else None


def english_name(code: str | None) -> str | None:
    """ "eng" or "en" -> "English"; None when unknown."""
    if not code:
        return None
    code = code.lower()
    entry = LANGUAGES.get(code) or LANGUAGES.get(_TWO_TO_THREE.get(code, ""))
    return entry[1] if entry else None
