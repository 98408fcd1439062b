"""Reference timing and AUC of scikit-learn's IsolationForest for bench/iforest.mjs.

Usage: iforest_sklearn.py TRAIN_CSV SCORE_CSV SCORES_OUT [REPS]
Each CSV row is `label,f1,...,fn` (label 1 = outlier). Prints one JSON object;
writes the anomaly scores (-score_samples) of the last repetition to
SCORES_OUT as little-endian float64 so the caller can cross-check its AUC.
"""
import json
import statistics
import sys
import time

import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def load(path):
    table = np.loadtxt(path, delimiter=",", dtype=np.float64)
    return table[:, 1:], table[:, 0].astype(np.int8)


def main():
    train_csv, score_csv, scores_out = sys.argv[1:4]
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    x_train, _ = load(train_csv)
    x_score, y_score = load(score_csv)
    fit_seconds, score_seconds = [], []
    for _ in range(reps):
        model = IsolationForest(n_estimators=100, max_samples=256, random_state=0)
        t0 = time.perf_counter()
        model.fit(x_train)
        t1 = time.perf_counter()
        scores = -model.score_samples(x_score)
        t2 = time.perf_counter()
        fit_seconds.append(t1 - t0)
        score_seconds.append(t2 - t1)
    scores.astype("<f8").tofile(scores_out)
    fit_median = statistics.median(fit_seconds)
    score_median = statistics.median(score_seconds)
    print(json.dumps({
        "sklearn": sklearn_version,
        "auc": roc_auc_score(y_score, scores),
        "fitSeconds": fit_median,
        "scoreSeconds": score_median,
        "trainRowsPerSec": len(x_train) / fit_median,
        "scoreRowsPerSec": len(x_score) / score_median,
        "reps": reps,
    }))


if __name__ == "__main__":
    main()
