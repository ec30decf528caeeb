"""What the list of competitions shows of a lesson not created yet, without loading its trap module (the
trap modules load numpy; listing competitions loads no data library). Each entry is its module's ``SPEC``
(title, metric, split, tags) and ``TRAP.summary``, as ``tests/lessons/test_lessons_registry.py`` checks.
"""

from __future__ import annotations

from typing import NamedTuple


class Listed(NamedTuple):
    title: str
    metric: str
    split: str
    tags: tuple[str, ...]
    summary: str


#: trap name -> how the list shows it, in teaching order
LISTED = {
    'time-drift': Listed(
        'Lesson: fares of a growing city (time drift)',
        'rmse', 'time',
        ('lesson', 'time-drift', 'regression', 'tabular', 'time-split', 'temporal-drift'),
        'The relation drifts over time and the test period comes after train: a shuffled K-fold '
        'overestimates, a time split tracks the private leaderboard.'),
    'group-leakage': Listed(
        'Lesson: blood sugar at the next check-up (group leakage)',
        'roc_auc', 'group',
        ('lesson', 'group-leakage', 'binary-classification', 'tabular', 'group-k-fold', 'healthcare'),
        'Rows come in groups (patients) and test groups are unseen: plain K-fold overestimates, GroupKFold '
        'tracks the private leaderboard.'),
    'covariate-shift': Listed(
        'Lesson: rents in a mid-sized city (covariate shift)',
        'rmse', 'adversarial',
        ('lesson', 'covariate-shift', 'regression', 'tabular', 'adversarial-validation', 'covariate-shift'),
        'Test features come from a shifted distribution: adversarial validation separates train from test, '
        'and validating on the most test-like training rows tracks the private leaderboard.'),
    'leaky-feature': Listed(
        'Lesson: who will cancel next quarter? (leaky feature)',
        'roc_auc', 'random',
        ('lesson', 'leaky-feature', 'binary-classification', 'tabular', 'leakage', 'adversarial-validation', 'churn'),
        "A column (the record's last-update timestamp) predicts the target in train but not in test: K-fold "
        'with it overestimates; adversarial validation finds it, and without it K-fold tracks.'),
    'imbalance': Listed(
        'Lesson: catch the fraudulent card payments (class imbalance)',
        'average_precision', 'stratified',
        ('lesson', 'imbalance', 'binary-classification', 'tabular', 'class-imbalance', 'stratified-k-fold', 'fraud'),
        '1-2 % positives: accuracy misleads while average precision does not, and small folds need '
        'stratification.'),
    'high-cardinality': Listed(
        'Lesson: will the ad be clicked? (high-cardinality categories)',
        'roc_auc', 'random',
        ('lesson', 'high-cardinality', 'binary-classification', 'tabular', 'target-encoding', 'high-cardinality', 'advertising'),
        'Target encoding without cross-fitting copies the label into the feature and overfits; out-of-fold '
        'encoding tracks the private leaderboard.'),
    'small-noisy': Listed(
        'Lesson: a small screening study (small and noisy data)',
        'roc_auc', 'random',
        ('lesson', 'small-noisy', 'binary-classification', 'tabular', 'small-data', 'label-noise', 'repeated-k-fold'),
        'Few rows, label noise and 150 candidate markers: keeping what scores best on one split selects its noise '
        'and reports a score far above the leaderboard; repeated K-fold picks little and tracks it.'),
    'public-overfit': Listed(
        'Lesson: who answers the mail campaign? (public leaderboard overfitting)',
        'log_loss', 'random',
        ('lesson', 'public-overfit', 'binary-classification', 'tabular', 'leaderboard-overfitting', 'ladder', 'marketing'),
        'A small public share: climbing the public leaderboard by repeated submits drops on the private one; '
        'local CV tracks it, and the Ladder leaderboard stops the climb.'),
    'particle-picking': Listed(
        'Lesson: find every ribosome (a threshold for the metric)',
        'point_fbeta', 'group',
        ('lesson', 'particle-picking', 'detection', 'free-rows', 'tabular', 'microscopy', 'metric-mismatch', 'threshold-tuning', 'group-k-fold'),
        'Any number of points per tomogram, scored by recall-heavy F-beta (beta 4): a threshold tuned for F1 '
        'on held-out candidates overestimates and loses; whole tomograms scored with the metric track the '
        'private leaderboard.'),
}
