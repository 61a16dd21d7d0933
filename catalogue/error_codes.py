"""Error codes for catalogue intake, each with a Swedish and an English message.

Codes are stable (the portal, the API and the T58 response show them); the texts may improve.
Placeholders use str.format names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: str
    sv: str
    en: str


_CODES = (
    # The file as a whole
    ErrorCode("FILE-EMPTY", "Filen är tom.", "The file is empty."),
    ErrorCode(
        "FILE-TOO-LARGE",
        "Filen är för stor ({size} byte); största tillåtna storlek är {limit} byte.",
        "The file is too large ({size} bytes); the largest allowed size is {limit} bytes.",
    ),
    ErrorCode(
        "FILE-UNKNOWN-FORMAT",
        "Filformatet känns inte igen. Ladda upp Peppol BIS Catalogue 3 (XML), BMEcat 2005 (XML), Excel (.xlsx), "
        "CSV eller cXML CIF 3.0 (.cif).",
        "The file format is not recognised. Upload Peppol BIS Catalogue 3 (XML), BMEcat 2005 (XML), Excel (.xlsx), "
        "CSV or cXML CIF 3.0 (.cif).",
    ),
    ErrorCode(
        "FILE-ENCODING",
        "Filen innehåller tecken som inte är giltig {encoding} ({detail}). Spara filen som UTF-8.",
        "The file contains characters that are not valid {encoding} ({detail}). Save the file as UTF-8.",
    ),
    ErrorCode(
        "FILE-UTF16",
        "Filen är sparad som UTF-16 ({encoding}). Spara den som UTF-8 (i Excel: Spara som → CSV UTF-8) och "
        "ladda upp igen.",
        "The file is saved as UTF-16 ({encoding}). Save it as UTF-8 (in Excel: Save As → CSV UTF-8) and "
        "upload it again.",
    ),
    ErrorCode(
        "PROCESSING-FAILED",
        "Filen kunde inte behandlas färdigt. Felet låg hos hubben, inte i filen: försök igen.",
        "The file could not be processed to the end. The fault was the hub's, not the file's: try again.",
    ),
    ErrorCode(
        "FILE-UNREADABLE",
        "Filen kunde inte läsas: {detail}",
        "The file could not be read: {detail}",
    ),
    # XML
    ErrorCode(
        "XML-MALFORMED",
        "XML-filen är felaktig på rad {at_line}, kolumn {at_column}: {reason_sv}.",
        "The XML file is malformed at line {at_line}, column {at_column}: {reason_en}.",
    ),
    ErrorCode(
        "XML-DOCTYPE",
        "XML-filen innehåller en DOCTYPE-deklaration. Den är inte tillåten i Peppol-dokument och läses aldrig.",
        "The XML file contains a DOCTYPE declaration. It is not allowed in Peppol documents and is never read.",
    ),
    ErrorCode(
        "XML-SCHEMALOCATION",
        "Dokumentet anger schemaLocation ({value}). Den hämtas aldrig och får inte finnas i Peppol-dokument.",
        "The document gives a schemaLocation ({value}). It is never fetched and must not be in Peppol documents.",
    ),
    ErrorCode(
        "XML-NOT-CATALOGUE",
        "Dokumentet är inte en UBL-katalog (rotelementet är {root}).",
        "The document is not a UBL Catalogue (the root element is {root}).",
    ),
    ErrorCode(
        "XML-SCHEMA",
        "Dokumentet följer inte UBL 2.1-schemat: {detail}",
        "The document does not follow the UBL 2.1 schema: {detail}",
    ),
    ErrorCode(
        "PEPPOL-CUSTOMIZATION",
        "CustomizationID är {value!r}; den ska börja med {expected}.",
        "CustomizationID is {value!r}; it must start with {expected}.",
    ),
    ErrorCode(
        "PEPPOL-PROFILE",
        "ProfileID är {value!r}; den ska vara en av {expected}.",
        "ProfileID is {value!r}; it must be one of {expected}.",
    ),
    ErrorCode(
        "PEPPOL-RULE",
        "Peppol-regeln {rule} är inte uppfylld: {text}",
        "The Peppol rule {rule} is not met: {text}",
    ),
    ErrorCode(
        "PEPPOL-RULES-FAILED",
        "De officiella Peppol-reglerna kunde inte köras: {detail}",
        "The official Peppol rules could not be run: {detail}",
    ),
    # The hub's own rules
    ErrorCode(
        "HUB-AGREEMENT-INVALID",
        "Ramavtalet {agreement} gäller {valid_from}–{valid_to}, inte i dag och inte under katalogens giltighet.",
        "The framework agreement {agreement} is valid {valid_from}–{valid_to}, neither today nor during the "
        "catalogue's validity.",
    ),
    ErrorCode(
        "HUB-PROVIDER-MISMATCH",
        "Katalogens leverantör ({found}) är inte avtalets leverantör {supplier} ({orgnr}).",
        "The catalogue's provider ({found}) is not the agreement's supplier {supplier} ({orgnr}).",
    ),
    ErrorCode(
        "HUB-ORGNR-CHECKDIGIT",
        "{value} är inte ett giltigt svenskt organisationsnummer (kontrollsiffran stämmer inte).",
        "{value} is not a valid Swedish organisation number (the check digit is wrong).",
    ),
    ErrorCode(
        "HUB-GTIN-CHECKDIGIT",
        "GTIN {value} är ogiltigt (fel längd eller kontrollsiffra).",
        "GTIN {value} is invalid (wrong length or check digit).",
    ),
    ErrorCode(
        "HUB-UNIT-UNKNOWN",
        "Enheten {value!r} finns inte i UN/ECE rekommendation 20 (t.ex. EA, XPK, KGM, LTR).",
        "The unit {value!r} is not in UN/ECE Recommendation 20 (e.g. EA, XPK, KGM, LTR).",
    ),
    ErrorCode(
        "HUB-CURRENCY-UNKNOWN",
        "Valutan {value!r} finns inte i ISO 4217 (t.ex. SEK, EUR).",
        "The currency {value!r} is not in ISO 4217 (e.g. SEK, EUR).",
    ),
    ErrorCode("HUB-PRICE-MISSING", "Raden saknar pris.", "The line has no price."),
    ErrorCode(
        "HUB-NUMBER-INVALID",
        "{value!r} är inte ett tal (skriv t.ex. 12,50 eller 1 234,50).",
        "{value!r} is not a number (write e.g. 12.50 or 1 234,50).",
    ),
    ErrorCode(
        "HUB-NUMBER-NEGATIVE",
        "{value} får inte vara negativt.",
        "{value} must not be negative.",
    ),
    ErrorCode(
        "HUB-DATE-INVALID",
        "{value!r} är inte ett datum (skriv ÅÅÅÅ-MM-DD).",
        "{value!r} is not a date (write YYYY-MM-DD).",
    ),
    ErrorCode(
        "HUB-DATES-ORDER",
        "Slutdatumet {end} ligger före startdatumet {start}.",
        "The end date {end} is before the start date {start}.",
    ),
    ErrorCode("HUB-NAME-MISSING", "Raden saknar benämning.", "The line has no item name."),
    ErrorCode(
        "HUB-ITEM-ID-MISSING",
        "Raden saknar artikelnummer (och GTIN).",
        "The line has no seller's item ID (nor a GTIN).",
    ),
    ErrorCode(
        "HUB-DUPLICATE-ITEM",
        "Artikelnumret {value} förekommer redan på rad {first}.",
        "The item ID {value} already appears on line {first}.",
    ),
    ErrorCode(
        "HUB-VALUE-TOO-LONG",
        "Värdet är för långt ({length} tecken, högst {limit}).",
        "The value is too long ({length} characters, at most {limit}).",
    ),
    ErrorCode(
        "HUB-LIST-TOO-LONG",
        "Fältet har för många värden ({count}, högst {limit}).",
        "The field has too many values ({count}, at most {limit}).",
    ),
    ErrorCode(
        "HUB-CONTROL-CHARACTER",
        "Värdet innehåller ett otillåtet styrtecken ({value}). Ta bort det och ladda upp igen.",
        "The value contains a forbidden control character ({value}). Remove it and upload again.",
    ),
    ErrorCode(
        "HUB-INVISIBLE-REMOVED",
        "Osynliga tecken för textriktning eller nollbredd ({value}) togs bort ur värdet.",
        "Invisible text-direction or zero-width characters ({value}) were removed from the value.",
    ),
    ErrorCode(
        "HUB-FORMULA-PREFIX",
        "Värdet börjar med {value} och kan köras som en formel om katalogen öppnas i ett kalkylprogram. "
        "Det sparas som text; börja gärna värdet med något annat tecken.",
        "The value starts with {value} and may run as a formula if the catalogue is opened in a spreadsheet. "
        "It is stored as text; preferably start the value with another character.",
    ),
    ErrorCode(
        "HUB-VAT-CATEGORY-UNKNOWN",
        "Momskategorin {value!r} är okänd (t.ex. S, Z, E).",
        "The VAT category {value!r} is unknown (e.g. S, Z, E).",
    ),
    ErrorCode(
        "HUB-ACTION-UNKNOWN",
        "Åtgärdskoden {value!r} är okänd; tillåtna är {expected}.",
        "The action code {value!r} is unknown; allowed are {expected}.",
    ),
    ErrorCode(
        "HUB-DELETE-IGNORED",
        "Raden tas bort men hela katalogen ersätts ändå; raden ignoreras.",
        "The line is deleted but the whole catalogue is replaced anyway; the line is ignored.",
    ),
    ErrorCode(
        "HUB-UPDATE-UNKNOWN-ITEM",
        "Artikeln {value} finns inte i den publicerade katalogen; den läggs till.",
        "The item {value} is not in the published catalogue; it is added.",
    ),
    ErrorCode(
        "HUB-DELETE-UNKNOWN-ITEM",
        "Artikeln {value} som ska tas bort finns inte i den publicerade katalogen.",
        "The item {value} to be deleted is not in the published catalogue.",
    ),
    ErrorCode(
        "HUB-CHANGE-UNKNOWN-ITEM",
        "Raden ska ändra artikeln {value}, men den finns inte i den publicerade katalogen. Rätta artikelnumret, "
        "eller skriv Ny i kolumnen Åtgärd om artikeln är ny.",
        "The row is to update the item {value}, but it is not in the published catalogue. Correct the item ID, "
        "or write Add in the Action column if the item is new.",
    ),
    ErrorCode(
        "HUB-REMOVE-UNKNOWN-ITEM",
        "Raden ska ta bort artikeln {value}, men den finns inte i den publicerade katalogen. Rätta artikelnumret "
        "eller ta bort raden.",
        "The row is to delete the item {value}, but it is not in the published catalogue. Correct the item ID "
        "or remove the row.",
    ),
    ErrorCode(
        "UPLOAD-MODE-IGNORED",
        "Läget Uppdatera gäller Excel och CSV. Den här filen anger själv om den ersätter eller uppdaterar "
        "katalogen (för Peppol: ActionCode), och det gäller.",
        "Update mode applies to Excel and CSV. This file states itself whether it replaces or updates the "
        "catalogue (for Peppol: ActionCode), and that applies.",
    ),
    ErrorCode("HUB-NO-LINES", "Katalogen har inga artikelrader.", "The catalogue has no item lines."),
    ErrorCode(
        "HUB-CLASSIFICATION-INVALID",
        "Klassificeringen {value!r} är ogiltig ({scheme}: {expected}).",
        "The classification {value!r} is invalid ({scheme}: {expected}).",
    ),
    # Spreadsheets
    ErrorCode(
        "SHEET-FORMULA",
        "Cellen {cell} innehåller en formel ({value}). Klistra in värden i stället för formler.",
        "The cell {cell} contains a formula ({value}). Paste values instead of formulas.",
    ),
    ErrorCode(
        "SHEET-MERGED",
        "Bladet har sammanfogade celler ({cells}). Dela upp dem så att varje rad står för sig.",
        "The sheet has merged cells ({cells}). Unmerge them so that every row stands alone.",
    ),
    ErrorCode(
        "SHEET-MISSING-HEADING",
        "Kolumnrubriken {heading!r} saknas i rad 1.",
        "The column heading {heading!r} is missing from row 1.",
    ),
    ErrorCode(
        "SHEET-UNKNOWN-HEADING",
        "Kolumnrubriken {heading!r} känns inte igen; kolumnen läses inte.",
        "The column heading {heading!r} is not recognised; the column is not read.",
    ),
    ErrorCode(
        "SHEET-DUPLICATE-HEADING",
        "Kolumnrubriken {heading!r} förekommer mer än en gång.",
        "The column heading {heading!r} appears more than once.",
    ),
    ErrorCode(
        "SHEET-DAMAGED",
        "Excel-filen är skadad och kan inte läsas (en del av filen är trasig eller ofullständig). "
        "Öppna den i Excel, spara den som .xlsx och ladda upp igen.",
        "The Excel file is damaged and cannot be read (part of the file is broken or incomplete). "
        "Open it in Excel, save it as .xlsx and upload it again.",
    ),
    ErrorCode(
        "SHEET-UNREADABLE",
        "Excel-filen kunde inte öppnas ({detail}). Spara den som .xlsx.",
        "The Excel file could not be opened ({detail}). Save it as .xlsx.",
    ),
    ErrorCode(
        "STANDARDS-MISSING",
        "Regelpaketet är inte installerat: {detail}",
        "The rule package is not installed: {detail}",
    ),
    # cXML CIF 3.0 (Ariba Catalog Interchange Format)
    ErrorCode(
        "CIF-VERSION",
        "Filen börjar med {value!r}; en CIF-katalog ska börja med CIF_I_V{expected}.",
        "The file starts with {value!r}; a CIF catalogue must start with CIF_I_V{expected}.",
    ),
    ErrorCode(
        "CIF-HEADER-LINE",
        "Huvudraden {value!r} ska ha formen NAMN: värde (eller vara DATA).",
        "The header line {value!r} must have the form NAME: value (or be DATA).",
    ),
    ErrorCode(
        "CIF-HEADER-UNKNOWN",
        "Huvudfältet {value} är inte ett CIF 3.0-fält; det läses inte.",
        "The header field {value} is not a CIF 3.0 field; it is not read.",
    ),
    ErrorCode(
        "CIF-CHARSET-UNKNOWN",
        "Teckenkodningen CHARSET: {value} känns inte igen (använd t.ex. UTF-8 eller 8859_1).",
        "The character set CHARSET: {value} is not recognised (use e.g. UTF-8 or 8859_1).",
    ),
    ErrorCode(
        "CIF-FIELDNAMES-MISSING",
        "Huvudet saknar FIELDNAMES: med fältnamnen, så raderna kan inte läsas.",
        "The header has no FIELDNAMES: with the field names, so the rows cannot be read.",
    ),
    ErrorCode(
        "CIF-DATA-MISSING",
        "Raden DATA som inleder artikelraderna saknas.",
        "The line DATA that starts the item rows is missing.",
    ),
    ErrorCode(
        "CIF-ENDOFDATA-MISSING",
        "Raden ENDOFDATA som avslutar artikelraderna saknas; filen kan vara avkortad.",
        "The line ENDOFDATA that ends the item rows is missing; the file may be cut short.",
    ),
    ErrorCode(
        "CIF-ITEMCOUNT",
        "ITEMCOUNT anger {expected} artikelrader men filen har {found}.",
        "ITEMCOUNT gives {expected} item rows but the file has {found}.",
    ),
    ErrorCode(
        "CIF-LOADMODE",
        "LOADMODE {value!r} är okänt; ange F (fullständig) eller I (inkrementell).",
        "LOADMODE {value!r} is unknown; give F (full) or I (incremental).",
    ),
    ErrorCode(
        "CIF-UNUOM",
        "UNUOM: TRUE saknas, så enheterna läses som UN/ECE rek. 20-koder; en enhet som inte är det ger fel på "
        "sin rad. Ange UNUOM: TRUE och UN/ECE-koder (t.ex. EA, XPK, KGM).",
        "UNUOM: TRUE is missing, so the units are read as UN/ECE Rec 20 codes; a unit that is not one gives an "
        "error on its line. Give UNUOM: TRUE and UN/ECE codes (e.g. EA, XPK, KGM).",
    ),
    ErrorCode(
        "CIF-FIELD-UNKNOWN",
        "Fältnamnet {value!r} i FIELDNAMES är inte ett CIF 3.0-fält.",
        "The field name {value!r} in FIELDNAMES is not a CIF 3.0 field.",
    ),
    ErrorCode(
        "CIF-FIELD-MISSING",
        "FIELDNAMES saknar det obligatoriska fältet {value!r}.",
        "FIELDNAMES lacks the required field {value!r}.",
    ),
    ErrorCode(
        "CIF-FIELD-IGNORED",
        "Fältet {value!r} används inte av hubben; dess värden läses inte.",
        "The field {value!r} is not used by the hub; its values are not read.",
    ),
    ErrorCode(
        "CIF-COLUMN-COUNT",
        "Raden har {found} värden men FIELDNAMES anger {expected} fält (citera värden som innehåller komma).",
        "The row has {found} values but FIELDNAMES names {expected} fields (quote values that contain a comma).",
    ),
    ErrorCode(
        "CIF-DELETE-INVALID",
        "Delete-värdet {value!r} är okänt; ange TRUE för att ta bort artikeln eller lämna tomt.",
        "The Delete value {value!r} is unknown; give TRUE to delete the item or leave it empty.",
    ),
    # BMEcat 2005
    ErrorCode(
        "BMECAT-DOCTYPE",
        "BMEcat-filen innehåller en DOCTYPE- eller ENTITY-deklaration. Hubben läser aldrig DTD:er; ta bort den "
        "(BMEcat 2005 använder XML Schema).",
        "The BMEcat file contains a DOCTYPE or ENTITY declaration. The hub never reads DTDs; remove it "
        "(BMEcat 2005 uses XML Schema).",
    ),
    ErrorCode(
        "BMECAT-NOT-CATALOGUE",
        "Dokumentet är inte en BMEcat-katalog (rotelementet ska vara BMECAT).",
        "The document is not a BMEcat catalogue (the root element must be BMECAT).",
    ),
    ErrorCode(
        "BMECAT-TRANSACTION",
        "Transaktionen {value} stöds inte; skicka T_NEW_CATALOG (hela katalogen) eller T_UPDATE_PRODUCTS.",
        "The transaction {value} is not supported; send T_NEW_CATALOG (the whole catalogue) or T_UPDATE_PRODUCTS.",
    ),
    ErrorCode(
        "BMECAT-PRICE-TYPE",
        "Artikeln har inget nettopris (net_customer eller net_list); priset av typen {value} används som "
        "pris exkl. moms.",
        "The product has no net price (net_customer or net_list); the price of type {value} is used as the "
        "price excl. VAT.",
    ),
)

CODES: dict[str, ErrorCode] = {c.code: c for c in _CODES}


def describe(code: str, **params: object) -> tuple[str, str]:
    """(Swedish, English) message for a code."""
    entry = CODES[code]
    return entry.sv.format(**params), entry.en.format(**params)
