"""Error codes for catalogue intake and their wording, in the page's language.

A stored report keeps each issue as a code and its parameters (catalogue.report); the text is
worded when it is shown, by issue_text() in the active language, so an improved wording reaches old
reports too. The Swedish text is the msgid, the English is in locale/en/LC_MESSAGES/django.po.
Codes are stable (the portal, the API and the T58 response show them). Placeholders use str.format names.

Raw parser or rule-engine text (libxml2, Saxon, exception text) never goes into a sentence: it is kept
as the `detail` parameter and shown apart, as a technical detail (issue_detail()).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The parameter that carries raw technical text; never part of the worded message.
DETAIL = "detail"


@dataclass(frozen=True)
class ErrorCode:
    code: str
    text: Promise  # Swedish msgid with str.format placeholders


# What libxml2 found wrong in a malformed XML file (catalogue.formats.xmlerrors stores the key).
XML_REASONS: dict[str, Promise] = {
    "tag-mismatch": _("starttaggen och sluttaggen passar inte ihop"),
    "tag-not-finished": _("ett element avslutas aldrig; filen kan vara avkortad"),
    "content-after-end": _("det finns innehåll efter dokumentets slut"),
    "no-xml": _("filen innehåller inget XML"),
    "attribute-unquoted": _("ett attributvärde saknar citattecken"),
    "attribute-without-value": _("ett attribut saknar värde"),
    "attribute-twice": _("samma attribut står två gånger"),
    "lt-in-attribute": _("tecknet < står i ett attributvärde"),
    "gt-missing": _("en tagg avslutas inte med >"),
    "end-tag-missing": _("en sluttagg saknas"),
    "bare-ampersand": _("ett &-tecken som inte är skrivet &amp;"),
    "invalid-char": _("ett tecken som inte är tillåtet i XML"),
    "invalid-charref": _("en teckenreferens som inte är tillåten i XML"),
    "xml-declaration-late": _("XML-deklarationen <?xml ...?> får bara stå först i filen"),
    "string-not-closed": _("en text saknar avslutande citattecken"),
    "not-well-formed": _("filen är inte välformad XML"),
}

_CODES = (
    # The file as a whole
    ErrorCode("FILE-EMPTY", _("Filen är tom.")),
    ErrorCode("FILE-TOO-LARGE", _("Filen är för stor ({size} byte); största tillåtna storlek är {limit} byte.")),
    ErrorCode(
        "FILE-UNKNOWN-FORMAT",
        _(
            "Filformatet känns inte igen. Ladda upp Peppol BIS Catalogue 3 (XML), BMEcat 2005 (XML), Excel "
            "(.xlsx), CSV eller cXML CIF 3.0 (.cif)."
        ),
    ),
    ErrorCode("FILE-ENCODING", _("Filen innehåller tecken som inte är giltig {encoding}. Spara filen som UTF-8.")),
    ErrorCode(
        "FILE-UTF16",
        _(
            "Filen är sparad som UTF-16 ({encoding}). Spara den som UTF-8 (i Excel: Spara som → CSV UTF-8) och "
            "ladda upp igen."
        ),
    ),
    ErrorCode(
        "PROCESSING-FAILED",
        _("Filen kunde inte behandlas färdigt. Felet låg hos hubben, inte i filen: försök igen."),
    ),
    ErrorCode("FILE-UNREADABLE", _("Filen kunde inte läsas.")),
    # XML
    ErrorCode("XML-MALFORMED", _("XML-filen är felaktig på rad {at_line}, kolumn {at_column}: {reason}.")),
    ErrorCode(
        "XML-DOCTYPE",
        _("XML-filen innehåller en DOCTYPE-deklaration. Den är inte tillåten i Peppol-dokument och läses aldrig."),
    ),
    ErrorCode(
        "XML-SCHEMALOCATION",
        _("Dokumentet anger schemaLocation ({value}). Den hämtas aldrig och får inte finnas i Peppol-dokument."),
    ),
    ErrorCode("XML-NOT-CATALOGUE", _("Dokumentet är inte en UBL-katalog (rotelementet är {root}).")),
    ErrorCode("XML-SCHEMA", _("Dokumentet följer inte UBL 2.1-schemat.")),
    ErrorCode("PEPPOL-CUSTOMIZATION", _("CustomizationID är {value!r}; den ska börja med {expected}.")),
    ErrorCode("PEPPOL-PROFILE", _("ProfileID är {value!r}; den ska vara en av {expected}.")),
    ErrorCode("PEPPOL-RULE", _("Peppol-regeln {rule} är inte uppfylld.")),
    ErrorCode("PEPPOL-RULES-FAILED", _("De officiella Peppol-reglerna kunde inte köras.")),
    # The hub's own rules
    ErrorCode(
        "HUB-AGREEMENT-INVALID",
        _("Ramavtalet {agreement} gäller {valid_from}–{valid_to}, inte i dag och inte under katalogens giltighet."),
    ),
    ErrorCode(
        "HUB-PROVIDER-MISMATCH",
        _("Katalogens leverantör ({found}) är inte avtalets leverantör {supplier} ({orgnr})."),
    ),
    ErrorCode(
        "HUB-ORGNR-CHECKDIGIT",
        _("{value} är inte ett giltigt svenskt organisationsnummer (kontrollsiffran stämmer inte)."),
    ),
    ErrorCode("HUB-GTIN-CHECKDIGIT", _("GTIN {value} är ogiltigt (fel längd eller kontrollsiffra).")),
    ErrorCode(
        "HUB-UNIT-UNKNOWN",
        _("Enheten {value!r} finns inte i UN/ECE rekommendation 20 (t.ex. EA, XPK, KGM, LTR)."),
    ),
    ErrorCode("HUB-CURRENCY-UNKNOWN", _("Valutan {value!r} finns inte i ISO 4217 (t.ex. SEK, EUR).")),
    ErrorCode("HUB-PRICE-MISSING", _("Raden saknar pris.")),
    ErrorCode("HUB-NUMBER-INVALID", _("{value!r} är inte ett tal (skriv t.ex. 12,50 eller 1 234,50).")),
    ErrorCode("HUB-NUMBER-NEGATIVE", _("{value} får inte vara negativt.")),
    ErrorCode("HUB-DATE-INVALID", _("{value!r} är inte ett datum (skriv ÅÅÅÅ-MM-DD).")),
    ErrorCode("HUB-DATES-ORDER", _("Slutdatumet {end} ligger före startdatumet {start}.")),
    ErrorCode("HUB-NAME-MISSING", _("Raden saknar benämning.")),
    ErrorCode("HUB-ITEM-ID-MISSING", _("Raden saknar artikelnummer (och GTIN).")),
    ErrorCode("HUB-DUPLICATE-ITEM", _("Artikelnumret {value} förekommer redan på rad {first}.")),
    ErrorCode("HUB-VALUE-TOO-LONG", _("Värdet är för långt ({length} tecken, högst {limit}).")),
    ErrorCode("HUB-LIST-TOO-LONG", _("Fältet har för många värden ({count}, högst {limit}).")),
    ErrorCode(
        "HUB-CONTROL-CHARACTER",
        _("Värdet innehåller ett otillåtet styrtecken ({value}). Ta bort det och ladda upp igen."),
    ),
    ErrorCode(
        "HUB-INVISIBLE-REMOVED",
        _("Osynliga tecken för textriktning eller nollbredd ({value}) togs bort ur värdet."),
    ),
    ErrorCode(
        "HUB-FORMULA-PREFIX",
        _(
            "Värdet börjar med {value} och kan köras som en formel om katalogen öppnas i ett kalkylprogram. Det "
            "sparas som text; börja gärna värdet med något annat tecken."
        ),
    ),
    ErrorCode("HUB-VAT-CATEGORY-UNKNOWN", _("Momskategorin {value!r} är okänd (t.ex. S, Z, E).")),
    ErrorCode("HUB-ACTION-UNKNOWN", _("Åtgärdskoden {value!r} är okänd; tillåtna är {expected}.")),
    ErrorCode("HUB-DELETE-IGNORED", _("Raden tas bort men hela katalogen ersätts ändå; raden ignoreras.")),
    ErrorCode("HUB-UPDATE-UNKNOWN-ITEM", _("Artikeln {value} finns inte i den publicerade katalogen; den läggs till.")),
    ErrorCode(
        "HUB-DELETE-UNKNOWN-ITEM",
        _("Artikeln {value} som ska tas bort finns inte i den publicerade katalogen."),
    ),
    ErrorCode(
        "HUB-CHANGE-UNKNOWN-ITEM",
        _(
            "Raden ska ändra artikeln {value}, men den finns inte i den publicerade katalogen. Rätta artikelnumret, "
            "eller skriv Ny i kolumnen Åtgärd om artikeln är ny."
        ),
    ),
    ErrorCode(
        "HUB-REMOVE-UNKNOWN-ITEM",
        _(
            "Raden ska ta bort artikeln {value}, men den finns inte i den publicerade katalogen. Rätta artikelnumret "
            "eller ta bort raden."
        ),
    ),
    ErrorCode(
        "UPLOAD-MODE-IGNORED",
        _(
            "Läget Uppdatera gäller Excel och CSV. Den här filen anger själv om den ersätter eller uppdaterar "
            "katalogen (för Peppol: ActionCode), och det gäller."
        ),
    ),
    ErrorCode("HUB-NO-LINES", _("Katalogen har inga artikelrader.")),
    ErrorCode("HUB-CLASSIFICATION-INVALID", _("Klassificeringen {value!r} är ogiltig ({scheme}: {expected}).")),
    # Spreadsheets
    ErrorCode(
        "SHEET-FORMULA",
        _("Cellen {cell} innehåller en formel ({value}). Klistra in värden i stället för formler."),
    ),
    ErrorCode(
        "SHEET-MERGED",
        _("Bladet har sammanfogade celler ({cells}). Dela upp dem så att varje rad står för sig."),
    ),
    ErrorCode("SHEET-MISSING-HEADING", _("Kolumnrubriken {heading!r} saknas i rad 1.")),
    ErrorCode("SHEET-UNKNOWN-HEADING", _("Kolumnrubriken {heading!r} känns inte igen; kolumnen läses inte.")),
    ErrorCode("SHEET-DUPLICATE-HEADING", _("Kolumnrubriken {heading!r} förekommer mer än en gång.")),
    ErrorCode(
        "SHEET-DAMAGED",
        _(
            "Excel-filen är skadad och kan inte läsas (en del av filen är trasig eller ofullständig). Öppna den i "
            "Excel, spara den som .xlsx och ladda upp igen."
        ),
    ),
    ErrorCode("SHEET-UNREADABLE", _("Excel-filen kunde inte öppnas. Spara den som .xlsx.")),
    ErrorCode("STANDARDS-MISSING", _("Regelpaketet är inte installerat.")),
    # cXML CIF 3.0 (Ariba Catalog Interchange Format)
    ErrorCode("CIF-VERSION", _("Filen börjar med {value!r}; en CIF-katalog ska börja med CIF_I_V{expected}.")),
    ErrorCode("CIF-HEADER-LINE", _("Huvudraden {value!r} ska ha formen NAMN: värde (eller vara DATA).")),
    ErrorCode("CIF-HEADER-UNKNOWN", _("Huvudfältet {value} är inte ett CIF 3.0-fält; det läses inte.")),
    ErrorCode(
        "CIF-CHARSET-UNKNOWN",
        _("Teckenkodningen CHARSET: {value} känns inte igen (använd t.ex. UTF-8 eller 8859_1)."),
    ),
    ErrorCode("CIF-FIELDNAMES-MISSING", _("Huvudet saknar FIELDNAMES: med fältnamnen, så raderna kan inte läsas.")),
    ErrorCode("CIF-DATA-MISSING", _("Raden DATA som inleder artikelraderna saknas.")),
    ErrorCode(
        "CIF-ENDOFDATA-MISSING",
        _("Raden ENDOFDATA som avslutar artikelraderna saknas; filen kan vara avkortad."),
    ),
    ErrorCode("CIF-ITEMCOUNT", _("ITEMCOUNT anger {expected} artikelrader men filen har {found}.")),
    ErrorCode("CIF-LOADMODE", _("LOADMODE {value!r} är okänt; ange F (fullständig) eller I (inkrementell).")),
    ErrorCode(
        "CIF-UNUOM",
        _(
            "UNUOM: TRUE saknas, så enheterna läses som UN/ECE rek. 20-koder; en enhet som inte är det ger fel på "
            "sin rad. Ange UNUOM: TRUE och UN/ECE-koder (t.ex. EA, XPK, KGM)."
        ),
    ),
    ErrorCode("CIF-FIELD-UNKNOWN", _("Fältnamnet {value!r} i FIELDNAMES är inte ett CIF 3.0-fält.")),
    ErrorCode("CIF-FIELD-MISSING", _("FIELDNAMES saknar det obligatoriska fältet {value!r}.")),
    ErrorCode("CIF-FIELD-IGNORED", _("Fältet {value!r} används inte av hubben; dess värden läses inte.")),
    ErrorCode(
        "CIF-COLUMN-COUNT",
        _("Raden har {found} värden men FIELDNAMES anger {expected} fält (citera värden som innehåller komma)."),
    ),
    ErrorCode(
        "CIF-DELETE-INVALID",
        _("Delete-värdet {value!r} är okänt; ange TRUE för att ta bort artikeln eller lämna tomt."),
    ),
    # BMEcat 2005
    ErrorCode(
        "BMECAT-DOCTYPE",
        _(
            "BMEcat-filen innehåller en DOCTYPE- eller ENTITY-deklaration. Hubben läser aldrig DTD:er; ta bort "
            "den (BMEcat 2005 använder XML Schema)."
        ),
    ),
    ErrorCode("BMECAT-NOT-CATALOGUE", _("Dokumentet är inte en BMEcat-katalog (rotelementet ska vara BMECAT).")),
    ErrorCode(
        "BMECAT-TRANSACTION",
        _("Transaktionen {value} stöds inte; skicka T_NEW_CATALOG (hela katalogen) eller T_UPDATE_PRODUCTS."),
    ),
    ErrorCode(
        "BMECAT-PRICE-TYPE",
        _(
            "Artikeln har inget nettopris (net_customer eller net_list); priset av typen {value} används som pris "
            "exkl. moms."
        ),
    ),
)

CODES: dict[str, ErrorCode] = {c.code: c for c in _CODES}


def _field(issue: Any, name: str) -> Any:
    return issue.get(name) if isinstance(issue, dict) else getattr(issue, name, None)


def _wording_params(params: dict[str, Any]) -> dict[str, Any]:
    shown = {key: value for key, value in params.items() if key != DETAIL}
    if "reason" in shown:
        reason = XML_REASONS.get(shown["reason"])
        shown["reason"] = str(reason) if reason is not None else shown["reason"]
    return shown


def describe_params(code: str, params: dict[str, Any]) -> str:
    """The message for a code and its parameters, in the active language."""
    return str(CODES[code].text).format(**_wording_params(params))


def issue_text(issue: Any) -> str:
    """An issue's message in the active language (an Issue or its stored dict).

    Reports stored before codes and parameters were kept (message_sv / message_en only) are worded
    from the code when the wording needs no parameters, otherwise their stored text in the page's
    language is shown.
    """
    code = _field(issue, "code")
    params = _field(issue, "params")
    if code in CODES:
        # The official rule id is stored with the location; its wording may name it ({rule}).
        rule = {"rule": _field(issue, "rule")} if _field(issue, "rule") else {}
        try:
            return describe_params(code, {**rule, **(params or {})})
        except (KeyError, IndexError, ValueError):
            pass  # an old report without the parameters this wording needs
    english = (translation.get_language() or "sv").startswith("en")
    stored_sv, stored_en = _field(issue, "message_sv"), _field(issue, "message_en")
    if english and stored_en:
        return stored_en
    return stored_sv or stored_en or code or ""


def in_page_language(text: str) -> str:
    """A "svenska / English" text stored before wording moved to display time: the page language's half."""
    swedish, separator, english = text.partition(" / ")
    if separator and (translation.get_language() or "sv").startswith("en"):
        return english
    return swedish


def issue_detail(issue: Any) -> str:
    """Raw technical text (parser, rule engine) kept apart from the message; empty when there is none."""
    params = _field(issue, "params") or {}
    return str(params.get(DETAIL) or "")


def issue_texts(issue: Any) -> dict[str, str]:
    """{"sv": ..., "en": ...}: for the API and the T58 response, which have no page language."""
    texts = {}
    for language in ("sv", "en"):
        with translation.override(language):
            texts[language] = issue_text(issue)
    return texts
