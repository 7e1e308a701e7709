"""Store operations that only tests need."""

from __future__ import annotations

from il6cli.progress.store import CardRow, ReviewRow, Store


def record_review(store: Store, review: ReviewRow, card: CardRow | None) -> int:
    """Append a review and its card in one transaction, as a session does after scheduling."""
    return store.add_review(review, card)


def all_reviews(store: Store) -> list[ReviewRow]:
    """The whole log with the cards before each review, oldest first."""
    return list(store.review_log(with_card_before=True))
