"""French and English labels for the reports."""

from __future__ import annotations

import datetime as dt

__all__ = ["LABELS", "label", "metric_label", "day_name", "month_name"]

LABELS: dict[str, dict[str, str]] = {
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
    "met": {"fr": "atteint", "en": "met"},
    "missed": {"fr": "manqué", "en": "missed"},
    "no_data": {"fr": "sans données", "en": "no data"},
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
    "client": {"fr": "client", "en": "client"},
    "provider": {"fr": "prestataire", "en": "provider"},
    "open": {"fr": "ouverte", "en": "open"},
    "done": {"fr": "faite", "en": "done"},
    "dropped": {"fr": "abandonnée", "en": "dropped"},
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
    "forecast_method_week": {
        "fr": "Prévision journalière de la semaine faite la veille (modèle saisonnier avec le "
              "calendrier de la ligne et les campagnes), comparée aux appels présentés. "
              "WAPE = Σ|réel − prévu| ÷ Σ réel.",
        "en": "Daily forecast of the week made on its eve (seasonal model with the line's "
              "calendar and campaigns), against calls offered. "
              "WAPE = Σ|actual − forecast| ÷ Σ actual."},
    "daily_wape": {"fr": "WAPE journalier", "en": "Daily WAPE"},
    "weekly_wape": {"fr": "WAPE hebdomadaire", "en": "Weekly WAPE"},
    "coverage_80": {"fr": "Jours ouverts dans l'intervalle à 80 %",
                    "en": "Open days inside the 80 % interval"},
    "coverage_95": {"fr": "Jours ouverts dans l'intervalle à 95 %",
                    "en": "Open days inside the 95 % interval"},
    "mase": {"fr": "MASE (erreur ÷ celle du naïf saisonnier)",
             "en": "MASE (error ÷ seasonal-naive error)"},
    "bias": {"fr": "Biais (prévu − réel) ÷ réel", "en": "Bias (forecast − actual) ÷ actual"},
    "days_compared": {"fr": "Jours comparés", "en": "Days compared"},
    "forecast_none_week": {"fr": "Pas assez d'historique avant la semaine (8 semaines) pour la "
                                 "prévoir, ou pas encore d'appels.",
                           "en": "Not enough history before the week (8 weeks) to forecast it, "
                                 "or no calls yet."},
    "campaigns_week": {"fr": "Campagnes de communication de la semaine",
                       "en": "Communication campaigns in the week"},
    "no_campaigns_week": {"fr": "Aucune campagne pendant la semaine.",
                          "en": "No campaign in the week."},
    "uplift": {"fr": "Surcroît (%)", "en": "Uplift (%)"},
    "calls_per_1000": {"fr": "Appels pour 1 000 personnes", "en": "Calls per 1,000 people"},
    "total_calls": {"fr": "Appels réels / prévus", "en": "Calls actual / forecast"},
    "value": {"fr": "Valeur", "en": "Value"},
    "forecast": {"fr": "Prévision", "en": "Forecast"},
    "model_extra": {"fr": "Modèle (intervalle 95 %)", "en": "Model (95 % band)"},
    "staffing_vs_need": {"fr": "Occupation des conseillers", "en": "Advisor occupancy"},
    "no_staffing": {"fr": "Pas de données d'effectifs dans l'entrepôt (table staffing vide).",
                    "en": "No staffing data in the warehouse (the staffing table is empty)."},
    "advisor_hours": {"fr": "Heures conseillers connectés", "en": "Advisor-hours logged in"},
    "required_advisor_hours": {"fr": "Heures nécessaires (Erlang A)",
                               "en": "Advisor-hours needed (Erlang A)"},
    "understaffed": {"fr": "Demi-heures en sous-effectif", "en": "Understaffed half-hours"},
    "observed_pickup": {"fr": "Décroché observé", "en": "Pickup rate observed"},
    "erlang_a_pickup": {"fr": "Décroché attendu (Erlang A)", "en": "Pickup rate expected (Erlang A)"},
    "staffing_need_note": {
        "fr": "Besoin = conseillers qu'Erlang A demande pour tenir les objectifs du contrat avec "
              "le volume, la durée de traitement et la patience réellement observés, "
              "demi-heure par demi-heure ; attendu = Erlang A avec les conseillers connectés.",
        "en": "Needed = advisors Erlang A requires to meet the contract's targets at the volume, "
              "handling time and patience actually observed, half-hour by half-hour; expected = "
              "Erlang A with the advisors logged in."},
    "open_actions": {"fr": "Actions ouvertes", "en": "Open actions"},
    "no_calls": {"fr": "Aucun appel sur la période.", "en": "No call in the period."},
    "provider_internal": {"fr": "", "en": ""},
    "contract": {"fr": "Contrat", "en": "Contract"},
    "sl_variant": {"fr": "niveau de service", "en": "service level"},
    "wait": {"fr": "Attente moyenne subie (s)", "en": "Mean wait experienced (s)"},
    "calls": {"fr": "Appels", "en": "Calls"},
    "late_callbacks": {"fr": "Rappels en retard", "en": "Late callbacks"},
    "pending": {"fr": "en attente", "en": "pending"},
    "week_total": {"fr": "Semaine", "en": "Week"},
    "op_offered": {"fr": "Présentés opérateur", "en": "Operator offered"},
    "prov_offered": {"fr": "Présentés prestataire", "en": "Provider offered"},
    "offered_gap_rate": {"fr": "Écart présentés", "en": "Offered gap"},
    "op_handled": {"fr": "Traités opérateur", "en": "Operator handled"},
    "prov_answered": {"fr": "Décrochés prestataire", "en": "Provider answered"},
    "handled_gap_rate": {"fr": "Écart traités", "en": "Handled gap"},
    "reconcile_note": {
        "fr": "Écart = (opérateur − prestataire) ÷ opérateur. Les jours sans appel ni donnée "
              "opérateur sont omis.",
        "en": "Gap = (operator − provider) ÷ operator. Days with neither calls nor operator "
              "data are left out."},
}

METRICS: dict[str, dict[str, str]] = {
    "offered": {"fr": "Appels présentés", "en": "Calls offered"},
    "answered": {"fr": "Appels décrochés", "en": "Calls answered"},
    "abandoned": {"fr": "Appels abandonnés", "en": "Calls abandoned"},
    "short_abandoned": {"fr": "Abandons courts", "en": "Short abandons"},
    "overflow": {"fr": "Débordements", "en": "Overflow"},
    "ivr_only": {"fr": "Terminés au SVI", "en": "Ended in IVR"},
    "pickup_rate": {"fr": "Taux de décroché", "en": "Pickup rate"},
    "abandon_rate": {"fr": "Taux d'abandon", "en": "Abandon rate"},
    "asa_s": {"fr": "Attente moyenne avant décroché", "en": "Average speed of answer"},
    "wait_p50_s": {"fr": "Attente médiane", "en": "Median wait"},
    "wait_p80_s": {"fr": "Attente 80e centile", "en": "80th percentile wait"},
    "wait_p90_s": {"fr": "Attente 90e centile", "en": "90th percentile wait"},
    "wait_p95_s": {"fr": "Attente 95e centile", "en": "95th percentile wait"},
    "wait_max_s": {"fr": "Attente maximale", "en": "Longest wait"},
    "abandon_wait_s": {"fr": "Attente avant abandon", "en": "Time to abandon"},
    "wait_all_mean_s": {"fr": "Attente moyenne subie", "en": "Mean wait experienced"},
    "aht_s": {"fr": "Durée moyenne de traitement", "en": "Average handling time"},
    "talk_mean_s": {"fr": "Durée moyenne de communication", "en": "Average talk time"},
    "transfer_rate": {"fr": "Taux de transfert", "en": "Transfer rate"},
    "occupancy": {"fr": "Taux d'occupation", "en": "Occupancy"},
    "callbacks_due": {"fr": "Rappels dus", "en": "Callbacks due"},
    "callbacks_on_time": {"fr": "Rappels dans les délais", "en": "Callbacks on time"},
    "callbacks_pending": {"fr": "Rappels en attente", "en": "Callbacks pending"},
    "callback_on_time_rate": {"fr": "Rappels tenus dans les délais", "en": "Callbacks on time"},
    "patience_mean_s": {"fr": "Patience moyenne estimée", "en": "Estimated mean patience"},
}

_DAYS = {"fr": ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
         "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
_MONTHS = {"fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                  "oct.", "nov.", "déc."],
           "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec"]}


def label(key: str, lang: str) -> str:
    return LABELS[key][lang]


def metric_label(metric: str, lang: str) -> str:
    """Human label of a glossary metric (service levels: 'Niveau de service 20 s')."""
    if metric.startswith("service_level_"):
        t = metric.removeprefix("service_level_").removesuffix("s")
        return f"Niveau de service {t} s" if lang == "fr" else f"Service level {t} s"
    return METRICS.get(metric, {}).get(lang, metric)


def day_name(day: dt.date, lang: str) -> str:
    """``lun. 02/03`` / ``Mon 03-02``."""
    if lang == "fr":
        return f"{_DAYS['fr'][day.weekday()]} {day:%d/%m}"
    return f"{_DAYS['en'][day.weekday()]} {day:%m-%d}"


def month_name(month: int, lang: str) -> str:
    return _MONTHS[lang][month - 1]
