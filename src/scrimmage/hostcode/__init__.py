"""Running a host's own code (a competition's metric files) away from everything else.

``files``      which bundle files are the host's hidden metric files, and their canonical names
``isolation``  the sandbox (bubblewrap) and the rule for when host code may run without one
``child``      the script that runs inside the sandbox: loads the metric, scores, answers in JSON
``shim``       modules every metric file can import (``kaggle_metric_utilities``)
"""
