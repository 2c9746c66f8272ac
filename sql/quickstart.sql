-- datafusion-forecast quick start: run with `cargo run --release --bin dfcast -- -f sql/quickstart.sql`

-- 1. A synthetic panel: 1,000 daily series of 60 to 200 days.
CREATE TABLE sales AS
SELECT * FROM generate_panel(n_series => 1000, freq => 'D', min_length => 60, max_length => 200, seed => 1);

SELECT count(DISTINCT unique_id) AS series, count(*) AS rows, min(ds) AS first_day, max(ds) AS last_day FROM sales;

-- 2. Forecast every series 7 days ahead with two models and 80% / 95% intervals,
--    then look at two of them.
CREATE TABLE sales_forecast AS
SELECT * FROM forecast((SELECT unique_id, ds, y FROM sales), h => 7,
                       models => 'SeasonalNaive(season_length=7), Naive()', level => [80, 95]);

SELECT * FROM sales_forecast WHERE unique_id IN ('0', '1') ORDER BY unique_id, ds;

-- 3. Cross-validate: two windows of 7 days, and the mean absolute error per model.
SELECT count(DISTINCT unique_id) AS series,
       round(avg(abs(y - "SeasonalNaive")), 3) AS mae_seasonal_naive,
       round(avg(abs(y - "HistoricAverage")), 3) AS mae_historic_average
FROM cross_validation('sales', h => 7, n_windows => 2, step_size => 7,
                      models => 'SeasonalNaive(season_length=7), HistoricAverage()');

-- 4. A bundled CSV: the classic airline passengers series, one year ahead, with the
--    in-sample fitted values (history rows) next to the forecast rows.
SELECT * FROM forecast((SELECT unique_id, ds, y FROM 'data/air_passengers.csv'), h => 12,
                       models => 'SeasonalNaive(season_length=12), RandomWalkWithDrift()',
                       level => [95], fitted => true)
WHERE time_series_type = 'forecast';

-- 5. Exponential smoothing: AutoETS picks the state-space form by AICc (as statsforecast's
--    AutoETS does); HoltWinters fixes it to additive trend and season.
SELECT unique_id, ds, round("AutoETS", 1) AS auto_ets,
       round("AutoETS-lo-80", 1) AS lo_80, round("AutoETS-hi-80", 1) AS hi_80,
       round("HoltWinters", 1) AS holt_winters
FROM forecast('data/air_passengers.csv', h => 6,
              models => 'AutoETS(season_length=12), HoltWinters(season_length=12)', level => [80])
ORDER BY ds;

-- 6. Anomalies: the months where the passengers fall outside AutoETS's 99% in-sample
--    bounds, with the probability of a less extreme value.
SELECT ds, y, round("AutoETS", 1) AS fitted,
       round("AutoETS-lo-99", 1) AS lo_99, round("AutoETS-hi-99", 1) AS hi_99,
       round("AutoETS-anomaly-probability", 4) AS probability
FROM detect_anomalies('data/air_passengers.csv', models => 'AutoETS(season_length=12)', level => 99)
WHERE "AutoETS-anomaly"
ORDER BY ds;

-- 7. Score a cross-validation with utilsforecast's metrics (one row per series, cutoff and
--    metric), then average them per metric: MASE compares across series of any scale,
--    coverage checks the 80% intervals. (agg => 'mean' averages per cutoff, as utilsforecast
--    does; the panel's series end on different days, so GROUP BY averages over all of them.)
SELECT metric, round(avg("SeasonalNaive"), 3) AS seasonal_naive, round(avg("Naive"), 3) AS naive
FROM evaluate((SELECT * FROM cross_validation('sales', h => 7, n_windows => 2, step_size => 7,
                                              models => 'SeasonalNaive(season_length=7), Naive()',
                                              level => [80])),
              metrics => 'mae, smape, mase(seasonality=7), coverage', train => sales)
GROUP BY metric
ORDER BY metric;

-- 8. A chart: the airline passengers with AutoETS's and SeasonalNaive's in-sample values,
--    their forecasts for the next year and 80% / 95% interval bands, as an SVG
--    (`.png` for an image; OPTIONS sets the size, the title, which series and models).
COPY (SELECT * FROM forecast('data/air_passengers.csv', h => 12,
                             models => 'AutoETS(season_length=12), SeasonalNaive(season_length=12)',
                             level => [80, 95], fitted => true))
TO 'air_passengers_forecast.svg'
OPTIONS ('chart.title' 'AirPassengers: monthly passengers, forecast 12 months ahead',
         'chart.width' 1000, 'chart.height' 520);
