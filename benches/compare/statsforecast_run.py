"""One statsforecast run, as a whole process: read the train CSV, warm up on 10 series,
forecast every series with n_jobs=-1 and level=[80, 95] (or the levels given, none for an
empty string), write the forecasts to a CSV.

    python statsforecast_run.py TRAIN_CSV OUT_CSV FREQ H 'AutoETS(season_length=12)' [LEVELS]
"""
import sys

import pandas as pd
from statsforecast import StatsForecast
from statsforecast import models as M

train_csv, out_csv, freq, h, expr = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
levels_text = sys.argv[6] if len(sys.argv) > 6 else "80,95"
level = [int(v) for v in levels_text.split(",")] if levels_text else None
df = pd.read_csv(train_csv, dtype={"unique_id": str})
df["ds"] = pd.to_datetime(df["ds"])


def models():
    return [eval(e.strip(), {"__builtins__": {}}, vars(M)) for e in expr.split(";")]


warm = df[df["unique_id"].isin(sorted(df["unique_id"].unique())[:10])]
StatsForecast(models=models(), freq=freq, n_jobs=-1).forecast(df=warm, h=h, level=level)
fc = StatsForecast(models=models(), freq=freq, n_jobs=-1).forecast(df=df, h=h, level=level)
fc.to_csv(out_csv, index=False)
