"""Pizza orders: complete the order, a ranking task (great_tables' pizzaplace data)."""

from __future__ import annotations

import io

from ._carriers import GREAT_TABLES, SourceFile
from ._common import CatalogEntry, Parts, assemble, hash_keys

REF = "pizza-orders"
SEED = 0
K = 5
ID = "order_id"
TARGET = "hidden"
TEST_FROM = "2015-11-01"
SOURCE = SourceFile(
    GREAT_TABLES,
    "great_tables/data/05-pizzaplace.csv",
    "594ca293b3d7b8a3dffe1cb398836a1e6216c0b5a29c560957665ba801f002a7",
    "synthetic data of a fictional pizza place (the R package gt's pizzaplace, CC0); shipped in great_tables under MIT",
)

DICTIONARY = (
    (ID, "order id, `2015-NNNNNN` in time order"),
    ("date", "order date, YYYY-MM-DD (train: January-October 2015)"),
    ("time", "order time, HH:MM:SS"),
    ("in_cart", "the pizzas of the order you can see: distinct pizza names, space-separated, alphabetical"),
    (TARGET, "**target**: the other pizzas of the order (hidden), space-separated"),
)


def _split_order(order_id: str, names: list[str], salt: str) -> tuple[list[str], list[str]]:
    """(visible, hidden): about half of the distinct names hidden, at least one."""
    h = hash_keys([f"{order_id}:{n}" for n in names], salt)
    ranked = [n for _, n in sorted(zip(h, names))]
    n_hidden = max(1, len(names) // 2)
    return sorted(ranked[n_hidden:]), sorted(ranked[:n_hidden])


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    lines = pd.read_csv(io.BytesIO(raw), dtype=str)
    lines = lines.rename(columns={"id": ID})
    lines["price"] = pd.to_numeric(lines["price"])
    salt = f"{REF}:{SEED}"

    rows = []
    for order_id, group in lines.groupby(ID, sort=True):
        names = list(dict.fromkeys(group["name"]))
        if len(names) < 2:
            continue
        visible, hidden = _split_order(order_id, names, salt)
        first = group.iloc[0]
        rows.append((order_id, first["date"], first["time"], " ".join(visible), " ".join(hidden)))
    tasks = pd.DataFrame(rows, columns=[ID, "date", "time", "in_cart", TARGET])
    is_test = (tasks["date"] >= TEST_FROM).to_numpy()

    history = lines[lines["date"] < TEST_FROM].sort_values([ID], kind="mergesort")
    popular = history["name"].value_counts()
    popular = sorted(popular.index, key=lambda n: (-popular[n], n))[:K]
    menu = (
        lines[["name", "type", "size", "price"]]
        .drop_duplicates()
        .sort_values(["type", "name", "price", "size"], kind="mergesort")
        .reset_index(drop=True)
    )

    train, test, solution, sample = assemble(
        tasks,
        is_test,
        targets=[TARGET],
        id_column=ID,
        salt=salt,
        shuffle=False,
        public=lambda t: (t["date"] < "2015-12-01").to_numpy(),
        sample={TARGET: " ".join(popular)},
    )
    return Parts(
        id_column=ID,
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Pizza orders: complete the order\n\n"
            "A year of orders at a pizza place: 49,574 pizzas in 21,350 orders, 32 kinds of "
            "pizza. For every order with two or more different pizzas, about half of the "
            "pizzas are hidden. From the pizzas you can see in the cart (and the day and "
            f"time), recommend the hidden ones: a ranked list of up to {K} pizza names.\n\n"
            "A first **ranking** / recommender competition. Popularity is the baseline to "
            "beat; co-occurrence (\"people who ordered X also ordered Y\"), time of day and "
            "never recommending what is already in the cart are the next steps. "
            "`order_lines.csv` holds every pizza sold in the training months, single-pizza "
            "orders included. The data is synthetic (a fictional restaurant) but has a "
            "realistic structure."
        ),
        split_note=(
            "A **time** split: orders from January to October 2015 are for training, "
            "November and December are the test orders, as a recommender is always used on "
            "orders that come after the ones it learned from (menus and habits drift, and "
            "December has holidays). Which pizzas of an order are hidden is chosen at random "
            "with a fixed seed. The Public leaderboard scores November, the Private one "
            "December."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            f"# Evaluation: MAP@{K}\n\n"
            f"Each row of a submission holds up to {K} pizza names, best first, separated by "
            f"spaces. It is scored by **mean average precision at {K}**: for each order, the "
            f"precision is taken at every position (among the first {K}) where a hidden pizza "
            f"appears, summed, and divided by min(number of hidden pizzas, {K}); the score is "
            "the mean over orders. A hidden pizza ranked first counts more than one ranked "
            "fifth; names after the fifth and repeated names are ignored. Higher is better: "
            "1.0 means every hidden pizza is at the top of its list. The sample submission "
            f"recommends the {K} most popular pizzas to everyone."
        ),
        sources=(SOURCE,),
        source=(
            "The synthetic `pizzaplace` dataset of the R package gt (a year of sales at a "
            "fictional pizza place), as shipped in the Python package `great_tables` "
            "(`great_tables/data/05-pizzaplace.csv`)."
        ),
        license="CC0 (synthetic data of the gt package); great_tables is MIT",
        extra={"order_lines.csv": history, "menu.csv": menu},
        extra_notes={
            "order_lines.csv": f"every pizza sold before {TEST_FROM}, one row per pizza: `{ID}`, `date`, "
            "`time`, `name`, `size` (S, M, L, XL, XXL), `type` (classic, chicken, supreme, veggie), "
            "`price` in dollars.",
            "menu.csv": "the menu: every pizza `name` with its `type`, the `size`s it comes in and their `price`.",
        },
        metric_kwargs={"k": K},
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Pizza orders: complete the order",
    summary="Recommend the rest of a pizza order from what is already in the cart (MAP@5).",
    tags=("ranking", "recommender", "time-split", "tabular", "synthetic"),
    metric="map_at_k",
    split="time",
    carriers=(GREAT_TABLES,),
    builder=builder,
)
