"""The one home of French and English output: number formats and the text catalog.

Every page, report and command formats numbers and looks up words here, so the same
figure reads the same everywhere. Metric labels and a metric's unit live in
:mod:`analytics.metrics`, which formats through this module.

French: narrow no-break space (U+202F) between thousands, decimal comma, a no-break
space (U+00A0) before ``%`` and ``s``, minus sign U+2212: ``−1 234,5``, ``87,5 %``.
English: ``-1,234.5``, ``87.5%``. A value that rounds to zero never shows a sign
(``-0.004`` -> ``0,0``). A missing value (None, NaN, pandas NA) prints :data:`MISSING`.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["LANGS", "DEFAULT_LANG", "MISSING", "TEXTS", "check_lang", "is_missing", "t",
           "fmt_number", "fmt_int", "fmt_rate", "fmt_seconds", "fmt_date", "day_name",
           "month_name", "plotly_separators"]

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
MISSING = "–"            # en dash: no value (empty period, unknown)
MINUS = "\u2212"         # French minus sign
NNBSP = "\u202f"         # French thousands separator (narrow no-break space)
NBSP = "\u00a0"          # before a unit: 87,5 %, 42 s


def check_lang(lang: str | None) -> str:
    """``lang`` when supported, the default (French) for None; else a ValueError."""
    if lang is None:
        return DEFAULT_LANG
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not supported; use fr or en")
    return lang


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA (values shown as :data:`MISSING`)."""
    if value is None:
        return True
    try:
        return bool(value != value)   # NaN, NaT
    except TypeError:                 # pandas NA: its truth value is ambiguous
        return True


def _group(digits: str, sep: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sep.join(groups)


def fmt_number(value: float | int | None, lang: str | None = "fr", decimals: int = 0, *,
               signed: bool = False) -> str:
    """A number with the language's separators.

    ``-1234.5`` -> fr ``'−1 234,5'`` (U+2212, U+202F), en ``'-1,234.5'`` (``decimals=1``).
    A value that rounds to zero prints unsigned (``-0.004`` -> ``'0,0'``); ``signed``
    adds ``+`` before a positive value (week-on-week changes).
    """
    lang = check_lang(lang)
    if is_missing(value):
        return MISSING
    number = float(value)
    text = f"{abs(number):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if lang == "en":
        body = _group(whole, ",") + ("." + frac if frac else "")
    else:
        body = _group(whole, NNBSP) + ("," + frac if frac else "")
    nonzero = any(c not in "0." for c in text)
    if number < 0 and nonzero:
        return ("-" if lang == "en" else MINUS) + body
    if signed and number > 0 and nonzero:
        return "+" + body
    return body


def fmt_int(value: float | int | None, lang: str | None = "fr") -> str:
    """A count: no decimals, thousands separated (``231 456`` / ``231,456``)."""
    return fmt_number(value, lang, 0)


def fmt_rate(value: float | None, lang: str | None = "fr", decimals: int = 1, *,
             signed: bool = False) -> str:
    """A fraction as a percentage: ``0.875`` -> fr ``'87,5 %'`` (U+00A0), en ``'87.5%'``."""
    lang = check_lang(lang)
    if is_missing(value):
        return MISSING
    body = fmt_number(100 * float(value), lang, decimals, signed=signed)
    return body + (f"{NBSP}%" if lang == "fr" else "%")


def fmt_seconds(value: float | None, lang: str | None = "fr", decimals: int = 0, *,
                signed: bool = False) -> str:
    """A duration in seconds with its unit: ``42.4`` -> ``'42 s'`` (U+00A0) in both languages."""
    if is_missing(value):
        check_lang(lang)
        return MISSING
    return f"{fmt_number(value, lang, decimals, signed=signed)}{NBSP}s"


def fmt_date(value: dt.date, lang: str | None = "fr") -> str:
    """``2026-03-02`` -> fr ``'02/03/2026'``, en ``'2026-03-02'`` (ISO)."""
    lang = check_lang(lang)
    if is_missing(value):
        return MISSING
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


_DAYS = {"fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
         "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
_MONTHS = {"fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                  "oct.", "nov.", "déc."),
           "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")}


def day_name(day: dt.date, lang: str | None = "fr") -> str:
    """A day with its weekday: ``2026-03-02`` -> fr ``'lun. 02/03'``, en ``'Mon 03-02'``."""
    lang = check_lang(lang)
    if isinstance(day, dt.datetime):
        day = day.date()
    if lang == "fr":
        return f"{_DAYS['fr'][day.weekday()]} {day:%d/%m}"
    return f"{_DAYS['en'][day.weekday()]} {day:%m-%d}"


def month_name(month: int, lang: str | None = "fr") -> str:
    """Short month name of month ``1``-``12``: fr ``'janv.'``, en ``'Jan'``."""
    return _MONTHS[check_lang(lang)][month - 1]


def plotly_separators(lang: str | None) -> str:
    """Plotly ``layout.separators`` (decimal, then thousands) matching :func:`fmt_number`."""
    return ".," if check_lang(lang) == "en" else "," + NNBSP


def catalog_text(catalog: dict[str, dict[str, str]], key: str, lang: str | None) -> str:
    """The text ``key`` of a page's own catalog (``{key: {"fr": ..., "en": ...}}``) in
    ``lang`` (None: French)."""
    return catalog[key][check_lang(lang)]


def t(key: str, lang: str | None, **fields: object) -> str:
    """The text ``key`` in ``lang`` (None: French) with ``{fields}`` filled in.

    An unknown key is a bug: ``KeyError`` naming it (the tests check that every key has
    both languages).
    """
    lang = check_lang(lang)
    try:
        text = TEXTS[key][lang]
    except KeyError:
        raise KeyError(f"no text {key!r} in analytics.i18n.TEXTS; add it in fr and en") from None
    return text.format(**fields) if fields else text


# The text catalog: dashboard shell, charts and data page (dotted keys), then the reports
# (flat keys). Words shared by pages and reports (target status, action owner and status)
# are here once. Metric names are not: see analytics.metrics.
TEXTS: dict[str, dict[str, str]] = {
    # -- dashboard shell
    "app.title": {"fr": "copil - pilotage de la ligne", "en": "copil - line steering"},
    "nav.weekly": {"fr": "Revue hebdomadaire", "en": "Weekly review"},
    "nav.quarterly": {"fr": "Revue trimestrielle", "en": "Quarterly review"},
    "nav.planning": {"fr": "Planification", "en": "Planning"},
    "nav.intraday": {"fr": "Journée en cours", "en": "Intraday"},
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
    # -- target status, action owner and status (pages and reports)
    "status.met": {"fr": "atteint", "en": "met"},
    "status.missed": {"fr": "manqué", "en": "missed"},
    "status.no_data": {"fr": "sans données", "en": "no data"},
    "owner.client": {"fr": "client", "en": "client"},
    "owner.provider": {"fr": "prestataire", "en": "provider"},
    "action.open": {"fr": "ouverte", "en": "open"},
    "action.done": {"fr": "faite", "en": "done"},
    "action.dropped": {"fr": "abandonnée", "en": "dropped"},
    # -- chart and axis titles
    "chart.target": {"fr": "objectif", "en": "target"},
    "axis.week": {"fr": "Semaine (lundi)", "en": "Week (Monday)"},
    "axis.day": {"fr": "Jour", "en": "Day"},
    "axis.halfhour": {"fr": "Demi-heure (heure locale)", "en": "Half hour (local time)"},
    "axis.rate": {"fr": "Taux (%)", "en": "Rate (%)"},
    "axis.seconds": {"fr": "Durée (s)", "en": "Duration (s)"},
    "axis.calls": {"fr": "Appels (nombre)", "en": "Calls (count)"},
    "axis.advisors": {"fr": "Conseillers (nombre)", "en": "Advisors (count)"},
    # -- data page
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
    "data.calendar": {"fr": "Calendrier de la ligne : {text}", "en": "Line calendar: {text}"},
    "data.as_of": {"fr": "Contrôle du {day} : données attendues jusqu'au dernier jour ouvert "
                         "précédent.",
                   "en": "Check of {day}: data expected up to the last open day before."},
    "data.ok": {"fr": "Toutes les sources sont à jour et complètes.",
                "en": "Every source is fresh and complete."},
    "data.problems": {"fr": "{n} source(s) en retard ou incomplète(s).",
                      "en": "{n} source(s) stale or incomplete."},
    "data.status.ok": {"fr": "ok", "en": "ok"},
    "data.status.stale": {"fr": "en retard", "en": "stale"},
    "data.status.missing days": {"fr": "jours manquants", "en": "missing days"},
    "data.status.stale, missing days": {"fr": "en retard, jours manquants",
                                        "en": "stale, missing days"},
    "data.status.empty": {"fr": "vide", "en": "empty"},
    "col.expected_through": {"fr": "attendu jusqu'au", "en": "expected through"},
    "col.stale": {"fr": "en retard", "en": "stale"},
    "col.missing_days": {"fr": "jours manquants", "en": "missing days"},
    "col.quarantined": {"fr": "en quarantaine", "en": "quarantined"},
    "col.top_reason": {"fr": "motif principal", "en": "main reason"},
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
    "col.rows_grouped": {"fr": "regroupées", "en": "grouped"},
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
    # -- reports
    "weekly_title": {"fr": "Comité de suivi hebdomadaire", "en": "Weekly service review"},
    "quarterly_title": {"fr": "Comité de pilotage trimestriel", "en": "Quarterly steering report"},
    "week": {"fr": "Semaine", "en": "Week"},
    "quarter": {"fr": "Trimestre", "en": "Quarter"},
    "generated": {"fr": "Généré le", "en": "Generated on"},
    "time_zone": {"fr": "fuseau horaire", "en": "time zone"},
    "headline": {"fr": "Indicateurs clés et objectifs", "en": "Headline KPIs vs targets"},
    "indicator": {"fr": "Indicateur", "en": "Indicator"},
    "target": {"fr": "Objectif", "en": "Target"},
    "actual": {"fr": "Réalisé", "en": "Actual"},
    "previous_week": {"fr": "Semaine préc.", "en": "Previous week"},
    "status": {"fr": "Statut", "en": "Status"},
    "trend": {"fr": "Tendance sur 13 semaines", "en": "13-week trend"},
    "volumes": {"fr": "Volumes et qualité de service", "en": "Volumes and service quality"},
    "daily_profile": {"fr": "Profil journalier", "en": "Daily profile"},
    "intraday_profile": {"fr": "Profil intrajournalier (semaine cumulée, par demi-heure)",
                         "en": "Intraday profile (whole week, per half hour)"},
    "gaps": {"fr": "Écarts de la semaine", "en": "The week's gaps"},
    "no_gaps": {"fr": "Aucun objectif manqué cette semaine.", "en": "No target missed this week."},
    "no_targets": {"fr": "Le contrat ne fixe pas d'objectif.", "en": "The contract sets no target."},
    "days_behind": {"fr": "Jours en écart", "en": "Days that missed"},
    "worst_abandon": {"fr": "Intervalles les plus abandonnistes",
                      "en": "Intervals with most abandons"},
    "worst_wait": {"fr": "Intervalles à plus forte attente", "en": "Intervals with most waiting"},
    "shortfall": {"fr": "écart", "en": "shortfall"},
    "attribution": {"fr": "Pourquoi les objectifs sont manqués",
                    "en": "Why the targets were missed"},
    "attr.gap": {"fr": "Écart", "en": "Gap"},
    "attr.forecast_error": {"fr": "Erreur de prévision", "en": "Forecast error"},
    "attr.aht_drift": {"fr": "Dérive de la DMT", "en": "Handle-time drift"},
    "attr.staffing_gap": {"fr": "Écart d'effectif", "en": "Staffing gap"},
    "attr.remainder": {"fr": "Reste inexpliqué", "en": "Unexplained"},
    "attr.interval": {"fr": "Demi-heure", "en": "Half hour"},
    "attr.calls": {"fr": "Appels", "en": "Calls"},
    "attr_intervals": {"fr": "Demi-heures en défaut qui pèsent le plus (écart × appels)",
                       "en": "Half hours that missed, heaviest first (gap × calls)"},
    "attr_note": {
        "fr": "Écart = réalisé − objectif, décomposé avec Erlang A : erreur de prévision "
              "(appels réels au lieu des appels prévus), dérive de la DMT (DMT réelle au lieu "
              "de la DMT prévue), écart d'effectif (conseillers connectés au lieu des "
              "conseillers requis par le plan pour l'objectif), et le reste (écart du modèle, "
              "patience des appelants). Chaque cause vaut la moyenne de son effet sur les six "
              "ordres possibles (valeur de Shapley) ; la semaine pondère ses demi-heures par "
              "les appels du dénominateur de l'indicateur. Les quatre parts font l'écart.",
        "en": "Gap = actual − target, split with Erlang A: forecast error (actual calls instead "
              "of the forecast), handle-time drift (actual instead of planned AHT), staffing "
              "gap (advisors logged in instead of those the plan required for the target), "
              "and the rest (model error, callers' patience). Each cause is its mean effect "
              "over the six orders of switching them (Shapley value); the week weighs its "
              "half hours by the calls in the indicator's denominator. The four parts add up "
              "to the gap."},
    "attr_none": {
        "fr": "Pas de décomposition des écarts : elle demande les effectifs connectés de la "
              "ligne entière et un objectif de décroché, d'abandon, de niveau de service ou "
              "d'attente.",
        "en": "No split of the gaps: it needs the advisors logged in for the whole line and a "
              "target on the pickup rate, abandon rate, service level or ASA."},
    "reconciliation": {"fr": "Rapprochement opérateur / prestataire",
                       "en": "Operator vs provider reconciliation"},
    "no_operator": {"fr": "pas de données opérateur", "en": "no operator data"},
    "no_operator_week": {
        "fr": "Aucun comptage de l'opérateur pour cette semaine : rien à rapprocher "
              "(chargez son fichier avec copil ingest operator FICHIER).",
        "en": "No operator counts for this week: nothing to reconcile "
              "(load the operator's file with copil ingest operator FILE)."},
    "no_callbacks_week": {"fr": "Aucun rappel dû ni en attente cette semaine.",
                          "en": "No callbacks due or pending this week."},
    "flagged": {"fr": "hors tolérance", "en": "beyond tolerance"},
    "ok": {"fr": "ok", "en": "ok"},
    "callbacks": {"fr": "Rappels (promesse de rappel)", "en": "Callbacks (the callback promise)"},
    "late": {"fr": "en retard", "en": "late"},
    "actions": {"fr": "Actions convenues", "en": "Actions agreed"},
    "no_actions": {"fr": "Aucune action enregistrée.", "en": "No action recorded."},
    "owner": {"fr": "Porteur", "en": "Owner"},
    "due": {"fr": "Échéance", "en": "Due"},
    "action": {"fr": "Action", "en": "Action"},
    "agreed": {"fr": "Convenue", "en": "Agreed"},
    "day": {"fr": "Jour", "en": "Day"},
    "interval": {"fr": "Intervalle", "en": "Interval"},
    "total": {"fr": "Total", "en": "Total"},
    "queue": {"fr": "File", "en": "Queue"},
    "kpi_trends": {"fr": "Tendances hebdomadaires et objectifs", "en": "Weekly trends and targets"},
    "compliance": {"fr": "Respect des objectifs (semaines atteintes)",
                   "en": "Target compliance (weeks met)"},
    "weeks_met": {"fr": "Semaines atteintes", "en": "Weeks met"},
    "weeks_evaluated": {"fr": "Semaines évaluées", "en": "Weeks evaluated"},
    "quarter_value": {"fr": "Valeur du trimestre", "en": "Quarter value"},
    "volume_yoy": {"fr": "Volume comparé à l'année précédente", "en": "Volume vs previous year"},
    "this_year": {"fr": "Année en cours", "en": "This year"},
    "last_year": {"fr": "Année précédente", "en": "Previous year"},
    "change": {"fr": "Évolution", "en": "Change"},
    "campaigns": {"fr": "Campagnes de communication du trimestre",
                  "en": "Communication campaigns in the quarter"},
    "no_campaigns": {"fr": "Aucune campagne dans le trimestre.", "en": "No campaign in the quarter."},
    "campaign": {"fr": "Campagne", "en": "Campaign"},
    "channel": {"fr": "Canal", "en": "Channel"},
    "window": {"fr": "Fenêtre", "en": "Window"},
    "observed": {"fr": "Appels observés", "en": "Calls observed"},
    "baseline": {"fr": "Référence (mêmes jours avant)", "en": "Baseline (same weekdays before)"},
    "extra_calls": {"fr": "Appels supplémentaires", "en": "Extra calls"},
    "campaign_note": {
        "fr": "Estimation observée : appels présentés pendant la campagne moins la moyenne des "
              "mêmes jours de semaine des 4 semaines précédant son début.",
        "en": "Observed estimate: calls offered during the campaign minus the mean of the same "
              "weekdays in the 4 weeks before it started."},
    "forecast_staffing": {"fr": "Effectifs", "en": "Staffing"},
    "forecast_note": {
        "fr": "Occupation = temps de traitement ÷ temps de présence des conseillers. Les "
              "effectifs comparés au besoin (Erlang) figureront ici quand les plans seront "
              "enregistrés dans l'entrepôt.",
        "en": "Occupancy = handle time ÷ advisors' logged-in time. Staffing against the "
              "(Erlang) requirement will appear here once plans are stored in the warehouse."},
    "forecast_accuracy": {"fr": "Précision de la prévision", "en": "Forecast accuracy"},
    "forecast_none": {"fr": "Pas assez d'historique avant le trimestre pour le prévoir.",
                      "en": "Not enough history before the quarter to forecast it."},
    "forecast_no_data": {
        "fr": "{n} jour(s) sans aucun appel alors que la ligne était prévue ouverte (données "
              "manquantes) sont laissés de côté.",
        "en": "{n} day(s) with no calls at all although the line was expected open (missing "
              "data) are left out."},
    "forecast_method": {
        "fr": "Prévision journalière du trimestre faite avec l'historique antérieur à son "
              "début (modèle saisonnier avec jours fériés et campagnes), comparée aux appels "
              "présentés. WAPE = Σ|réel − prévu| ÷ Σ réel.",
        "en": "Daily forecast of the quarter from the history before it started (seasonal "
              "model with holidays and campaigns), against calls offered. "
              "WAPE = Σ|actual − forecast| ÷ Σ actual."},
    "daily_wape": {"fr": "WAPE journalier", "en": "Daily WAPE"},
    "weekly_wape": {"fr": "WAPE hebdomadaire", "en": "Weekly WAPE"},
    "days_compared": {"fr": "Jours comparés", "en": "Days compared"},
    "forecast_none_week": {"fr": "Pas assez d'historique avant la semaine (8 semaines) pour la "
                                 "prévoir, ou pas encore d'appels.",
                           "en": "Not enough history before the week (8 weeks) to forecast it, "
                                 "or no calls yet."},
    "forecast_method_week": {
        "fr": "Prévision journalière de la semaine faite la veille (modèle saisonnier avec le "
              "calendrier de la ligne et les campagnes), comparée aux appels présentés. "
              "WAPE = Σ|réel − prévu| ÷ Σ réel.",
        "en": "Daily forecast of the week made on its eve (seasonal model with the line's "
              "calendar and campaigns), against calls offered. "
              "WAPE = Σ|actual − forecast| ÷ Σ actual."},
    "campaigns_week": {"fr": "Campagnes de communication de la semaine",
                       "en": "Communication campaigns in the week"},
    "no_campaigns_week": {"fr": "Aucune campagne pendant la semaine.",
                          "en": "No campaign in the week."},
    "uplift": {"fr": "Surcroît (%)", "en": "Uplift (%)"},
    "total_calls": {"fr": "Appels réels / prévus", "en": "Calls actual / forecast"},
    "value": {"fr": "Valeur", "en": "Value"},
    "forecast": {"fr": "Prévision", "en": "Forecast"},
    "model_extra": {"fr": "Modèle (intervalle 95 %)", "en": "Model (95 % band)"},
    "staffing_vs_need": {"fr": "Occupation des conseillers", "en": "Advisor occupancy"},
    "no_staffing": {"fr": "Pas de données d'effectifs dans l'entrepôt (table staffing vide).",
                    "en": "No staffing data in the warehouse (the staffing table is empty)."},
    "staffing_need_note": {
        "fr": "Besoin = conseillers qu'Erlang A demande pour tenir les objectifs du contrat avec "
              "le volume, la durée de traitement et la patience réellement observés, "
              "demi-heure par demi-heure ; attendu = Erlang A avec les conseillers connectés.",
        "en": "Needed = advisors Erlang A requires to meet the contract's targets at the volume, "
              "handling time and patience actually observed, half-hour by half-hour; expected = "
              "Erlang A with the advisors logged in."},
    "open_actions": {"fr": "Actions ouvertes", "en": "Open actions"},
    "no_calls": {"fr": "Aucun appel sur la période.", "en": "No call in the period."},
    "contract": {"fr": "Contrat", "en": "Contract"},
    "tolerance": {"fr": "tolérance", "en": "tolerance"},
    "sl_variant": {"fr": "niveau de service", "en": "service level"},
    "late_callbacks": {"fr": "Rappels en retard", "en": "Late callbacks"},
    "pending": {"fr": "en attente", "en": "pending"},
    "week_total": {"fr": "Semaine", "en": "Week"},
    "op_offered": {"fr": "Présentés opérateur", "en": "Operator offered"},
    "prov_offered": {"fr": "Présentés prestataire", "en": "Provider offered"},
    "op_handled": {"fr": "Traités opérateur", "en": "Operator handled"},
    "prov_answered": {"fr": "Décrochés prestataire", "en": "Provider answered"},
    "reconcile_note": {
        "fr": "Écart = (opérateur − prestataire) ÷ opérateur. Les jours sans appel ni donnée "
              "opérateur sont omis.",
        "en": "Gap = (operator − provider) ÷ operator. Days with neither calls nor operator "
              "data are left out."},
    "footer": {"fr": "définitions : KPI_GLOSSARY.md ; taux en %, durées en secondes",
               "en": "definitions: KPI_GLOSSARY.md; rates in %, durations in seconds"},
    "colon": {"fr": " : ", "en": ": "},
}
