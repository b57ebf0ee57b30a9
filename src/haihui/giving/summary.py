"""Figures of the fund-use page: shares that add up to 100 % as printed, and the balance."""

from dataclasses import dataclass

from haihui.giving.fund_use import Account, FundUse

TENTHS_IN_WHOLE = 1000  # shares are printed to one decimal place: 100.0 % is 1000 tenths


def shares_in_tenths(amounts: list[int]) -> list[int]:
    """Each amount's share of the total in tenths of a percent, summing to exactly 1000.

    Largest-remainder rounding: every share is rounded down, and the tenths still
    missing go to the largest remainders (the earlier row wins a tie), so no share
    is more than 0.1 % from its exact value and the printed column adds up.
    """
    total = sum(amounts)
    if total <= 0:
        raise ValueError("shares of a total that is not positive")
    exact = [amount * TENTHS_IN_WHOLE for amount in amounts]
    floors = [value // total for value in exact]
    missing = TENTHS_IN_WHOLE - sum(floors)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(exact[i] % total), i))
    for index in by_remainder[:missing]:
        floors[index] += 1
    return floors


def percent_text(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}%"


@dataclass(frozen=True)
class AccountRow:
    id: str
    names: dict[str, str]
    amount_fen: int
    share_tenths: int

    @property
    def percent(self) -> str:
        return percent_text(self.share_tenths)


@dataclass(frozen=True)
class AccountView:
    total_fen: int
    rows: tuple[AccountRow, ...]

    @property
    def largest_share_tenths(self) -> int:
        return max(row.share_tenths for row in self.rows)


@dataclass(frozen=True)
class FundUseSummary:
    income: AccountView
    expenditure: AccountView
    balance_fen: int  # income not yet spent in the period, carried forward


def account_view(account: Account) -> AccountView:
    ids = list(account.categories)
    shares = shares_in_tenths([c.amount_fen for c in account.categories.values()])
    return AccountView(
        account.total_fen,
        tuple(
            AccountRow(i, dict(account.categories[i].names), account.categories[i].amount_fen, share)
            for i, share in zip(ids, shares, strict=True)
        ),
    )


def summarise(fund_use: FundUse) -> FundUseSummary:
    return FundUseSummary(
        income=account_view(fund_use.income),
        expenditure=account_view(fund_use.expenditure),
        balance_fen=fund_use.income.total_fen - fund_use.expenditure.total_fen,
    )
