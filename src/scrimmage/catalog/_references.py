"""Reference scores of the catalogue competitions (see ``scrimmage.catalog.reference_scores``).

Written by ``scripts/reference_scores.py``; do not edit by hand. Checked by
``tests/catalog/test_references.py``, which recomputes some of them.
"""

SCORES: dict[str, tuple[dict, ...]] = {
    'ames-house-prices': (
        {'name': 'constant', 'public': 0.4088482716642425, 'private': 0.3908448693626968, 'model': 'predicts the geometric mean of 1 + target, minus 1 for every row'},
        {'name': 'simple', 'public': 0.12794829711060698, 'private': 0.14440021082435164, 'model': "ridge regression on train.csv's columns (43 categorical, 36 numeric): numbers imputed and scaled, categories one-hot (top 20 levels), fitted on log(1 + target)"},
        {'name': 'strong', 'public': 0.11295875861603992, 'private': 0.1062032432519259, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (43 categorical, 36 numeric): native categories, fitted on log(1 + target)"},
    ),
    'basic-motions': (
        {'name': 'constant', 'public': 0.25, 'private': 0.25, 'model': 'predicts the most frequent class for every row'},
        {'name': 'simple', 'public': 0.65, 'private': 0.8, 'model': "logistic regression on train.csv's columns (600 numeric): numbers imputed and scaled"},
        {'name': 'strong', 'public': 0.95, 'private': 0.65, 'model': "histogram gradient boosting (100 trees, learning rate 0.1) on train.csv's columns (600 numeric)"},
    ),
    'bike-share-demand': (
        {'name': 'constant', 'public': 1.3285237572429063, 'private': 1.3632093484354404, 'model': 'predicts the geometric mean of 1 + target, minus 1 for every row'},
        {'name': 'simple', 'public': 0.9895925956151927, 'private': 1.044679016258801, 'model': "ridge regression on train.csv's columns (2 categorical, 10 numeric): numbers imputed and scaled, categories one-hot (top 20 levels), fitted on log(1 + target)"},
        {'name': 'strong', 'public': 0.41276266131231826, 'private': 0.5676938459999467, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (2 categorical, 10 numeric): native categories, fitted on log(1 + target)"},
    ),
    'cdnow-repeat-buyers': (
        {'name': 'constant', 'public': 0.5, 'private': 0.5, 'model': 'predicts the training rate of buys_again = 1 (0.2995) for every row'},
        {'name': 'simple', 'public': 0.49907608466500825, 'private': 0.49554696288183375, 'model': "logistic regression on train.csv's columns (1 date): dates as numbers"},
        {'name': 'strong', 'public': 0.5104956360416579, 'private': 0.4965638081107351, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (1 date): dates as numbers"},
    ),
    'census-income': (
        {'name': 'constant', 'public': 0.5, 'private': 0.5, 'model': 'predicts the training rate of income_over_50k = 1 (0.2408) for every row'},
        {'name': 'simple', 'public': 0.9051791667952953, 'private': 0.9052206215495109, 'model': "logistic regression on train.csv's columns (8 categorical, 5 numeric): numbers imputed and scaled, categories one-hot (top 20 levels)"},
        {'name': 'strong', 'public': 0.9288574434805874, 'private': 0.9267839646528209, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (8 categorical, 5 numeric): native categories"},
    ),
    'diamonds': (
        {'name': 'constant', 'public': 1.0217204962348385, 'private': 1.016913651241046, 'model': 'predicts the geometric mean of 1 + target, minus 1 for every row'},
        {'name': 'simple', 'public': 0.20451362104279006, 'private': 0.16944692647220191, 'model': "ridge regression on train.csv's columns (3 categorical, 6 numeric): numbers imputed and scaled, categories one-hot (top 20 levels), fitted on log(1 + target)"},
        {'name': 'strong', 'public': 0.08944051538983558, 'private': 0.08575412477161573, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (3 categorical, 6 numeric): native categories, fitted on log(1 + target)"},
    ),
    'handwritten-digits': (
        {'name': 'constant', 'public': 0.10444444444444445, 'private': 0.09809523809523812, 'model': 'predicts the most frequent class for every row'},
        {'name': 'simple', 'public': 0.8822222222222222, 'private': 0.8790476190476191, 'model': "logistic regression on train.csv's columns (784 numeric): numbers imputed and scaled"},
        {'name': 'strong', 'public': 0.9355555555555556, 'private': 0.9419047619047619, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (784 numeric)"},
    ),
    'mauna-loa-co2': (
        {'name': 'constant', 'public': 32.35471698113207, 'private': 33.86538461538461, 'model': 'predicts the training median for every row'},
        {'name': 'simple', 'public': 2.8824512652611527, 'private': 3.0329447065491, 'model': "ridge regression on train.csv's columns (1 date): dates as numbers"},
        {'name': 'strong', 'public': 1.241785251170296, 'private': 2.729307501102816, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (1 date): dates as numbers"},
    ),
    'movie-review-sentiment': (
        {'name': 'constant', 'public': 0.5, 'private': 0.5, 'model': 'predicts the training rate of fresh = 1 (0.5664) for every row'},
        {'name': 'simple', 'public': 0.8151610628400628, 'private': 0.8339485224394247, 'model': "logistic regression on train.csv's columns (1 categorical, 1 text): categories one-hot (top 20 levels), text as TF-IDF"},
        {'name': 'strong', 'public': 0.8531510607050664, 'private': 0.8535525289451713, 'model': "logistic regression on train.csv's columns (1 categorical, 1 text): categories one-hot (top 20 levels), TF-IDF word 1-2-grams and character 2-5-grams of the text"},
    ),
    'nyc-flight-delays': (
        {'name': 'constant', 'public': 0.5, 'private': 0.5, 'model': 'predicts the training rate of delayed = 1 (0.2344) for every row'},
        {'name': 'simple', 'public': 0.6277166688330387, 'private': 0.6294774443321817, 'model': "logistic regression on train.csv's columns (4 categorical, 1 date, 9 numeric): numbers imputed and scaled, dates as numbers, categories one-hot (top 20 levels)"},
        {'name': 'strong', 'public': 0.5994183099461015, 'private': 0.5466977441839176, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (4 categorical, 1 date, 9 numeric): dates as numbers, native categories, target encoding above 250 levels"},
    ),
    'palmer-penguins': (
        {'name': 'constant', 'public': 0.42307692307692313, 'private': 0.47058823529411764, 'model': 'predicts the most frequent class for every row'},
        {'name': 'simple', 'public': 1.0, 'private': 0.9607843137254902, 'model': "logistic regression on train.csv's columns (2 categorical, 5 numeric): numbers imputed and scaled, categories one-hot (top 20 levels)"},
        {'name': 'strong', 'public': 1.0, 'private': 0.9607843137254902, 'model': "histogram gradient boosting (100 trees, learning rate 0.1) on train.csv's columns (2 categorical, 5 numeric): native categories"},
    ),
    'pizza-orders': (
        {'name': 'constant', 'public': 0.11186441507586886, 'private': 0.12107123075218795, 'model': 'predicts the 5 most frequent items for every row'},
        {'name': 'simple', 'public': 0.12028707782672543, 'private': 0.13242328569846018, 'model': 'the most frequent items not already in the row'},
        {'name': 'strong', 'public': 0.11727875673029853, 'private': 0.1268217569513681, 'model': "items ranked by how often they came with the row's items in train (item-to-item co-occurrence), then by frequency"},
    ),
    'titanic': (
        {'name': 'constant', 'public': 0.5, 'private': 0.5, 'model': 'predicts the training rate of survived = 1 (0.3816) for every row'},
        {'name': 'simple', 'public': 0.8166798575385833, 'private': 0.8591904761904762, 'model': "logistic regression on train.csv's columns (5 categorical, 5 numeric): numbers imputed and scaled, categories one-hot (top 20 levels)"},
        {'name': 'strong', 'public': 0.8420557973882073, 'private': 0.8760952380952381, 'model': "histogram gradient boosting (learning rate 0.05, stopped early on a seeded 10 % holdout) on train.csv's columns (5 categorical, 5 numeric): native categories, target encoding above 250 levels"},
    ),
}
