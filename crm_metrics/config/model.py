"""The YAML config: parsed with the safe loader into frozen, validated objects.

Every problem is reported at once, one line each, naming the file and the key, with a "did you mean"
for misspelt keys, because a cron job's author fixes configs from the error message alone.
"""

from __future__ import annotations

import difflib
import types
import typing
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crm_metrics.errors import ConfigError
from crm_metrics.periods import PeriodKind
from crm_metrics.schema import TABLES

DEFAULT_CONFIG_NAME = "crm-metrics.yaml"
DEFAULT_METRICS = (
    "cac", "clv", "cac_payback_months", "close_rate", "renewal_rate", "resolution_time_hours",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class JoinConfig(_Strict):
    """One file joined onto a source's rows by key (sources.<table>.join), not stacked under them:
    RavenStack's churn events give its accounts a churned_at, Olist's closed deals give its MQLs a
    converted_at. `key` is the key's header in this file, matched (trimmed) against the source's id
    field (customer_id, lead_id); `columns` maps canonical fields onto this file's headers. Several
    rows of one key: `several` picks the one with the latest (or earliest) date of the first date
    field in `columns`, or the last row in the file ("last"; also what latest/earliest fall back to
    when `columns` maps no date)."""

    path: str
    sheet: str | int | None = None
    key: Annotated[str, Field(min_length=1)]
    columns: Annotated[dict[str, str], Field(min_length=1)]
    several: Literal["latest", "earliest", "last"] = "latest"

    @model_validator(mode="before")
    @classmethod
    def _no_yaml_on(cls, data: Any) -> Any:
        # YAML 1.1 reads a bare `on:` key as the boolean true, so "join on" cannot be the key's name.
        if isinstance(data, dict) and True in data:
            raise ValueError("a key read as true (YAML turns `on:` and `yes:` into true); name the "
                             "joined file's key column with key:, e.g. key: account_id")
        return data


class SourceConfig(_Strict):
    path: str | list[str]
    sheet: str | int | None = None
    preset: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    # None: decided from all the source's date (dayfirst) or amount (decimal) columns and files,
    # else the default reading (month-first for "/" dates, decimal point) with a notice.
    dayfirst: bool | None = None
    decimal: Literal[",", "."] | None = None
    # The currency of the source's amounts that name none, and of a shared symbol ("$", "kr").
    currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str | None) -> str | None:
        return None if value is None else value.upper()
    # What `init` guessed (from values or loose names), same shape as `columns` and read the same
    # way; every report marks these until the user confirms them by moving them under `columns:`.
    guessed_columns: dict[str, str] = Field(default_factory=dict)
    # The export's own words for a field's canonical values ({csat: {Neutral: 3}, stage: {Signed: won},
    # deal_type: {Upsell: expansion}}), matched as the presets' value_maps are and winning over them.
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Files joined on the source's id (JoinConfig), after its own files are stacked.
    join: list[JoinConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _confirmed_or_guessed(self) -> SourceConfig:
        both = sorted(set(self.columns) & set(self.guessed_columns))
        if both:
            # Moving a guess under columns: confirms it; keeping both would leave the mark on a
            # confirmed field, or read two headers for one field.
            raise ValueError(f"{', '.join(both)} in both columns and guessed_columns: keep it under columns "
                             "(confirmed) and delete it from guessed_columns")
        return self

    @field_validator("path")
    @classmethod
    def _some_path(cls, value: str | list[str]) -> str | list[str]:
        # An empty list or text would reach the loader as "no file" or as the config's own folder.
        paths = [value] if isinstance(value, str) else value
        if not paths or any(not p.strip() for p in paths):
            raise ValueError("give the export file, e.g. path: deals.csv (or a list of files)")
        return value

    @property
    def paths(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else list(self.path)


class SourcesConfig(_Strict):
    deals: SourceConfig | None = None
    spend: SourceConfig | None = None
    customers: SourceConfig | None = None
    tickets: SourceConfig | None = None
    surveys: SourceConfig | None = None
    calls: SourceConfig | None = None
    leads: SourceConfig | None = None
    activities: SourceConfig | None = None
    stage_changes: SourceConfig | None = None

    def items(self) -> list[tuple[str, SourceConfig]]:
        return [(name, src) for name in TABLES if (src := getattr(self, name)) is not None]

    @model_validator(mode="after")
    def _values_name_fields(self) -> SourcesConfig:
        for name, source in self.items():
            for fld in source.values:
                if fld not in TABLES[name].fields:
                    hint = difflib.get_close_matches(fld, TABLES[name].fields, n=1)
                    tip = f"did you mean '{hint[0]}'?" if hint else f"fields: {', '.join(TABLES[name].fields)}"
                    raise ValueError(f"{name}.values.{fld}: not a field of {name}; {tip}")
            for number, joined in enumerate(source.join):
                _check_join(name, number, joined)
        return self


def _check_join(table: str, number: int, joined: JoinConfig) -> None:
    """A joined file maps fields of its table, other than the id it is matched on."""
    schema = TABLES[table]
    where = f"{table}.join.{number}"
    if schema.id_field is None:
        raise ValueError(f"{where}: {table} rows have no id to join on")
    for fld in joined.columns:
        if fld == schema.id_field:
            raise ValueError(f"{where}.columns.{fld}: the key is key: ({joined.key!r}); map only the fields "
                             f"this file adds")
        if fld not in schema.fields:
            hint = difflib.get_close_matches(fld, schema.fields, n=1)
            tip = f"did you mean '{hint[0]}'?" if hint else f"fields: {', '.join(schema.fields)}"
            raise ValueError(f"{where}.columns.{fld}: not a field of {table}; {tip}")


class RangeConfig(_Strict):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RangeConfig:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError(f"'from' ({self.from_}) is after 'to' ({self.to})")
        return self


class DealTypesConfig(_Strict):
    renewal: list[str] = Field(default_factory=list)
    expansion: list[str] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)


class CategoriesConfig(_Strict):
    categories: list[str] | None = None


class LeadsConfig(_Strict):
    # A lead whose status is one of these has converted, undated, when it has no converted_at
    # (metrics.md section 1).
    converted: list[str] = Field(default_factory=lambda: ["Customer", "Evangelist", "Converted", "Won"])


DEFAULT_ADOPTION_FIELDS = ("amount", "account", "owner", "source")


class AdoptionConfig(_Strict):
    # The deal fields a rep must fill (deal_data_completeness_pct); "account" is account_id or
    # account_name. The default list also asks closed deals for a close date.
    fields: list[str] = Field(default_factory=lambda: list(DEFAULT_ADOPTION_FIELDS))



class ActivityTypesConfig(_Strict):
    """activity_types: the export's own words for each activity type, beside the built-in ones."""

    call: list[str] = Field(default_factory=list)
    meeting: list[str] = Field(default_factory=list)
    email: list[str] = Field(default_factory=list)
    task: list[str] = Field(default_factory=list)
    other: list[str] = Field(default_factory=list)


class ClvConfig(_Strict):
    lifetime_years: Annotated[float, Field(gt=0)] | None = None
    max_lifetime_years: Annotated[float, Field(gt=0)] = 10.0


class RevenueConfig(_Strict):
    months_per_deal: Annotated[float, Field(gt=0)] = 12.0
    recurring: bool = True


def _check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)") from None
    return value


class BusinessHoursConfig(_Strict):
    """support.business_hours: a weekly schedule in local wall time, its zone, and holidays."""

    schedule: str | list[str]
    timezone: str | None = None  # None: the config's timezone
    holidays: list[date] | str = Field(default_factory=list)  # dates, or a file of them

    @field_validator("schedule")
    @classmethod
    def _readable_schedule(cls, value: str | list[str]) -> str | list[str]:
        from crm_metrics.business_hours import parse_schedule

        parse_schedule(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)


class DurationsConfig(_Strict):
    """support.durations: how to read the durations a help desk exports."""

    unit: Literal["hours", "minutes", "seconds"] = "hours"  # plain numbers in *_duration columns
    clock: Literal["calendar", "business"] = "calendar"  # Freshdesk's "(in hrs)" are business time


class SupportConfig(_Strict):
    sla_hours: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: {"urgent": 4.0, "high": 8.0, "normal": 24.0, "low": 72.0}
    )
    business_hours: BusinessHoursConfig | None = None
    resolution: Literal["first", "full"] = "full"  # reopened tickets: first solve or last solve
    durations: DurationsConfig = Field(default_factory=DurationsConfig)
    # CES answers: integers from the first to the second (CES 2.0 is 1-7; some desks ask 1-5).
    ces_scale: tuple[int, int] = (1, 7)

    @model_validator(mode="after")
    def _ces_scale_rises(self) -> SupportConfig:
        if self.ces_scale[0] >= self.ces_scale[1]:
            raise ValueError("ces_scale: the lowest answer must come first, e.g. [1, 7]")
        return self

    @model_validator(mode="after")
    def _business_clock_needs_hours(self) -> SupportConfig:
        if self.durations.clock == "business" and self.business_hours is None:
            raise ValueError("durations.clock is 'business' but support.business_hours is not set")
        return self


class TargetConfig(_Strict):
    """A goal for one metric, in the metric's own unit (ratios as fractions: 0.25 is 25 %)."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounded(self) -> TargetConfig:
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is above 'max' ({self.max})")
        return self


class HistoryConfig(_Strict):
    path: str

    @field_validator("path")
    @classmethod
    def _some_path(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the database file, e.g. history: {path: history.sqlite}")
        return value


class LimitsConfig(_Strict):
    """Guards against hostile or oversized files (a zip bomb disguised as .xlsx, a CSV bigger than RAM)."""

    max_xlsx_uncompressed_mb: Annotated[float, Field(gt=0)] = 500.0
    max_csv_mb: Annotated[float, Field(gt=0)] | None = None  # None: judged from the free memory


class Config(_Strict):
    period: PeriodKind = PeriodKind.QUARTER
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] = 1
    timezone: str = "UTC"
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "USD"
    fx: dict[str, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    # A file of date, currency, rate (clean/fx_rates.py): a currency it lists is converted at the
    # rate in force on each amount's date, not at its `fx` rate.
    fx_dated: Annotated[str, Field(min_length=1)] | None = None
    range: RangeConfig = Field(default_factory=RangeConfig)
    gross_margin: Annotated[float, Field(gt=0, le=1)] | None = None
    metrics: list[str] = Field(default_factory=lambda: list(DEFAULT_METRICS))
    marketing_sources: list[str] = Field(default_factory=list)
    won_stages: list[str] = Field(default_factory=list)
    lost_stages: list[str] = Field(default_factory=list)
    open_stages: list[str] = Field(default_factory=list)
    deal_types: DealTypesConfig = Field(default_factory=DealTypesConfig)
    cac: CategoriesConfig = Field(default_factory=CategoriesConfig)
    retention: CategoriesConfig = Field(
        default_factory=lambda: CategoriesConfig(categories=["retention"])
    )
    support_cost: CategoriesConfig = Field(default_factory=lambda: CategoriesConfig(categories=["support"]))
    onboarding: CategoriesConfig = Field(default_factory=lambda: CategoriesConfig(categories=["onboarding"]))
    leads: LeadsConfig = Field(default_factory=LeadsConfig)
    proposal_stages: list[str] = Field(default_factory=lambda: ["Proposal", "Proposal/Price Quote", "Proposal Made",
                                                                 "Propose", "presentationscheduled"])
    referral_sources: list[str] | None = None
    adoption: AdoptionConfig = Field(default_factory=AdoptionConfig)
    activity_types: ActivityTypesConfig = Field(default_factory=ActivityTypesConfig)
    clv: ClvConfig = Field(default_factory=ClvConfig)
    revenue: RevenueConfig = Field(default_factory=RevenueConfig)
    support: SupportConfig = Field(default_factory=SupportConfig)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    targets: dict[str, TargetConfig] = Field(default_factory=dict)
    history: HistoryConfig | None = None
    limits: LimitsConfig = Field(default_factory=LimitsConfig)

    # Not YAML keys: where the config came from, for relative paths and messages.
    base_dir: Path = Field(default=Path("."), exclude=True)
    origin: str = Field(default="<built-in>", exclude=True)
    # True only for samples.sample_config(): the report says it shows sample data, not the user's.
    sample_data: bool = Field(default=False, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _check_timezone(value)

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @field_validator("fx")
    @classmethod
    def _upper_fx(cls, value: dict[str, float]) -> dict[str, float]:
        return {k.upper(): v for k, v in value.items()}

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: list[str]) -> list[str]:
        from crm_metrics.metrics.registry import check_metric_ids

        if not value:
            # An empty report would look like a run that found nothing.
            raise ValueError("empty: list metric ids (see `crm-metrics metrics`) or remove the key for the defaults")
        from crm_metrics.metrics.spec import expand_selection

        # A group or one of the articles' three parts stands for its metrics (metrics: [sales, crm_use]).
        value = list(expand_selection(value))
        check_metric_ids(value)
        return value

    @field_validator("targets")
    @classmethod
    def _known_target_metrics(cls, value: dict[str, TargetConfig]) -> dict[str, TargetConfig]:
        from crm_metrics.metrics.registry import check_metric_ids

        check_metric_ids(value)
        from crm_metrics.metrics.registry import get_metric

        for metric_id, target in value.items():
            # Only a share of a whole is bounded (a return on spend may exceed 100 %).
            if not get_metric(metric_id).is_share:
                continue
            for bound in (target.min, target.max):
                if bound is not None and abs(bound) > 1:
                    # Nothing reaches min: 25 when 25 % is 0.25: every period would be "missed".
                    raise ValueError(f"{metric_id} is a ratio: write {bound:g} % as {bound / 100:g}, "
                                     f"not {bound:g}")
        return value

    @property
    def gross_margin_value(self) -> float:
        return 1.0 if self.gross_margin is None else self.gross_margin

    def resolve(self, path: str) -> Path:
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate


_EXPORT_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"}


def load_config(path: str | Path) -> Config:
    """Read and validate a config file (a path or its text form); every problem is in the
    ConfigError's `problems`."""
    import yaml

    path = Path(path)
    if path.suffix.lower() in _EXPORT_SUFFIXES and path.is_file():
        # A new user's first guess is `report --config export.csv`; YAML would read it as one string.
        raise ConfigError(f"{path}: is an export, not a config; run `crm-metrics init {path}` to write a "
                          "config for it, then pass that with --config")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config ({exc})") from None
    try:
        data = yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: YAML syntax error{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: the config must be a mapping of keys (period:, sources:, ...), "
            f"not a {type(data).__name__}"
        )
    return parse_config(data, origin=str(path), base_dir=path.resolve().parent)


def _loader() -> Any:
    import yaml

    class DatesAsText(yaml.SafeLoader):
        """Dates stay text for pydantic, which names the key of a bad one (2025-13-01); PyYAML's
        own date constructor raises a bare ValueError."""

    DatesAsText.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return DatesAsText


def parse_config(data: dict[str, Any], origin: str, base_dir: Path) -> Config:
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = [f"{origin}: {_describe(err)}" for err in exc.errors()]
        raise ConfigError(problems[0] if len(problems) == 1 else "\n".join(problems), problems) from None
    return config.model_copy(update={"base_dir": base_dir, "origin": origin})


def _describe(err: Any) -> str:
    loc = tuple(err["loc"])
    key = ".".join(str(part) for part in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        known = _known_keys(loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; known keys: {', '.join(sorted(known))}"
        return f"unknown key '{key}'{suggestion}"
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if err["type"] == "enum":
        message = "must be one of " + ", ".join(kind.value for kind in PeriodKind)
    elif err["type"] in {"dict_type", "model_type", "model_attributes_type"}:
        message = f"must be a mapping (key: value), not {_kind(err.get('input'))}"
    elif err["type"] == "list_type":
        message = f"must be a list, e.g. [a, b], not {_kind(err.get('input'))}"
    return f"{key}: {message}"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"the text {value!r}" if isinstance(value, str) else repr(value)


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys a config mapping at `loc` accepts, found by walking the models' annotations."""
    model: Any = Config
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return [f.alias or name for name, f in model.model_fields.items() if not f.exclude]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None

