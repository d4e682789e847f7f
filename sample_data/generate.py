"""Generate the demo exports in this folder: deals.csv, spend.csv and tickets.csv.

Run it from the project root with ``.venv/bin/python sample_data/generate.py``. It is seeded
(random.Random(20250101)), uses the standard library only, and writes byte-identical files on every
run, so the files can be committed and used for demos, docs and golden tests.

The data describe one small B2B software company from 2025-01-01 to 2026-06-30 (18 months):

- ``deals.csv`` looks like a Salesforce Opportunity report export (every value quoted, US dates
  M/D/YYYY, amounts mostly "$12,500.00"). About 120 accounts each run one or more "New Customer"
  deals (roughly 30 % won); the first win makes the account a customer, it gets a "Renewal" deal
  12 months later when that falls inside the window (about 85 % won, a lost renewal is churn) and
  some "Existing Customer - Upgrade" deals. Deals still running on 2026-06-30 have an open stage and
  either a blank Close Date or an expected one after the window. No deal was created before
  2024-10-01.
- ``spend.csv`` is a hand-made spend sheet: one row per month and line item, dated the month's last
  day, plain amounts. Commissions follow the bookings in deals.csv; "Retention" is the customer
  success budget, every other category is acquisition spend.
- ``tickets.csv`` looks like a Zendesk ticket export: naive local timestamps, more tickets on
  weekdays and in business hours, the satisfaction score as a 1-5 rating (blank when not rated).

The files are messy on purpose, because real exports are, and the tool must count and survive this:

- deals.csv: 15 exact duplicate rows (an Opportunity ID repeated later in the file); 3 deals that
  appear twice with a different Stage and Amount, where the later row is the current one; 5 won
  deals whose Close Date is "TBD"; 4 accounts whose Account Name is spelled with a different case
  or a trailing space in some rows ("alder logistics ltd " next to "Alder Logistics Ltd"); about
  one amount in ten written as a plain number ("12500"). Rows are sorted by Created Date and then
  Opportunity ID, except the repeated rows, which sit somewhere after their first occurrence.
- tickets.csv: 6 tickets that appear twice, first unsolved and later (further down) with Solved at
  filled; 3 tickets whose Solved at is before their Created at (a data entry error).

The script prints the counts it actually wrote.
"""

from __future__ import annotations

import calendar
import csv
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

OUT_DIR = Path(__file__).parent
SEED = 20250101

WINDOW_START = date(2025, 1, 1)
WINDOW_END = date(2026, 6, 30)
EXPORTED_AT = datetime.combine(WINDOW_END, time(23, 59, 59))
FIRST_CREATED = date(2024, 10, 1)
LAST_ACCOUNT_START = date(2026, 5, 31)

N_ACCOUNTS = 120
N_TICKETS = 3000

N_DEAL_DUPLICATES = 15
N_DEAL_EDITS = 3
N_DEAL_TBD = 5
N_ACCOUNT_SPELLINGS = 4
PLAIN_AMOUNT_SHARE = 0.1
N_TICKET_UPDATES = 6
N_TICKET_TIME_TRAVEL = 3

# ---------------------------------------------------------------------------------------------
# Word lists and business assumptions
# ---------------------------------------------------------------------------------------------

NAME_PREFIXES = (
    "Alder",
    "Birch",
    "Cedar",
    "Cobalt",
    "Copper",
    "Crescent",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Northwind",
    "Oakridge",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Riverbend",
    "Sapphire",
    "Silverline",
    "Summit",
    "Tidewater",
    "Vantage",
    "Westbrook",
    "Willow",
    "Zenith",
    "Bluefin",
    "Brightwater",
    "Highland",
    "Kestrel",
    "Larkspur",
    "Maple",
    "Orchard",
    "Pioneer",
    "Sterling",
    "Thistle",
    "Bergmann",
    "Nordström",
    "Lumière",
)
NAME_INDUSTRIES = (
    "Logistics",
    "Analytics",
    "Foods",
    "Health",
    "Capital",
    "Robotics",
    "Media",
    "Energy",
    "Systems",
    "Labs",
    "Manufacturing",
    "Retail",
    "Software",
    "Consulting",
    "Freight",
    "Pharma",
    "Insurance",
    "Telecom",
    "Hospitality",
    "Engineering",
    "Biotech",
    "Learning",
    "Construction",
    "Marine",
    "Textiles",
)
NAME_SUFFIXES = {
    "NA": ("Inc", "LLC", "Corp", "Co"),
    "EMEA": ("Ltd", "GmbH", "plc", "B.V.", "S.A.", "AB"),
    "APAC": ("Pty Ltd", "Pte Ltd", "Ltd", "K.K."),
}

REGION_WEIGHTS = {"NA": 45, "EMEA": 35, "APAC": 20}
OWNERS_BY_REGION = {
    "NA": ("Maya Thompson", "James Whitaker", "Daniel Okafor"),
    "EMEA": ("Sofia Lindqvist", "Lucas Moreau"),
    "APAC": ("Priya Raman",),
}

# lead source -> (share of accounts, win probability of a new-business deal)
LEAD_SOURCES = {
    "Web": (22, 0.25),
    "Paid Search": (18, 0.21),
    "Webinar": (12, 0.27),
    "Trade Show": (10, 0.24),
    "Partner Referral": (12, 0.38),
    "Outbound": (16, 0.15),
    "Customer Referral": (10, 0.44),
}
CONTINUE_AFTER_LOSS = 0.85

PRODUCTS = ("Core", "Pro", "Enterprise")
PRODUCT_WEIGHTS = (50, 35, 15)
ACV_RANGE = {"Core": (6_000, 15_000), "Pro": (15_000, 40_000), "Enterprise": (40_000, 150_000)}
CYCLE_MEDIAN_DAYS = {"Core": 35, "Pro": 55, "Enterprise": 95}
CYCLE_LIMITS_DAYS = {"Core": (20, 90), "Pro": (25, 120), "Enterprise": (45, 180)}

RENEWAL_WIN_RATE = 0.85
UPGRADE_WIN_RATE = 0.5
UPGRADE_MEAN_GAP_DAYS = 150
UPGRADE_RANGE = (3_000, 30_000)

WON, LOST = "Closed Won", "Closed Lost"
OPEN_STAGES = ("Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review")
NEW, RENEWAL, UPGRADE = "New Customer", "Renewal", "Existing Customer - Upgrade"

DEAL_HEADERS = (
    "Opportunity ID",
    "Opportunity Name",
    "Account Name",
    "Opportunity Owner",
    "Stage",
    "Amount",
    "Created Date",
    "Close Date",
    "Type",
    "Lead Source",
    "Region",
    "Product",
)
SPEND_HEADERS = ("Date", "Category", "Channel", "Campaign", "Amount")
TICKET_HEADERS = (
    "ID",
    "Subject",
    "Status",
    "Priority",
    "Via",
    "Assignee",
    "Organization",
    "Created at",
    "Solved at",
    "First reply at",
    "Due date",
    "Satisfaction Score",
)

AGENTS = (
    "Hannah Berg",
    "Omar Haddad",
    "Chloe Martin",
    "Ravi Patel",
    "Emma Novak",
    "Tom Gallagher",
    "Yuki Tanaka",
    "Grace Obi",
)
PRIORITY_WEIGHTS = {"Urgent": 5, "High": 20, "Normal": 55, "Low": 20}
SLA_HOURS = {"Urgent": 4, "High": 8, "Normal": 24, "Low": 72}
# priority -> (median hours, sigma) of the lognormal time to solve and to first reply
SOLVE_HOURS = {
    "Urgent": (1.8, 0.6),
    "High": (4.5, 0.55),
    "Normal": (15.0, 0.45),
    "Low": (32.0, 0.7),
}
REPLY_HOURS = {"Urgent": (0.25, 0.8), "High": (0.75, 0.9), "Normal": (2.5, 0.9), "Low": (5.0, 0.9)}
LONG_TAIL_SHARE = 0.04
VIA_WEIGHTS = {"Email": 40, "Web form": 25, "Chat": 20, "Phone": 15}
SUBJECTS = (
    "Cannot log in after password reset",
    "Invoice shows the wrong amount",
    "Export to CSV fails with an error",
    "How do I add more users?",
    "API returns 429 errors",
    "SSO configuration with Okta",
    "Dashboard loads very slowly",
    "Report totals look wrong",
    "Salesforce sync stopped working",
    "Please update our billing address",
    "Feature request: custom fields on reports",
    "Data import stuck at 90%",
    "Email notifications not arriving",
    "Question about our renewal quote",
    "User locked out of account",
    "Webhook deliveries failing",
    "Need a copy of our contract",
    "Mobile app crashes on start",
    "Permissions for a new team",
    "Scheduled report not sent",
)
RATING_WEIGHTS = {1: 4, 2: 5, 3: 9, 4: 30, 5: 52}
RATED_SHARE = 0.35
NO_REPLY_SHARE = 0.03
DUE_DATE_SHARE = 0.6
UNSOLVED_SHARE = 0.04


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def days(n: float) -> timedelta:
    return timedelta(days=n)


def weighted(rng: random.Random, weights: dict[str, int] | dict[int, int]) -> str | int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def round_to(value: float, step: int = 50) -> int:
    return int(round(value / step)) * step


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(0.0, sigma) * median


def add_year(day: date) -> date:
    return day.replace(year=day.year + 1, day=min(day.day, 28) if day.month == 2 else day.day)


def month_ends(start: date, end: date) -> list[date]:
    result = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        result.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]], quote_all: bool
) -> None:
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=quoting, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)


def insert_later(
    rows: list[list[str]], extras: list[tuple[int, list[str]]], rng: random.Random
) -> list[list[str]]:
    """Place each (index, row) extra at a random position after the row at that index."""
    keyed = [((float(i), 0), row) for i, row in enumerate(rows)]
    for index, row in extras:
        position = rng.randint(index, len(rows) - 1) + 0.5
        keyed.append(((position, 1), row))
    keyed.sort(key=lambda item: item[0])
    return [row for _, row in keyed]


# ---------------------------------------------------------------------------------------------
# Deals
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    name: str
    region: str
    owner: str
    source: str
    product: str
    start: date


@dataclass(frozen=True)
class Deal:
    deal_id: str
    name: str
    account: str
    owner: str
    stage: str
    amount: int
    created: date
    close: date | None
    deal_type: str
    source: str
    region: str
    product: str


@dataclass(frozen=True)
class CustomerLife:
    account: Account
    acquired: date | None
    churned: date | None


class IdMaker:
    """Salesforce-looking 15-character record ids, unique within one run."""

    def __init__(self, rng: random.Random, prefix: str) -> None:
        self.rng, self.prefix, self.used = rng, prefix, set[str]()

    def __call__(self) -> str:
        alphabet = string.ascii_letters + string.digits
        while True:
            candidate = self.prefix + "".join(self.rng.choices(alphabet, k=12))
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate


def make_accounts(rng: random.Random) -> list[Account]:
    pairs = [(p, i) for p in NAME_PREFIXES for i in NAME_INDUSTRIES]
    span = (LAST_ACCOUNT_START - FIRST_CREATED).days
    accounts = []
    for prefix, industry in rng.sample(pairs, N_ACCOUNTS):
        region = str(weighted(rng, REGION_WEIGHTS))
        source = rng.choices(list(LEAD_SOURCES), weights=[w for w, _ in LEAD_SOURCES.values()])[0]
        accounts.append(
            Account(
                name=f"{prefix} {industry} {rng.choice(NAME_SUFFIXES[region])}",
                region=region,
                owner=rng.choice(OWNERS_BY_REGION[region]),
                source=source,
                product=rng.choices(PRODUCTS, weights=PRODUCT_WEIGHTS)[0],
                start=FIRST_CREATED + days(int(span * rng.random() ** 1.25)),
            )
        )
    return accounts


def contract_value(rng: random.Random, product: str) -> int:
    low, high = ACV_RANGE[product]
    return round_to(rng.triangular(low, high, low + (high - low) * 0.3))


def sales_cycle(rng: random.Random, product: str) -> int:
    low, high = CYCLE_LIMITS_DAYS[product]
    return int(clamp(lognormal(rng, CYCLE_MEDIAN_DAYS[product], 0.4), low, high))


def open_stage(created: date, planned_close: date) -> str:
    progress = (WINDOW_END - created).days / max(1, (planned_close - created).days)
    return OPEN_STAGES[min(3, int(progress * 4))]


def open_close_date(rng: random.Random, planned_close: date) -> date | None:
    return None if rng.random() < 0.5 else planned_close


def deal(
    make_id: IdMaker,
    account: Account,
    *,
    title: str,
    stage: str,
    amount: int,
    created: date,
    close: date | None,
    deal_type: str,
    product: str,
) -> Deal:
    return Deal(
        deal_id=make_id(),
        name=f"{account.name} - {title}",
        account=account.name,
        owner=account.owner,
        stage=stage,
        amount=amount,
        created=created,
        close=close,
        deal_type=deal_type,
        source=account.source,
        region=account.region,
        product=product,
    )


def new_business(rng: random.Random, make_id: IdMaker, account: Account) -> list[Deal]:
    """New-customer deals until one is won, the account gives up or the window ends."""
    deals: list[Deal] = []
    win_rate = LEAD_SOURCES[account.source][1]
    created = account.start
    while created <= WINDOW_END:
        product = account.product if rng.random() < 0.8 else rng.choice(PRODUCTS)
        title, amount = f"{product} - New Business", contract_value(rng, product)
        planned = created + days(sales_cycle(rng, product))
        if planned < WINDOW_START:
            planned = WINDOW_START + days(rng.randint(0, 20))
        if planned > WINDOW_END:
            stage, close = open_stage(created, planned), open_close_date(rng, planned)
            deals.append(
                deal(
                    make_id,
                    account,
                    title=title,
                    stage=stage,
                    amount=amount,
                    created=created,
                    close=close,
                    deal_type=NEW,
                    product=product,
                )
            )
            break
        won = rng.random() < win_rate
        if not won:
            planned = max(
                created + days(7), created + days((planned - created).days * rng.uniform(0.4, 1))
            )
            planned = max(planned, WINDOW_START)
        deals.append(
            deal(
                make_id,
                account,
                title=title,
                stage=WON if won else LOST,
                amount=amount,
                created=created,
                close=planned,
                deal_type=NEW,
                product=product,
            )
        )
        if won or rng.random() > CONTINUE_AFTER_LOSS:
            break
        created = planned + days(rng.randint(14, 120))
    return deals


def renewal(rng: random.Random, make_id: IdMaker, account: Account, first: Deal) -> Deal | None:
    assert first.close is not None
    anniversary = add_year(first.close)
    if anniversary > WINDOW_END:
        return None
    won = rng.random() < RENEWAL_WIN_RATE
    offset = -rng.randint(0, 14) if won else rng.randint(0, 7)
    close = min(WINDOW_END, anniversary + days(offset))
    return deal(
        make_id,
        account,
        title=f"{first.product} - Renewal {anniversary.year}",
        stage=WON if won else LOST,
        amount=round_to(first.amount * rng.uniform(0.9, 1.1)),
        created=anniversary - days(rng.randint(45, 90)),
        close=close,
        deal_type=RENEWAL,
        product=first.product,
    )


def upgrades(
    rng: random.Random, make_id: IdMaker, account: Account, first: Deal, churned: date | None
) -> list[Deal]:
    assert first.close is not None
    end = churned or WINDOW_END
    deals: list[Deal] = []
    created = first.close + days(int(rng.expovariate(1 / UPGRADE_MEAN_GAP_DAYS)))
    while created < end:
        tier = PRODUCTS.index(first.product)
        product = PRODUCTS[min(2, tier + 1)] if rng.random() < 0.4 else first.product
        title = f"{product} - Upgrade" if product != first.product else f"{product} - Add-on Seats"
        amount = round_to(rng.uniform(*UPGRADE_RANGE))
        planned = created + days(rng.randint(15, 60))
        if churned is not None and planned > churned:
            break
        if planned > WINDOW_END:
            deals.append(
                deal(
                    make_id,
                    account,
                    title=title,
                    stage=open_stage(created, planned),
                    amount=amount,
                    created=created,
                    close=open_close_date(rng, planned),
                    deal_type=UPGRADE,
                    product=product,
                )
            )
            break
        stage = WON if rng.random() < UPGRADE_WIN_RATE else LOST
        deals.append(
            deal(
                make_id,
                account,
                title=title,
                stage=stage,
                amount=amount,
                created=created,
                close=planned,
                deal_type=UPGRADE,
                product=product,
            )
        )
        created = planned + days(int(rng.expovariate(1 / UPGRADE_MEAN_GAP_DAYS)))
    return deals


def account_deals(
    rng: random.Random, make_id: IdMaker, account: Account
) -> tuple[list[Deal], CustomerLife]:
    deals = new_business(rng, make_id, account)
    first_won = next((d for d in deals if d.stage == WON), None)
    if first_won is None:
        return deals, CustomerLife(account, None, None)
    renewal_deal = renewal(rng, make_id, account, first_won)
    churned = None
    if renewal_deal is not None:
        deals.append(renewal_deal)
        churned = renewal_deal.close if renewal_deal.stage == LOST else None
    deals.extend(upgrades(rng, make_id, account, first_won, churned))
    return deals, CustomerLife(account, first_won.close, churned)


def simulate_deals(
    rng: random.Random, accounts: list[Account]
) -> tuple[list[Deal], list[CustomerLife]]:
    make_id = IdMaker(rng, "006")
    deals: list[Deal] = []
    lives: list[CustomerLife] = []
    for account in accounts:
        account_rows, life = account_deals(rng, make_id, account)
        deals.extend(account_rows)
        lives.append(life)
    deals.sort(key=lambda d: (d.created, d.deal_id))
    return deals, lives


def format_amount(rng: random.Random, amount: float) -> str:
    return str(int(amount)) if rng.random() < PLAIN_AMOUNT_SHARE else f"${amount:,.2f}"


def deal_row(rng: random.Random, d: Deal) -> list[str]:
    return [
        d.deal_id,
        d.name,
        d.account,
        d.owner,
        d.stage,
        format_amount(rng, d.amount),
        us_date(d.created),
        us_date(d.close) if d.close else "",
        d.deal_type,
        d.source,
        d.region,
        d.product,
    ]


def respell(name: str, style: int) -> str:
    return (name.lower() + " ", name + " ", name.upper(), name.lower())[style % 4]


def misspell_accounts(rng: random.Random, rows: list[list[str]]) -> int:
    """Re-spell the Account Name in about a third of the rows of a few busy accounts."""
    by_account: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_account.setdefault(row[2], []).append(index)
    busy = sorted(name for name, indices in by_account.items() if len(indices) >= 4)
    changed = 0
    for style, name in enumerate(rng.sample(busy, N_ACCOUNT_SPELLINGS)):
        indices = by_account[name]
        picked = [i for i in indices[1:] if rng.random() < 0.35] or [indices[-1]]
        for index in picked:
            rows[index][2] = respell(name, style)
        changed += len(picked)
    return changed


def stale_version(rng: random.Random, row: list[str]) -> list[str]:
    """The same deal as an earlier export saw it: still negotiating, at an older price."""
    amount = round_to(float(row[5].lstrip("$").replace(",", "")) * rng.uniform(0.8, 0.95))
    stale = list(row)
    stale[4], stale[5] = "Negotiation/Review", format_amount(rng, amount)
    return stale


def messy_deal_rows(
    rng: random.Random, deals: list[Deal]
) -> tuple[list[list[str]], dict[str, int]]:
    rows = [deal_row(rng, d) for d in deals]
    respelled = misspell_accounts(rng, rows)
    won = [i for i, d in enumerate(deals) if d.stage == WON]
    picked = rng.sample(won, N_DEAL_TBD + N_DEAL_EDITS)
    for index in picked[:N_DEAL_TBD]:
        rows[index][7] = "TBD"
    extras: list[tuple[int, list[str]]] = []
    for index in picked[N_DEAL_TBD:]:
        extras.append((index, rows[index]))
        rows[index] = stale_version(rng, rows[index])
    others = [i for i in range(len(rows)) if i not in set(picked)]
    extras += [(i, list(rows[i])) for i in rng.sample(others, N_DEAL_DUPLICATES)]
    counts = {
        "rows": len(rows) + len(extras),
        "distinct deals": len(rows),
        "exact duplicate rows": N_DEAL_DUPLICATES,
        "edited deals (stale row first)": N_DEAL_EDITS,
        "won deals with Close Date TBD": N_DEAL_TBD,
        "accounts re-spelled": N_ACCOUNT_SPELLINGS,
        "rows with a re-spelled account": respelled,
    }
    return insert_later(rows, extras, rng), counts


# ---------------------------------------------------------------------------------------------
# Spend
# ---------------------------------------------------------------------------------------------

SEASONS = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "autumn",
    10: "autumn",
    11: "autumn",
}
LINKEDIN_THEMES = ("abm-finance-leaders", "abm-ops-leaders", "abm-it-leaders", "abm-retargeting")
RETENTION_PROGRAMS = (
    "onboarding-academy",
    "health-check-calls",
    "customer-advisory-board",
    "renewal-playbook",
)
TRADE_SHOW_MONTHS = (3, 6, 9, 11)
COMMISSION_RATE = 0.08


def bookings_by_month(deals: list[Deal]) -> dict[tuple[int, int], int]:
    totals: dict[tuple[int, int], int] = {}
    for d in deals:
        if d.stage == WON and d.close and d.deal_type in (NEW, UPGRADE):
            key = (d.close.year, d.close.month)
            totals[key] = totals.get(key, 0) + d.amount
    return totals


def spend_lines(
    rng: random.Random, month_end: date, index: int, bookings: int
) -> list[tuple[str, str, str, float]]:
    """(category, channel, campaign, amount) of one month; index counts months from the start."""
    quarter = f"Q{(month_end.month - 1) // 3 + 1}"
    season = SEASONS[month_end.month]
    growth = 1.025**index
    show_month = month_end.month in TRADE_SHOW_MONTHS
    salary_base = 39_600 if month_end.year == 2025 else 41_600
    return [
        (
            "Advertising",
            "Google Ads",
            f"{quarter}-brand-search",
            11_000 * growth * rng.uniform(0.9, 1.1),
        ),
        (
            "Advertising",
            "LinkedIn Ads",
            f"{quarter}-{LINKEDIN_THEMES[int(quarter[1]) - 1]}",
            5_500 * growth * rng.uniform(0.85, 1.15),
        ),
        ("Events", "Webinars", f"{season}-webinar-series", rng.uniform(1_500, 3_500)),
        (
            "Events",
            "Trade Shows",
            f"{season}-trade-show",
            rng.uniform(12_000, 22_000) if show_month else rng.uniform(300, 1_200),
        ),
        ("Sales salaries", "Sales team", "", salary_base * rng.uniform(0.99, 1.01)),
        (
            "Commissions",
            "Sales team",
            "",
            bookings * COMMISSION_RATE + rng.choice((0, 0, 500, 1_000)),
        ),
        (
            "Marketing tools",
            "Software subscriptions",
            "",
            (3_200 + 200 * (index // 6)) * rng.uniform(0.97, 1.03),
        ),
        (
            "Retention",
            "Customer Success",
            RETENTION_PROGRAMS[int(quarter[1]) - 1],
            (5_000 + 260 * index) * rng.uniform(0.92, 1.08),
        ),
    ]


def spend_rows(rng: random.Random, deals: list[Deal]) -> list[list[str]]:
    bookings = bookings_by_month(deals)
    rows = []
    for index, month_end in enumerate(month_ends(WINDOW_START, WINDOW_END)):
        booked = bookings.get((month_end.year, month_end.month), 0)
        for category, channel, campaign, amount in spend_lines(rng, month_end, index, booked):
            rows.append([month_end.isoformat(), category, channel, campaign, f"{amount:.2f}"])
    return rows


# ---------------------------------------------------------------------------------------------
# Tickets
# ---------------------------------------------------------------------------------------------


@dataclass
class Ticket:
    ticket_id: int
    subject: str
    status: str
    priority: str
    via: str
    assignee: str
    organization: str
    created: datetime
    solved: datetime | None
    first_reply: datetime | None
    due: datetime | None
    rating: int | None


def ticket_days(rng: random.Random) -> list[date]:
    span = (WINDOW_END - WINDOW_START).days + 1
    calendar_days = [WINDOW_START + days(i) for i in range(span)]
    weights = [
        (1.0 if d.weekday() < 5 else 0.2) * (0.6 + 0.8 * i / span)
        for i, d in enumerate(calendar_days)
    ]
    return sorted(rng.choices(calendar_days, weights=weights, k=N_TICKETS))


def ticket_time(rng: random.Random) -> time:
    if rng.random() < 0.87:
        hour = rng.choices(range(8, 18), weights=(5, 9, 10, 9, 6, 8, 9, 8, 6, 4))[0]
    else:
        hour = rng.choice((0, 1, 5, 6, 7, 18, 19, 20, 21, 22, 23))
    return time(hour, rng.randrange(60), rng.randrange(60))


def organization(rng: random.Random, lives: list[CustomerLife], day: date) -> str:
    active = [
        life
        for life in lives
        if life.acquired and life.acquired <= day and (life.churned is None or life.churned > day)
    ]
    if len(active) < 3:
        active = [life for life in lives if life.account.start <= day]
    weights = [PRODUCTS.index(life.account.product) + 1 for life in active]
    return rng.choices(active, weights=weights)[0].account.name


def solve_hours(rng: random.Random, priority: str) -> float:
    hours = lognormal(rng, *SOLVE_HOURS[priority])
    if rng.random() < LONG_TAIL_SHARE:
        hours *= rng.uniform(3, 8)
    return clamp(hours, 0.5, 240)


def during_working_hours(rng: random.Random, moment: datetime) -> datetime:
    """Move a moment that falls at night to the next morning, when agents are back."""
    if 8 <= moment.hour < 19:
        return moment
    morning = moment.date() + days(1) if moment.hour >= 19 else moment.date()
    return datetime.combine(morning, time(8)) + timedelta(minutes=rng.uniform(0, 120))


def reply_hours(rng: random.Random, priority: str, via: str) -> float:
    hours = lognormal(rng, *REPLY_HOURS[priority]) * (0.3 if via in ("Chat", "Phone") else 1)
    return clamp(hours, 5 / 60, 30)


def make_ticket(
    rng: random.Random, ticket_id: int, created: datetime, lives: list[CustomerLife]
) -> Ticket:
    priority = str(weighted(rng, PRIORITY_WEIGHTS))
    via = str(weighted(rng, VIA_WEIGHTS))
    solved: datetime | None = created + timedelta(hours=solve_hours(rng, priority))
    if solved is not None and priority in ("Normal", "Low"):
        solved = during_working_hours(rng, solved)
    reply: datetime | None = created + timedelta(hours=reply_hours(rng, priority, via))
    if solved is not None and reply is not None:
        reply = min(reply, solved - timedelta(minutes=rng.randint(1, 10)))
    if rng.random() < NO_REPLY_SHARE:
        reply = None
    due = created + timedelta(hours=SLA_HOURS[priority]) if rng.random() < DUE_DATE_SHARE else None
    if solved is not None and solved > EXPORTED_AT:
        solved = None
    return Ticket(
        ticket_id=ticket_id,
        subject=rng.choice(SUBJECTS),
        status="",
        priority=priority,
        via=via,
        assignee=rng.choice(AGENTS),
        organization=organization(rng, lives, created.date()),
        created=created,
        solved=solved,
        first_reply=reply,
        due=due,
        rating=None,
    )


def leave_some_unsolved(rng: random.Random, tickets: list[Ticket]) -> None:
    """Top up the naturally unsolved (solved after the export) to about 4 %, mostly recent."""
    target = round(UNSOLVED_SHARE * len(tickets))
    missing = target - sum(t.solved is None for t in tickets)
    recent_from = EXPORTED_AT - timedelta(days=45)
    recent = [t for t in tickets if t.solved and t.created >= recent_from]
    older = [t for t in tickets if t.solved and t.created < recent_from]
    n_recent = min(len(recent), round(missing * 0.75))
    for ticket in rng.sample(recent, n_recent) + rng.sample(older, max(0, missing - n_recent)):
        ticket.solved = None


def finish_ticket(rng: random.Random, ticket: Ticket) -> None:
    if ticket.solved is None:
        ticket.status = rng.choice(("Open", "Open", "Pending"))
        if ticket.status == "Open" and rng.random() < 0.3:
            ticket.assignee = ""
        return
    closed = ticket.solved <= EXPORTED_AT - timedelta(days=4)
    ticket.status = "Closed" if closed else "Solved"
    if rng.random() < RATED_SHARE:
        ticket.rating = int(weighted(rng, RATING_WEIGHTS))


def simulate_tickets(rng: random.Random, lives: list[CustomerLife]) -> list[Ticket]:
    """Tickets in creation order; ids grow with time and skip a few (deleted spam tickets)."""
    created_times = sorted(datetime.combine(day, ticket_time(rng)) for day in ticket_days(rng))
    tickets = []
    ticket_id = 48_213
    for created in created_times:
        tickets.append(make_ticket(rng, ticket_id, created, lives))
        ticket_id += 1 if rng.random() < 0.93 else rng.randint(2, 4)
    leave_some_unsolved(rng, tickets)
    for ticket in tickets:
        finish_ticket(rng, ticket)
    return tickets


def optional_timestamp(moment: datetime | None) -> str:
    return timestamp(moment) if moment else ""


def ticket_row(t: Ticket) -> list[str]:
    return [
        str(t.ticket_id),
        t.subject,
        t.status,
        t.priority,
        t.via,
        t.assignee,
        t.organization,
        timestamp(t.created),
        optional_timestamp(t.solved),
        optional_timestamp(t.first_reply),
        optional_timestamp(t.due),
        str(t.rating) if t.rating else "",
    ]


def unsolved_version(rng: random.Random, row: list[str]) -> list[str]:
    stale = list(row)
    stale[2], stale[8], stale[11] = rng.choice(("Open", "Pending")), "", ""
    return stale


def messy_ticket_rows(
    rng: random.Random, tickets: list[Ticket]
) -> tuple[list[list[str]], dict[str, int]]:
    rows = [ticket_row(t) for t in tickets]
    solved = [i for i, t in enumerate(tickets) if t.solved is not None]
    picked = rng.sample(solved, N_TICKET_UPDATES + N_TICKET_TIME_TRAVEL)
    extras: list[tuple[int, list[str]]] = []
    for index in picked[:N_TICKET_UPDATES]:
        extras.append((index, rows[index]))
        rows[index] = unsolved_version(rng, rows[index])
    for index in picked[N_TICKET_UPDATES:]:
        rows[index][8] = timestamp(tickets[index].created - timedelta(hours=rng.uniform(2, 72)))
    counts = {
        "rows": len(rows) + len(extras),
        "distinct tickets": len(rows),
        "tickets repeated with a later update": N_TICKET_UPDATES,
        "tickets solved before created": N_TICKET_TIME_TRAVEL,
    }
    return insert_later(rows, extras, rng), counts


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def report(name: str, counts: dict[str, int], show: Callable[[str], None] = print) -> None:
    show(f"{name}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))


def main() -> None:
    rng = random.Random(SEED)
    accounts = make_accounts(rng)
    deals, lives = simulate_deals(rng, accounts)
    deal_rows, deal_counts = messy_deal_rows(rng, deals)
    write_csv(OUT_DIR / "deals.csv", DEAL_HEADERS, deal_rows, quote_all=True)
    spend = spend_rows(rng, deals)
    write_csv(OUT_DIR / "spend.csv", SPEND_HEADERS, spend, quote_all=False)
    tickets = simulate_tickets(rng, lives)
    ticket_rows, ticket_counts = messy_ticket_rows(rng, tickets)
    write_csv(OUT_DIR / "tickets.csv", TICKET_HEADERS, ticket_rows, quote_all=False)
    report("deals.csv", deal_counts)
    report("spend.csv", {"rows": len(spend)})
    report("tickets.csv", ticket_counts)


if __name__ == "__main__":
    main()
