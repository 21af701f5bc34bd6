"""One review of a week or a quarter for every face (reports, dashboard pages, ``copil
review``): :func:`week_review`, :func:`quarter_review` and :func:`review_dict` (the JSON
object). Modules: :mod:`~analytics.review.core` (the results objects),
:mod:`~analytics.review.campaigns`, :mod:`~analytics.review.accuracy`,
:mod:`~analytics.review.output`."""

from analytics.review.accuracy import MIN_HISTORY_DAYS, ForecastAccuracy, forecast_accuracy
from analytics.review.campaigns import campaign_review, campaign_uplift, model_uplift
from analytics.review.core import (
    TREND_WEEKS,
    QuarterReview,
    Review,
    WeekReview,
    quarter_review,
    week_review,
)
from analytics.review.output import review_dict

__all__ = ["MIN_HISTORY_DAYS", "TREND_WEEKS", "ForecastAccuracy", "QuarterReview", "Review",
           "WeekReview", "campaign_review", "campaign_uplift", "forecast_accuracy",
           "model_uplift", "quarter_review", "review_dict", "week_review"]
