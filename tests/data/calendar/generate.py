"""Future dates pandas gives for every offset alias, as statsforecast computes them
(utilsforecast's make_future_dataframe: first = last + freq, then first + i * freq).

    python generate.py > pandas_offsets.csv      # pandas 2.3.3

Columns: alias, tz ('' for naive), last (ns since the epoch, UTC), then the next 6 dates
(ns since the epoch, UTC).
"""
import sys
import warnings

import pandas as pd
from pandas.tseries.frequencies import to_offset

warnings.simplefilter("ignore")

ALIASES = """D 7D 0.5D 1D2h B 3B C W W-SUN W-MON 2W-WED MS 2MS M ME 3ME BMS BME BM CBMS
SMS SME SM SMS-10 SME-20 QS QS-FEB 2QS Q QE QE-NOV BQS BQE BQ BQE-FEB BQS-MAR YS YS-JUL
YE YE-JUN A AS Y BYS BYE BA-JUN WOM-1MON WOM-4SUN WOM-2FRI h 2h 1h H 1.5h 15min 15T 30min
min T s S 30s ms L us U ns N""".split()
STARTS = """1959-12-01 2000-01-01 2023-02-28 2024-01-05T23:30 2024-01-07 2024-01-15T10:30
2024-01-31 2024-02-29 2024-03-09 2024-03-29 2024-03-30 2024-03-31 2024-06-15T12:00
2024-10-26 2024-11-02 2024-12-31""".split()
ZONES = ["", "Europe/Paris", "America/New_York"]
H = 6

print("alias,tz,last," + ",".join(f"d{k}" for k in range(1, H + 1)))
for alias in ALIASES:
    offset = to_offset(alias)
    for zone in ZONES:
        for start in STARTS:
            last = pd.Timestamp(start, tz=zone or None)
            first = last + offset
            dates = [first + i * offset for i in range(H)]
            row = [alias, zone, str(last.value)] + [str(d.value) for d in dates]
            print(",".join(row))
