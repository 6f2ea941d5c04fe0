"""Per-language word lists the sentence splitter consults: abbreviations and sentence starters."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSet:
    """What one language knows about periods that do not end sentences."""

    # Titles and Latin shorthands that stand before something: a period after them never ends.
    prefix: frozenset[str]
    # Abbreviations that stand before a number (No. 5, Jan. 3): no boundary when a digit follows;
    # otherwise they count as ordinary words.
    before_number: frozenset[str]
    # Abbreviations that may also close a sentence (etc., Inc., p.m.): a boundary only when the
    # next word is a typical sentence starter (or in a script without case).
    terminal_capable: frozenset[str]
    # Function words that typically open a sentence (capitalised form); Punkt calls them
    # "frequent sentence starters". They disambiguate abbreviations and initials.
    starters: frozenset[str]
    # German writes ordinals as "3. Oktober": a number before a period counts as a possible
    # abbreviation, not as a sentence end.
    dotted_ordinals: bool = False
    # French sets a space before a closing guillemet: « Il est parti. » counts » as a closer.
    spaced_guillemets: bool = False


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LATIN_SHORTHANDS = "e.g i.e cf vs viz al approx ca"

_EN = RuleSet(
    prefix=_words(
        _LATIN_SHORTHANDS
        + " Mr Mrs Ms Messrs Dr Prof Sen Sens Rep Reps Gov Lt Col Gen Maj Capt Cmdr Adm Sgt"
        " Cpl Pvt Rev Hon Pres Supt Insp Atty Amb Mt Ft Sta Ste Mme Mlle Mssrs Fr"
        " Det Vs Cf E.g I.e Approx Ca v"
    ),
    before_number=_words(
        "No Nos no nos Vol vol Vols pp p Fig fig Figs Art art Ch ch Sec sec Sect Ex Tel tel Ph"
        " Pt pt Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Nr"
    ),
    terminal_capable=_words(
        "etc Inc Ltd Co Corp Jr Sr Bros Ave Blvd Rd St Ct Ln Hwy Dept Univ Assn Intl Mfg"
        " Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun a.m p.m A.M P.M"
    ),
    starters=_words(
        "The A An This That These Those It He She They We I You His Her Its Their Our My Your"
        " There Here But And Or So Yet Nor However Meanwhile Also Still Then Now Thus Instead"
        " Moreover Furthermore Nevertheless Although Though Since Because While When Whenever"
        " Where What Who Whom Whose Why How Which If Unless As At In On Of For From With By To"
        " Into After Before During Under Over Despite According Some Many Most Much All Both"
        " Each Every Several Few No None Neither Either One Two Three Other Another Such"
        " Earlier Later Last Next Yesterday Today Tomorrow Officials Police Authorities"
    ),
)

_FR = RuleSet(
    prefix=_words(
        _LATIN_SHORTHANDS
        + " M MM Mme Mmes Mlle Mlles Me Mgr Dr Pr St Ste c.-à-d p.ex Cf env cf réf Réf"
        " av apr Av Apr"
    ),
    before_number=_words("p pp vol Vol art Art chap ch fig Fig éd no No n°"),
    terminal_capable=_words(
        "etc J.-C bd Bd cie Cie Inc Ltd Co S.A SA Jr janv févr avr juil sept oct nov déc"
    ),
    starters=_words(
        "Le La Les L Un Une Des De Du Ce Cet Cette Ces Il Elle Ils Elles On Nous Vous Je Tu"
        " Son Sa Ses Leur Leurs Mon Ma Mes Notre Nos Votre Vos Mais Et Ou Donc Or Ni Car"
        " Puis Alors Ainsi Cependant Pourtant Toutefois Néanmoins Enfin Ensuite En Dans Pour"
        " Par Sur Sous Avec Sans Selon Après Avant Depuis Pendant Lors Quand Lorsque Si Comme"
        " Aujourd Hier Demain Qui Que Quoi Où Pourquoi Comment Tous Toutes Tout Chaque Plusieurs"
        " Certains Certaines Aucun Aucune C Cela Ceci Ça Au Aux À Y"
    ),
    spaced_guillemets=True,
)

_DE = RuleSet(
    prefix=_words(
        _LATIN_SHORTHANDS
        + " z.B z.T z.Zt u.a u.ä o.ä d.h s.o s.u u.U i.d.R i.A bzw vgl sog ggf evtl inkl"
        " exkl zzgl gem lt geb verh Hr Hrn Fr Frl Dr Prof Dipl Ing Mag St Sr Z.B Vgl Bzw Ggf"
    ),
    before_number=_words(
        "Nr nr Bd Bde S Abs Art Kap Jan Feb Febr Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez Tel"
    ),
    terminal_capable=_words(
        "usw etc Mio Mrd Tsd Jh Jhd Jhdt Chr v.Chr n.Chr Str Co Inc Ltd GmbH u.v.m o.Ä u.Ä"
    ),
    starters=_words(
        "Der Die Das Den Dem Des Ein Eine Einen Einem Einer Er Sie Es Wir Ich Ihr Du Man"
        " Aber Und Oder Doch Denn Dann Danach Daher Deshalb Damit Dabei Dazu Davor Zudem"
        " Außerdem Auch Allerdings Jedoch Trotzdem Somit Also Nun Jetzt Heute Gestern Morgen"
        " Im In Am An Auf Aus Bei Mit Nach Seit Vor Für Von Zum Zur Über Unter Gegen Ohne"
        " Als Wenn Weil Obwohl Während Nachdem Bevor Dass Dies Diese Dieser Dieses Diesen"
        " Wie Was Wer Wo Warum Welche Welcher Welches So Sein Seine Ihre Unser Unsere"
        " Laut Alle Viele Einige Mehrere Kein Keine"
    ),
    dotted_ordinals=True,
)

_AR = RuleSet(
    # د. (doctor) and أ. (professor) stand before names; أ.د is "Prof. Dr.".
    prefix=_words(_LATIN_SHORTHANDS + " د أ أ.د Mr Mrs Ms Dr Prof"),
    # ص. (page), ج. (volume), ط. (edition), ت. (telephone), ص.ب (P.O. box), رقم‎-style labels.
    before_number=_words("ص ج ط ت ص.ب No p pp"),
    terminal_capable=_words("etc Inc Ltd Co Corp Jr Sr a.m p.m"),
    starters=frozenset(),
)

_GENERIC = RuleSet(
    prefix=_words(_LATIN_SHORTHANDS + " Mr Mrs Ms Dr Prof"),
    before_number=_words("No Nr p pp"),
    terminal_capable=_words("etc Inc Ltd Co Corp"),
    starters=frozenset(),
)

RULES: dict[str, RuleSet] = {"en": _EN, "fr": _FR, "de": _DE, "ar": _AR}


def rules_for(lang: str) -> RuleSet:
    """Return the rules for a language code (primary subtag); unknown codes get a generic set."""
    primary = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return RULES.get(primary, _GENERIC)
