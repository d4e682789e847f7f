"""Generate the demo exports in this folder: deals.csv, spend.csv and tickets.csv, and the seed
catalogue's leads.csv (a HubSpot contacts export), activities.csv (Pipedrive activities) and
stage_history.csv (a Salesforce Opportunity History report), drawn from the same deals.

Run it from the project root with ``.venv/bin/python sample_data/generate.py``. It is seeded
(random.Random(20250101)), uses the standard library only and writes byte-identical files on every
run, so the files can be committed and used for demos, docs and golden tests.

The data describe one small B2B software company from 2025-01-01 to 2026-06-30 (18 months):

- ``deals.csv`` looks like a Salesforce Opportunity report export (every value quoted, US dates
  M/D/YYYY, amounts mostly "$12,500.00"). 120 accounts (N_ACCOUNTS) each run "New Customer" deals
  (roughly 30 % won) until one is won, they give up or the window ends; the first win makes the
  account a customer. A customer gets a "Renewal" deal 12 months later when that date falls inside
  the window (about 85 % won; a lost renewal is churn) and now and then an "Existing Customer -
  Upgrade" deal. Deals still running on 2026-06-30 have an open stage and either a blank Close Date
  or an expected one after the window. No deal was created before 2024-10-01. The row count
  follows from the accounts and the win rate (about 3 rows per account); raise N_ACCOUNTS for a
  bigger file, at the price of a very low CAC against the fixed spend sheet.
- ``spend.csv`` is a hand-made spend sheet: one row per month and line item, dated the month's last
  day, plain amounts. Commissions follow the bookings in deals.csv; "Retention" is the customer
  success budget, every other category is acquisition spend.
- ``tickets.csv`` looks like a Zendesk ticket export: naive local timestamps, more tickets on
  weekdays and in business hours, organizations taken from the customers of deals.csv, and the
  satisfaction score as a 1-5 rating (blank when not rated).

The files are messy on purpose, because real exports are, and the tool must count and survive it:

- deals.csv: 15 exact duplicate rows (an Opportunity ID repeated further down); 3 deals that appear
  twice with a different Stage and Amount, where the later row is the current one; 5 won deals
  whose Close Date is "TBD"; 4 accounts whose Account Name is spelled with another case or a
  trailing space in some of their rows ("alder logistics ltd " next to "Alder Logistics Ltd");
  about one amount in ten written as a plain number ("12500"). Rows are sorted by Created Date and
  Opportunity ID, except the repeated rows, which sit somewhere after their first occurrence.
- tickets.csv: 6 tickets that appear twice, first unsolved and further down with Solved at filled;
  3 tickets whose Solved at is before their Created at (a data entry error).

The script prints the counts it wrote.
"""

from __future__ import annotations

import calendar
import csv
import random
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

K = TypeVar("K")

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

# --- deals: word lists and business assumptions -------------------------------------------------

NAME_PREFIXES = (
    "Alder", "Birch", "Cedar", "Cobalt", "Copper", "Crescent", "Evergreen", "Falcon", "Granite",
    "Harbor", "Ironwood", "Juniper", "Keystone", "Lakeside", "Meridian", "Northwind", "Oakridge",
    "Pinnacle", "Quarry", "Redwood", "Riverbend", "Sapphire", "Silverline", "Summit", "Tidewater",
    "Vantage", "Westbrook", "Willow", "Zenith", "Bluefin", "Brightwater", "Highland", "Kestrel",
    "Larkspur", "Maple", "Orchard", "Pioneer", "Sterling", "Thistle", "Bergmann", "Nordström",
    "Lumière",
)  # fmt: skip
NAME_INDUSTRIES = (
    "Logistics", "Analytics", "Foods", "Health", "Capital", "Robotics", "Media", "Energy",
    "Systems", "Labs", "Manufacturing", "Retail", "Software", "Consulting", "Freight", "Pharma",
    "Insurance", "Telecom", "Hospitality", "Engineering", "Biotech", "Learning", "Construction",
    "Marine", "Textiles",
)  # fmt: skip
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
# lead source -> (weight among accounts, win probability of one new-business deal)
LEAD_SOURCES = {
    "Web": (22, 0.34),
    "Paid Search": (18, 0.30),
    "Webinar": (12, 0.36),
    "Trade Show": (10, 0.33),
    "Partner Referral": (12, 0.48),
    "Outbound": (16, 0.24),
    "Customer Referral": (10, 0.54),
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
    "Opportunity ID", "Opportunity Name", "Account Name", "Opportunity Owner", "Stage", "Amount",
    "Created Date", "Close Date", "Type", "Lead Source", "Region", "Product",
)  # fmt: skip

# --- spend ----------------------------------------------------------------------------------------

SPEND_HEADERS = ("Date", "Category", "Channel", "Campaign", "Amount")
SEASONS = ("winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer",
           "autumn", "autumn", "autumn", "winter")  # fmt: skip
LINKEDIN_THEMES = ("abm-finance-leaders", "abm-ops-leaders", "abm-it-leaders", "abm-retargeting")
RETENTION_PROGRAMS = ("onboarding-academy", "health-check-calls", "customer-advisory-board",
                      "renewal-playbook")  # fmt: skip
TRADE_SHOW_MONTHS = (3, 6, 9, 11)
COMMISSION_RATE = 0.08

# --- tickets --------------------------------------------------------------------------------------

TICKET_HEADERS = (
    "ID", "Subject", "Status", "Priority", "Via", "Assignee", "Organization", "Created at",
    "Solved at", "First reply at", "Due date", "Satisfaction Score",
)  # fmt: skip
FIRST_TICKET_ID = 48_213
AGENTS = (
    "Hannah Berg", "Omar Haddad", "Chloe Martin", "Ravi Patel", "Emma Novak", "Tom Gallagher",
    "Yuki Tanaka", "Grace Obi",
)  # fmt: skip
PRIORITY_WEIGHTS = {"Urgent": 5, "High": 20, "Normal": 55, "Low": 20}
SLA_HOURS = {"Urgent": 4, "High": 8, "Normal": 24, "Low": 72}
# priority -> (median hours, sigma) of a lognormal time to solve / to first reply
SOLVE_HOURS = {"Urgent": (1.8, 0.6), "High": (4.5, 0.55), "Normal": (14.0, 0.45), "Low": (32, 0.7)}
REPLY_HOURS = {"Urgent": (0.25, 0.8), "High": (0.75, 0.9), "Normal": (2.5, 0.9), "Low": (5.0, 0.9)}
LONG_TAIL_SHARE = 0.04  # tickets waiting on the customer: 3-8 times longer
VIA_WEIGHTS = {"Email": 40, "Web form": 25, "Chat": 20, "Phone": 15}
SUBJECTS = (
    "Cannot log in after password reset", "Invoice shows the wrong amount",
    "Export to CSV fails with an error", "How do I add more users?", "API returns 429 errors",
    "SSO configuration with Okta", "Dashboard loads very slowly", "Report totals look wrong",
    "Salesforce sync stopped working", "Please update our billing address",
    "Feature request: custom fields on reports", "Data import stuck at 90%",
    "Email notifications not arriving", "Question about our renewal quote",
    "User locked out of account", "Webhook deliveries failing", "Need a copy of our contract",
    "Mobile app crashes on start", "Permissions for a new team", "Scheduled report not sent",
)  # fmt: skip
RATING_WEIGHTS = {1: 4, 2: 5, 3: 9, 4: 30, 5: 52}
RATED_SHARE = 0.35
NO_REPLY_SHARE = 0.03
DUE_DATE_SHARE = 0.6
UNSOLVED_SHARE = 0.04


# --- small helpers --------------------------------------------------------------------------------


def days(n: float) -> timedelta:
    return timedelta(days=n)


def weighted(rng: random.Random, weights: dict[K, int]) -> K:
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


def timestamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def write_csv(path: Path, headers: Sequence[str], rows: list[list[str]], quote_all: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        writer = csv.writer(handle, quoting=quoting, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)


def insert_later(
    rows: list[list[str]], extras: list[tuple[int, list[str]]], rng: random.Random
) -> list[list[str]]:
    """Place each (index, row) of extras at a random position after rows[index]."""
    keyed = [((float(i), 0), row) for i, row in enumerate(rows)]
    for index, row in extras:
        keyed.append(((rng.randint(index, len(rows) - 1) + 0.5, 1), row))
    keyed.sort(key=lambda item: item[0])
    return [row for _, row in keyed]


# --- deals ----------------------------------------------------------------------------------------


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

    ALPHABET = string.ascii_letters + string.digits

    def __init__(self, rng: random.Random, prefix: str) -> None:
        self.rng = rng
        self.prefix = prefix
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            candidate = self.prefix + "".join(self.rng.choices(self.ALPHABET, k=12))
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate


def make_accounts(rng: random.Random) -> list[Account]:
    pairs = [(prefix, industry) for prefix in NAME_PREFIXES for industry in NAME_INDUSTRIES]
    span = (LAST_ACCOUNT_START - FIRST_CREATED).days
    accounts = []
    for prefix, industry in rng.sample(pairs, N_ACCOUNTS):
        region = weighted(rng, REGION_WEIGHTS)
        accounts.append(
            Account(
                name=f"{prefix} {industry} {rng.choice(NAME_SUFFIXES[region])}",
                region=region,
                owner=rng.choice(OWNERS_BY_REGION[region]),
                source=weighted(rng, {name: share for name, (share, _) in LEAD_SOURCES.items()}),
                product=rng.choices(PRODUCTS, weights=PRODUCT_WEIGHTS)[0],
                start=FIRST_CREATED + days(int(span * rng.random() ** 1.4)),
            )
        )
    return accounts


def contract_value(rng: random.Random, product: str) -> int:
    low, high = ACV_RANGE[product]
    return round_to(rng.triangular(low, high, low + (high - low) * 0.3))


def sales_cycle(rng: random.Random, product: str) -> int:
    low, high = CYCLE_LIMITS_DAYS[product]
    return int(clamp(lognormal(rng, CYCLE_MEDIAN_DAYS[product], 0.4), low, high))


def not_before_window(rng: random.Random, day: date) -> date:
    return day if day >= WINDOW_START else WINDOW_START + days(rng.randint(0, 20))


def open_stage(created: date, planned_close: date) -> str:
    progress = (WINDOW_END - created).days / max(1, (planned_close - created).days)
    return OPEN_STAGES[min(3, int(progress * 4))]


@dataclass(frozen=True)
class DealPlan:
    title: str
    outcome: str
    amount: int
    created: date
    close: date
    deal_type: str
    product: str


def make_deal(rng: random.Random, make_id: IdMaker, account: Account, plan: DealPlan) -> Deal:
    """A deal as the export on WINDOW_END shows it: open, with a blank or future close, if its
    planned close is after the window."""
    stage, close = plan.outcome, plan.close
    if plan.close > WINDOW_END:
        stage = open_stage(plan.created, plan.close)
        close = None if rng.random() < 0.5 else plan.close
    return Deal(
        deal_id=make_id(), name=f"{account.name} - {plan.title}", account=account.name,
        owner=account.owner, stage=stage, amount=plan.amount, created=plan.created, close=close,
        deal_type=plan.deal_type, source=account.source, region=account.region,
        product=plan.product,
    )  # fmt: skip


def new_business(rng: random.Random, make_id: IdMaker, account: Account) -> list[Deal]:
    """New-customer deals until one is won, the account gives up or the window ends."""
    deals: list[Deal] = []
    win_rate = LEAD_SOURCES[account.source][1]
    created = account.start
    while created <= WINDOW_END:
        product = account.product if rng.random() < 0.8 else rng.choice(PRODUCTS)
        won = rng.random() < win_rate
        cycle = sales_cycle(rng, product) * (1.0 if won else rng.uniform(0.4, 1.0))
        close = not_before_window(rng, created + days(max(7, int(cycle))))
        plan = DealPlan(f"{product} - New Business", WON if won else LOST,
                        contract_value(rng, product), created, close, NEW, product)  # fmt: skip
        deals.append(make_deal(rng, make_id, account, plan))
        if close > WINDOW_END or won or rng.random() > CONTINUE_AFTER_LOSS:
            break
        created = close + days(rng.randint(14, 120))
    return deals


def renewal(
    rng: random.Random, make_id: IdMaker, account: Account, first: Deal, renews: bool
) -> Deal:
    """The renewal deal 12 months after the first win."""
    assert first.close is not None
    anniversary = add_year(first.close)
    shift = -rng.randint(0, 14) if renews else rng.randint(0, 7)
    close = min(WINDOW_END, anniversary + days(shift))
    plan = DealPlan(f"{first.product} - Renewal {anniversary.year}", WON if renews else LOST,
                    round_to(first.amount * rng.uniform(0.9, 1.1)),
                    anniversary - days(rng.randint(45, 90)), close, RENEWAL,
                    first.product)  # fmt: skip
    return make_deal(rng, make_id, account, plan)


def upgrade_gap(rng: random.Random) -> timedelta:
    return days(int(rng.expovariate(1 / UPGRADE_MEAN_GAP_DAYS)))


def upgrades(
    rng: random.Random, make_id: IdMaker, account: Account, first: Deal, churned: date | None
) -> list[Deal]:
    """Upgrade deals now and then while the account is a customer."""
    assert first.close is not None
    deals: list[Deal] = []
    created = first.close + upgrade_gap(rng)
    while created < (churned or WINDOW_END):
        tier = PRODUCTS.index(first.product)
        product = PRODUCTS[min(2, tier + 1)] if rng.random() < 0.4 else first.product
        title = f"{product} - Upgrade" if product != first.product else f"{product} - Add-on Seats"
        close = created + days(rng.randint(15, 60))
        if churned is not None and close > churned:
            break
        outcome = WON if rng.random() < UPGRADE_WIN_RATE else LOST
        amount = round_to(rng.uniform(*UPGRADE_RANGE))
        plan = DealPlan(title, outcome, amount, created, close, UPGRADE, product)
        deals.append(make_deal(rng, make_id, account, plan))
        created = close + upgrade_gap(rng)
    return deals


def first_win(deals: list[Deal]) -> Deal | None:
    return next((d for d in deals if d.stage == WON), None)


def renewal_due(first: Deal | None) -> bool:
    return first is not None and first.close is not None and add_year(first.close) <= WINDOW_END


def customer_deals(
    rng: random.Random, make_id: IdMaker, account: Account, first: Deal, churns: bool
) -> tuple[list[Deal], CustomerLife]:
    """Renewal (when due inside the window) and upgrade deals of a customer."""
    deals: list[Deal] = []
    churned = None
    if renewal_due(first):
        deals.append(renewal(rng, make_id, account, first, renews=not churns))
        churned = deals[0].close if churns else None
    deals.extend(upgrades(rng, make_id, account, first, churned))
    return deals, CustomerLife(account, first.close, churned)


def simulate_deals(
    rng: random.Random, accounts: list[Account]
) -> tuple[list[Deal], list[CustomerLife]]:
    """All deals, sorted like the export, and each account's customer life.

    Exactly the share RENEWAL_WIN_RATE of due renewals is won, so the small sample still shows
    the intended churn.
    """
    make_id = IdMaker(rng, "006")
    pursuits = [new_business(rng, make_id, account) for account in accounts]
    firsts = [first_win(deals) for deals in pursuits]
    due = [i for i, first in enumerate(firsts) if renewal_due(first)]
    churning = set(rng.sample(due, round(len(due) * (1 - RENEWAL_WIN_RATE))))
    deals: list[Deal] = []
    lives: list[CustomerLife] = []
    for index, (account, pursuit, first) in enumerate(zip(accounts, pursuits, firsts, strict=True)):
        deals.extend(pursuit)
        if first is None:
            lives.append(CustomerLife(account, None, None))
            continue
        more, life = customer_deals(rng, make_id, account, first, index in churning)
        deals.extend(more)
        lives.append(life)
    deals.sort(key=lambda d: (d.created, d.deal_id))
    return deals, lives


def format_amount(rng: random.Random, amount: float) -> str:
    return str(int(amount)) if rng.random() < PLAIN_AMOUNT_SHARE else f"${amount:,.2f}"


def deal_row(rng: random.Random, d: Deal) -> list[str]:
    return [
        d.deal_id, d.name, d.account, d.owner, d.stage, format_amount(rng, d.amount),
        us_date(d.created), us_date(d.close) if d.close else "", d.deal_type, d.source, d.region,
        d.product,
    ]  # fmt: skip


def respell(name: str, style: int) -> str:
    return (name.lower() + " ", name + " ", name.upper(), name.lower())[style % 4]


def respell_accounts(rng: random.Random, rows: list[list[str]]) -> int:
    """Re-spell the Account Name in about a third of the later rows of a few busy accounts."""
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
    respelled = respell_accounts(rng, rows)
    won = [i for i, d in enumerate(deals) if d.stage == WON]
    picked = rng.sample(won, N_DEAL_TBD + N_DEAL_EDITS)
    for index in picked[:N_DEAL_TBD]:
        rows[index][7] = "TBD"
    extras: list[tuple[int, list[str]]] = []
    for index in picked[N_DEAL_TBD:]:
        extras.append((index, rows[index]))
        rows[index] = stale_version(rng, rows[index])
    untouched = sorted(set(range(len(rows))) - set(picked))
    extras += [(i, list(rows[i])) for i in rng.sample(untouched, N_DEAL_DUPLICATES)]
    counts = {
        "rows": len(rows) + len(extras), "distinct deals": len(rows),
        "exact duplicate rows": N_DEAL_DUPLICATES, "deals edited later": N_DEAL_EDITS,
        "won deals with Close Date TBD": N_DEAL_TBD, "accounts re-spelled": N_ACCOUNT_SPELLINGS,
        "rows with a re-spelled account": respelled,
    }  # fmt: skip
    return insert_later(rows, extras, rng), counts


# --- spend ----------------------------------------------------------------------------------------


def bookings_by_month(deals: list[Deal]) -> dict[tuple[int, int], int]:
    """Won new and upgrade amounts per (year, month) of close: the commission base."""
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
    quarter = (month_end.month - 1) // 3
    season = SEASONS[month_end.month - 1]
    growth = 1.025**index
    show_month = month_end.month in TRADE_SHOW_MONTHS
    show = rng.uniform(12_000, 22_000) if show_month else rng.uniform(300, 1_200)
    salaries = (39_600 if month_end.year == 2025 else 41_600) * rng.uniform(0.99, 1.01)
    commissions = bookings * COMMISSION_RATE + rng.choice((0, 0, 500, 1_000))
    tools = (3_200 + 200 * (index // 6)) * rng.uniform(0.97, 1.03)
    return [
        ("Advertising", "Google Ads", f"Q{quarter + 1}-brand-search",
         11_000 * growth * rng.uniform(0.9, 1.1)),
        ("Advertising", "LinkedIn Ads", f"Q{quarter + 1}-{LINKEDIN_THEMES[quarter]}",
         5_500 * growth * rng.uniform(0.85, 1.15)),
        ("Events", "Webinars", f"{season}-webinar-series", rng.uniform(1_500, 3_500)),
        ("Events", "Trade Shows", f"{season}-trade-show", show),
        ("Sales salaries", "Sales team", "", salaries),
        ("Commissions", "Sales team", "", commissions),
        ("Marketing tools", "Software subscriptions", "", tools),
        ("Retention", "Customer Success", RETENTION_PROGRAMS[quarter],
         (5_000 + 260 * index) * rng.uniform(0.92, 1.08)),
    ]  # fmt: skip


def spend_rows(rng: random.Random, deals: list[Deal]) -> list[list[str]]:
    bookings = bookings_by_month(deals)
    rows = []
    for index, month_end in enumerate(month_ends(WINDOW_START, WINDOW_END)):
        booked = bookings.get((month_end.year, month_end.month), 0)
        for category, channel, campaign, amount in spend_lines(rng, month_end, index, booked):
            rows.append([month_end.isoformat(), category, channel, campaign, f"{amount:.2f}"])
    return rows


# --- tickets --------------------------------------------------------------------------------------


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
    """Days of ticket creation: weekends quiet, volume growing with the customer base."""
    span = (WINDOW_END - WINDOW_START).days + 1
    calendar_days = [WINDOW_START + days(i) for i in range(span)]
    weights = [(1.0 if d.weekday() < 5 else 0.2) * (0.6 + 0.8 * i / span)
               for i, d in enumerate(calendar_days)]  # fmt: skip
    return rng.choices(calendar_days, weights=weights, k=N_TICKETS)


def ticket_time(rng: random.Random) -> time:
    if rng.random() < 0.87:
        hour = rng.choices(range(8, 18), weights=(5, 9, 10, 9, 6, 8, 9, 8, 6, 4))[0]
    else:
        hour = rng.choice((0, 1, 5, 6, 7, 18, 19, 20, 21, 22, 23))
    return time(hour, rng.randrange(60), rng.randrange(60))


def organization(rng: random.Random, lives: list[CustomerLife], day: date) -> str:
    """A customer active that day (bigger plans file more tickets); prospects early on."""
    active = [life for life in lives if life.acquired and life.acquired <= day
              and (life.churned is None or life.churned > day)]  # fmt: skip
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
    """Move a moment that falls at night to the next morning, when the agents are back."""
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
    priority = weighted(rng, PRIORITY_WEIGHTS)
    via = weighted(rng, VIA_WEIGHTS)
    solved = created + timedelta(hours=solve_hours(rng, priority))
    if priority in ("Normal", "Low"):
        solved = during_working_hours(rng, solved)
    reply = created + timedelta(hours=reply_hours(rng, priority, via))
    reply = min(reply, solved - timedelta(minutes=rng.randint(1, 10)))
    due = created + timedelta(hours=SLA_HOURS[priority]) if rng.random() < DUE_DATE_SHARE else None
    return Ticket(
        ticket_id=ticket_id, subject=rng.choice(SUBJECTS), status="", priority=priority, via=via,
        assignee=rng.choice(AGENTS), organization=organization(rng, lives, created.date()),
        created=created, solved=solved if solved <= EXPORTED_AT else None,
        first_reply=None if rng.random() < NO_REPLY_SHARE else reply, due=due, rating=None,
    )  # fmt: skip


def leave_some_unsolved(rng: random.Random, tickets: list[Ticket]) -> None:
    """Top the tickets solved after the export up to about 4 % unsolved, mostly recent ones."""
    missing = round(UNSOLVED_SHARE * len(tickets)) - sum(t.solved is None for t in tickets)
    recent_from = EXPORTED_AT - timedelta(days=45)
    recent = [t for t in tickets if t.solved and t.created >= recent_from]
    older = [t for t in tickets if t.solved and t.created < recent_from]
    n_recent = min(len(recent), round(missing * 0.75))
    for ticket in rng.sample(recent, n_recent) + rng.sample(older, max(0, missing - n_recent)):
        ticket.solved = None


def finish_ticket(rng: random.Random, ticket: Ticket) -> None:
    """Status (solved tickets close after 4 days, like Zendesk's default) and rating."""
    if ticket.solved is None:
        recent = ticket.created >= EXPORTED_AT - days(45)
        ticket.status = rng.choice(("Open", "Open", "Pending")) if recent else "Pending"
        if ticket.status == "Open" and rng.random() < 0.3:
            ticket.assignee = ""
        return
    ticket.status = "Closed" if ticket.solved <= EXPORTED_AT - days(4) else "Solved"
    if rng.random() < RATED_SHARE:
        ticket.rating = weighted(rng, RATING_WEIGHTS)


def simulate_tickets(rng: random.Random, lives: list[CustomerLife]) -> list[Ticket]:
    """Tickets in creation order; ids grow with time and skip a few (deleted spam tickets)."""
    created_times = sorted(datetime.combine(day, ticket_time(rng)) for day in ticket_days(rng))
    tickets = []
    ticket_id = FIRST_TICKET_ID
    for created in created_times:
        tickets.append(make_ticket(rng, ticket_id, created, lives))
        ticket_id += 1 if rng.random() < 0.93 else rng.randint(2, 4)
    leave_some_unsolved(rng, tickets)
    for ticket in tickets:
        finish_ticket(rng, ticket)
    return tickets


def ticket_row(t: Ticket) -> list[str]:
    return [
        str(t.ticket_id), t.subject, t.status, t.priority, t.via, t.assignee, t.organization,
        timestamp(t.created), timestamp(t.solved), timestamp(t.first_reply), timestamp(t.due),
        str(t.rating) if t.rating else "",
    ]  # fmt: skip


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
        "rows": len(rows) + len(extras), "distinct tickets": len(rows),
        "tickets repeated with a later update": N_TICKET_UPDATES,
        "tickets solved before created": N_TICKET_TIME_TRAVEL,
    }  # fmt: skip
    return insert_later(rows, extras, rng), counts


# --- leads, activities and stage history (the seed catalogue) ------------------------------------
#
# Drawn with their own generator (CATALOGUE_SEED) after the files above, so adding them left
# deals.csv, spend.csv and tickets.csv byte-identical.

CATALOGUE_SEED = SEED + 1
LEAD_HEADERS = ("Record ID", "First Name", "Create Date", "Lifecycle Stage", "Lead Status", "Contact owner",
                "Original Source", "Became a Customer Date")
ACTIVITY_HEADERS = ("Activity - ID", "Activity - Type", "Activity - Due date", "Activity - Done",
                    "Activity - Assigned to user", "Activity - Deal ID")
HISTORY_HEADERS = ("Opportunity ID", "Stage", "Last Modified")
FIRST_NAMES = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn")
EXTRA_LEADS_PER_ACCOUNT = 2  # leads that never bought, per account of deals.csv
ACTIVITY_WEIGHTS = {"Call": 45, "Meeting": 20, "Email": 30, "Task": 5}


def first_new_deals(deals: list[Deal]) -> dict[str, Deal]:
    """Each account's first new-customer deal, and its won one when it has one."""
    first: dict[str, Deal] = {}
    for deal in sorted(deals, key=lambda d: (d.created, d.deal_id)):
        if deal.deal_type == NEW and (deal.account not in first or deal.stage == WON):
            if deal.account not in first or first[deal.account].stage != WON:
                first[deal.account] = deal
    return first


def lead_rows(rng: random.Random, deals: list[Deal]) -> list[list[str]]:
    """A HubSpot contacts export: one lead per account (created before its first deal; a customer
    once that deal was won) and a few that never bought."""
    rows = []
    record = 70_100
    for deal in first_new_deals(deals).values():
        created = max(FIRST_CREATED, deal.created - days(rng.randint(3, 40)))
        won = deal.stage == WON and deal.close is not None
        rows.append([str(record), rng.choice(FIRST_NAMES), us_date(created), "Customer" if won else "Opportunity",
                     "Connected" if won else rng.choice(("In Progress", "Open Deal")), deal.owner, deal.source,
                     us_date(deal.close) if won and deal.close else ""])
        record += 1
    sources = list(LEAD_SOURCES)
    owners = [o for names in OWNERS_BY_REGION.values() for o in names]
    for _ in range(EXTRA_LEADS_PER_ACCOUNT * len(rows)):
        created = WINDOW_START + days(rng.randint(-60, (WINDOW_END - WINDOW_START).days))
        rows.append([str(record), rng.choice(FIRST_NAMES), us_date(created), rng.choice(("Lead", "Subscriber")),
                     rng.choice(("New", "Attempted to Contact", "Unqualified", "")), rng.choice(owners),
                     rng.choice(sources), ""])
        record += 1
    return sorted(rows, key=lambda r: (datetime.strptime(r[2], "%m/%d/%Y"), r[0]))


def deal_end(deal: Deal) -> date:
    return deal.close if deal.close is not None and deal.close <= WINDOW_END else WINDOW_END


def activity_rows(rng: random.Random, deals: list[Deal]) -> list[list[str]]:
    """A Pipedrive activities export: calls, meetings, emails and tasks on each deal while it ran."""
    rows = []
    activity = 5_001
    for deal in sorted(deals, key=lambda d: (d.created, d.deal_id)):
        span = max(1, (deal_end(deal) - deal.created).days)
        for _ in range(rng.randint(1, 3) + span // 20):
            day = deal.created + days(rng.randint(0, span))
            rows.append([str(activity), weighted(rng, ACTIVITY_WEIGHTS), day.isoformat(),
                         "1" if day <= WINDOW_END - days(3) or rng.random() < 0.5 else "0", deal.owner, deal.deal_id])
            activity += 1
    return sorted(rows, key=lambda r: (r[2], int(r[0])))


def history_rows(rng: random.Random, deals: list[Deal]) -> list[list[str]]:
    """A Salesforce Opportunity History report: the stages each new-business deal entered, some
    skipped, the last one its stage at the export."""
    rows = []
    for deal in sorted(deals, key=lambda d: (d.created, d.deal_id)):
        if deal.deal_type != NEW:
            continue
        end = deal_end(deal)
        final = deal.stage
        path = list(OPEN_STAGES[: OPEN_STAGES.index(final) + 1]) if final in OPEN_STAGES else list(OPEN_STAGES)
        # Some deals skip a stage on the way (never the first).
        path = [path[0]] + [stage for stage in path[1:] if rng.random() > 0.15]
        span = max(1, (end - deal.created).days)
        moments = sorted(deal.created + days(rng.randint(0, span)) for _ in path[1:])
        for stage, day in zip(path, [deal.created, *moments], strict=True):
            rows.append([deal.deal_id, stage, us_date(day)])
        if final not in OPEN_STAGES and deal.close is not None:
            rows.append([deal.deal_id, final, us_date(deal.close)])
    return rows


def write_catalogue() -> None:
    rng = random.Random(SEED)
    deals, _ = simulate_deals(rng, make_accounts(rng))
    catalogue = random.Random(CATALOGUE_SEED)
    leads = lead_rows(catalogue, deals)
    activities = activity_rows(catalogue, deals)
    history = history_rows(catalogue, deals)
    write_csv(OUT_DIR / "leads.csv", LEAD_HEADERS, leads, quote_all=False)
    write_csv(OUT_DIR / "activities.csv", ACTIVITY_HEADERS, activities, quote_all=False)
    write_csv(OUT_DIR / "stage_history.csv", HISTORY_HEADERS, history, quote_all=True)
    print(describe("leads.csv", {"rows": len(leads)}))
    print(describe("activities.csv", {"rows": len(activities)}))
    print(describe("stage_history.csv", {"rows": len(history)}))


# --- main -----------------------------------------------------------------------------------------


def describe(name: str, counts: dict[str, int]) -> str:
    return f"{name}: " + ", ".join(f"{key} {value}" for key, value in counts.items())


def main() -> None:
    rng = random.Random(SEED)
    deals, lives = simulate_deals(rng, make_accounts(rng))
    deal_rows, deal_counts = messy_deal_rows(rng, deals)
    spend = spend_rows(rng, deals)
    ticket_rows, ticket_counts = messy_ticket_rows(rng, simulate_tickets(rng, lives))
    write_csv(OUT_DIR / "deals.csv", DEAL_HEADERS, deal_rows, quote_all=True)
    write_csv(OUT_DIR / "spend.csv", SPEND_HEADERS, spend, quote_all=False)
    write_csv(OUT_DIR / "tickets.csv", TICKET_HEADERS, ticket_rows, quote_all=False)
    print(describe("deals.csv", deal_counts))
    print(describe("spend.csv", {"rows": len(spend)}))
    print(describe("tickets.csv", ticket_counts))
    write_catalogue()


if __name__ == "__main__":
    main()
