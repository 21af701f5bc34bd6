"""Labels of the dashboard in French and English, and numbers formatted per language.

``t(key, lang)`` returns a label; a missing key is a bug and raises ``KeyError`` (the
unit tests check both languages define the same keys).
"""

from __future__ import annotations

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

LABELS: dict[str, dict[str, str]] = {
    # shell
    "app.title": {"fr": "copil - pilotage de la ligne", "en": "copil - line steering"},
    "nav.weekly": {"fr": "Revue hebdomadaire", "en": "Weekly review"},
    "nav.quarterly": {"fr": "Revue trimestrielle", "en": "Quarterly review"},
    "nav.planning": {"fr": "Planification", "en": "Planning"},
    "nav.data": {"fr": "Données", "en": "Data"},
    "nav.logout": {"fr": "Se déconnecter", "en": "Log out"},
    "nav.signed_in_as": {"fr": "Connecté : {name} ({role})", "en": "Signed in: {name} ({role})"},
    "role.client": {"fr": "client", "en": "client"},
    "role.provider": {"fr": "prestataire", "en": "provider"},
    "role.planner": {"fr": "planificateur", "en": "planner"},
    "role.admin": {"fr": "administrateur", "en": "admin"},
    "login.title": {"fr": "Connexion", "en": "Log in"},
    "login.user": {"fr": "Utilisateur", "en": "User"},
    "login.password": {"fr": "Mot de passe", "en": "Password"},
    "login.submit": {"fr": "Se connecter", "en": "Log in"},
    "login.failed": {"fr": "Utilisateur ou mot de passe incorrect.",
                     "en": "Wrong user name or password."},
    "login.throttled_user": {
        "fr": "Trop d'essais manqués pour ce compte ; réessayez dans {minutes} min.",
        "en": "Too many failed log-ins for this account; try again in {minutes} min."},
    "login.throttled_address": {
        "fr": "Trop d'essais manqués depuis cette adresse ; réessayez dans {minutes} min.",
        "en": "Too many failed log-ins from this address; try again in {minutes} min."},
    "login.busy": {"fr": "Trop de connexions en même temps ; réessayez dans un instant.",
                   "en": "Too many log-ins at once; try again in a moment."},
    "logout.confirm": {"fr": "Se déconnecter de copil ? Toutes vos sessions seront fermées.",
                       "en": "Log out of copil? All your sessions will end."},
    "forbidden": {"fr": "Cette page n'est pas ouverte à votre rôle ({role}).",
                  "en": "This page is not open to your role ({role})."},
    "busy": {"fr": "L'entrepôt est en cours de mise à jour ; réessayez dans un instant.",
             "en": "The warehouse is being updated; try again in a moment."},
    "no_data": {"fr": "Aucune donnée.", "en": "No data."},
    "not_available": {"fr": "Pas encore disponible : {what}.", "en": "Not available yet: {what}."},
    # charts
    "chart.target": {"fr": "objectif", "en": "target"},
    "chart.offered": {"fr": "Présentés", "en": "Offered"},
    "chart.answered": {"fr": "Décrochés", "en": "Answered"},
    "chart.abandoned": {"fr": "Abandonnés", "en": "Abandoned"},
    "axis.week": {"fr": "Semaine (lundi)", "en": "Week (Monday)"},
    "axis.day": {"fr": "Jour", "en": "Day"},
    "axis.halfhour": {"fr": "Demi-heure (heure locale)", "en": "Half hour (local time)"},
    "axis.rate": {"fr": "Taux (%)", "en": "Rate (%)"},
    "axis.seconds": {"fr": "Durée (s)", "en": "Duration (s)"},
    "axis.calls": {"fr": "Appels (nombre)", "en": "Calls (count)"},
    "axis.wait": {"fr": "Attente moyenne avant décroché (s)", "en": "Average speed of answer (s)"},
    "axis.advisors": {"fr": "Conseillers (nombre)", "en": "Advisors (count)"},
    # data page
    "data.title": {"fr": "Santé des données", "en": "Data health"},
    "data.counts": {"fr": "Lignes par table", "en": "Rows per table"},
    "data.freshness": {"fr": "Fraîcheur par source", "en": "Freshness per source"},
    "data.runs": {"fr": "Chargements", "en": "Ingestion runs"},
    "data.quarantine": {"fr": "Lignes en quarantaine", "en": "Quarantined rows"},
    "data.reasons": {"fr": "Motifs de quarantaine", "en": "Quarantine reasons"},
    "data.missing": {"fr": "Jours manquants", "en": "Missing days"},
    "data.no_missing": {"fr": "Aucun jour manquant.", "en": "No missing day."},
    "data.no_quarantine": {"fr": "Aucune ligne en quarantaine.", "en": "No quarantined row."},
    "data.no_runs": {"fr": "Aucun chargement enregistré.", "en": "No ingestion run recorded."},
    "data.missing_kinds": {"fr": "Données absentes de l'entrepôt : {kinds}.",
                           "en": "Data missing from the warehouse: {kinds}."},
    "col.table_name": {"fr": "table", "en": "table"},
    "col.row_count": {"fr": "lignes", "en": "rows"},
    "col.kind": {"fr": "type", "en": "kind"},
    "col.source": {"fr": "source", "en": "source"},
    "col.first_day": {"fr": "premier jour", "en": "first day"},
    "col.last_day": {"fr": "dernier jour", "en": "last day"},
    "col.last_load_at": {"fr": "dernier chargement (UTC)", "en": "last load (UTC)"},
    "col.run_id": {"fr": "n°", "en": "run"},
    "col.file": {"fr": "fichier", "en": "file"},
    "col.profile": {"fr": "profil", "en": "profile"},
    "col.status": {"fr": "statut", "en": "status"},
    "col.started_at": {"fr": "début (UTC)", "en": "started (UTC)"},
    "col.duration_s": {"fr": "durée (s)", "en": "duration (s)"},
    "col.rows_read": {"fr": "lues", "en": "read"},
    "col.rows_loaded": {"fr": "chargées", "en": "loaded"},
    "col.rows_updated": {"fr": "mises à jour", "en": "updated"},
    "col.rows_duplicate": {"fr": "doublons", "en": "duplicates"},
    "col.rows_quarantined": {"fr": "quarantaine", "en": "quarantined"},
    "col.rows_filtered": {"fr": "filtrées", "en": "filtered"},
    "col.line": {"fr": "ligne", "en": "line"},
    "col.column": {"fr": "colonne", "en": "column"},
    "col.value": {"fr": "valeur", "en": "value"},
    "col.reason": {"fr": "motif", "en": "reason"},
    "col.runs": {"fr": "chargements", "en": "runs"},
    "col.day": {"fr": "jour", "en": "day"},
    "col.days": {"fr": "jours", "en": "days"},
    "col.first_missing": {"fr": "premier manquant", "en": "first missing"},
    "col.last_missing": {"fr": "dernier manquant", "en": "last missing"},
    "kind.calls": {"fr": "appels", "en": "calls"},
    "kind.operator": {"fr": "opérateur", "en": "operator"},
    "kind.callbacks": {"fr": "rappels", "en": "callbacks"},
    "kind.campaigns": {"fr": "campagnes", "en": "campaigns"},
    "kind.staffing": {"fr": "effectifs", "en": "staffing"},
}


def t(key: str, lang: str | None, **fields: object) -> str:
    """The label ``key`` in ``lang`` (default French), with ``{fields}`` filled in."""
    text = LABELS[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**fields) if fields else text


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas NA
    except TypeError:  # pd.NA compares to NA, whose truth value is ambiguous
        return True


def fmt_number(value: float | int | None, lang: str | None, decimals: int = 0) -> str:
    """``12345.6`` -> fr ``'12 345,6'`` (narrow no-break space), en ``'12,345.6'``; None -> '-'."""
    if _missing(value):
        return "–"
    text = f"{abs(float(value)):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if lang == "en":
        body = _group(whole, ",") + ("." + frac if frac else "")
    else:
        body = _group(whole, "\u202f") + ("," + frac if frac else "")
    negative = float(value) < 0 and float(text) != 0
    return ("−" if negative and lang != "en" else "-" if negative else "") + body


def fmt_pct(rate: float | None, lang: str | None, decimals: int = 1) -> str:
    """A rate in [0, 1] as a percentage: fr ``'87,5 %'``, en ``'87.5%'``."""
    if _missing(rate):
        return "–"
    body = fmt_number(rate * 100, lang, decimals)
    return body + ("\u00a0%" if lang != "en" else "%")


def fmt_seconds(seconds: float | None, lang: str | None, decimals: int = 0) -> str:
    """A duration in seconds: fr ``'42 s'``, en ``'42 s'`` (number formatted per language)."""
    if _missing(seconds):
        return "–"
    return fmt_number(seconds, lang, decimals) + "\u00a0s"


def plotly_separators(lang: str | None) -> str:
    """Plotly ``layout.separators`` (decimal then thousands) for ``lang``."""
    return ".," if lang == "en" else ", "
