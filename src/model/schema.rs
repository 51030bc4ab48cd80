//! The scenario format, declared once: every section's fields with the values
//! they take, their default and their meaning; the channel kinds and the
//! distribution families by name.
//!
//! The reader checks each table's keys against its section here and names the
//! kinds and families from here; the parameter paths list a table's fields from
//! here; the assumption tables take their columns from here. A new field is one
//! line in its section (and the code that reads and uses it); a new channel kind
//! or distribution family is one variant, and every `match` on it is named by the
//! compiler.

use super::ChannelKind;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Free text.
    Text,
    /// An identifier: `[a-z0-9_-]`, unique in its section.
    Name,
    /// The name of an item of another section (a segment, a channel).
    Reference,
    /// `true` or `false`.
    Bool,
    /// A whole number ≥ 0.
    Whole,
    /// A plain number.
    Number,
    /// A plain number or a distribution, drawn once per iteration.
    Uncertain,
    /// A distribution drawn once per item (a won deal).
    PerItem,
    /// A list of numbers.
    List,
    /// A list of `{ period, COUNT }` tables.
    Additions,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// A table of its own (a section within the section).
    Table,
}

/// The range a number must stay in, over its distribution's whole support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Any finite number.
    Any,
    /// [0, 1].
    Rate,
    /// ≥ 0.
    NonNegative,
    /// > 0.
    Positive,
    /// > −1 (market growth).
    Growth,
}

/// How large a field's numbers may grow: the bound that keeps every total
/// over the horizon finite.
///
/// The model multiplies at most these per-item figures together over a horizon:
/// expected opportunities (≤ 5 × 10⁷ an iteration, counted at validation) ×
/// deal size (≤ 10¹⁵) × deal-size factor (≤ 10³) × seasonality (≤ 520, the
/// profile has mean 1), or hours per item (≤ 10⁵) ÷ hours per FTE (≥ 1) × cost
/// per FTE (≤ 10¹⁵). Every product stays below 10³⁰ and every sum of squares
/// below 10⁶⁰, far inside a 64-bit float (≈ 1.8 × 10³⁰⁸); the limits themselves
/// lie beyond any real business in any currency. An uncertain field is held to
/// its limit at its 1-in-10¹² upper value, which bounds its spread too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// No bound beyond the domain (rates, names, whole numbers with their own).
    Free,
    /// An amount of currency per item, per FTE or per year.
    Money,
    /// A target over the horizon, in currency.
    Total,
    /// Hours per opportunity, contact or call.
    Hours,
    /// Productive hours per FTE per year: from 1 to the hours of a leap year.
    YearHours,
    /// A count per account, partner or year (opportunities, contacts, orders).
    PerYear,
    /// A multiplier (deal-size factor, market growth).
    Factor,
}

impl Scale {
    /// The smallest value a positive field may take.
    pub fn min(self) -> f64 {
        match self {
            Scale::YearHours => 1.0,
            _ => 0.0,
        }
    }

    /// The largest value the field may reach.
    pub fn max(self) -> f64 {
        match self {
            Scale::Free => f64::INFINITY,
            Scale::Money => 1e15,
            Scale::Total => 1e18,
            Scale::Hours => 1e5,
            Scale::YearHours => 8_784.0,
            Scale::PerYear => 1e9,
            Scale::Factor => 1e3,
        }
    }

    /// What the limit is, as the error message says it.
    pub fn what(self) -> &'static str {
        match self {
            Scale::Free => "",
            Scale::Money => "amounts of currency per item, FTE or year",
            Scale::Total => "targets",
            Scale::Hours => "hours per item",
            Scale::YearHours => "productive hours per FTE per year",
            Scale::PerYear => "counts per account, partner or year",
            Scale::Factor => "factors and growth",
        }
    }
}

/// One field of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The key as written in the file.
    pub key: &'static str,
    /// What it holds.
    pub value: Value,
    /// The range its numbers must stay in.
    pub domain: Domain,
    /// Its default, as a person reads it; `None` when the field is required.
    pub default: Option<&'static str>,
    /// Its unit and meaning, one line.
    pub doc: &'static str,
    /// How large its numbers may grow.
    pub scale: Scale,
}

impl Field {
    /// The field with a bound on its magnitude.
    const fn at_most(self, scale: Scale) -> Field {
        Field { scale, ..self }
    }

    /// Whether the field holds one number (plain or uncertain), which a
    /// parameter path can name.
    pub fn is_number(&self) -> bool {
        matches!(self.value, Value::Whole | Value::Number | Value::Uncertain | Value::PerItem)
    }
}

/// A section of the file: a table or each table of an array of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// How the file names it (`segments`, `channels.NAME`, …).
    pub name: &'static str,
    /// Its fields, in the order the documentation and tables show them.
    pub fields: &'static [Field],
}

impl Section {
    /// The keys a table of this section accepts.
    pub fn keys(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.key).collect()
    }

    /// The field of a key.
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The field of a key the code knows to be in this section (the reader's
    /// keys are tested against the schema by every scenario it reads).
    pub fn get(&self, key: &str) -> &'static Field {
        self.field(key).unwrap_or_else(|| panic!("`{key}` is not a field of {}", self.name))
    }
}

const fn field(
    key: &'static str,
    value: Value,
    domain: Domain,
    default: Option<&'static str>,
    doc: &'static str,
) -> Field {
    Field { key, value, domain, default, doc, scale: Scale::Free }
}

use Domain::{Any, Growth, NonNegative, Positive, Rate};
use Scale::{Factor, Hours, Money, PerYear, Total, YearHours};
use Value::{Additions, Bool, Choice, List, Name, Number, PerItem, Reference, Table, Text, Uncertain, Whole};

/// The top of the file.
pub const ROOT: Section = Section {
    name: "",
    fields: &[
        field("scenario", Table, Any, None, "the scenario's name, horizon, currency, iterations and seed"),
        field("targets", Table, Any, Some("none"), "revenue and contribution targets over the horizon"),
        field("capacity", Table, Any, Some("enforced"), "whether demand beyond capacity is lost"),
        field("segments", Table, Any, None, "the customer pyramid, top first"),
        field("channels", Table, Any, None, "the channels, one table each"),
        field("coverage", Table, Any, None, "the service concept: which channel serves which segment"),
        field("campaigns", Table, Any, Some("none"), "time-boxed outbound calling"),
        field("correlations", Table, Any, Some("none"), "uncertain inputs that move together"),
        field("sweep", Table, Any, Some("none"), "the parameters `chancap sweep` varies when no --set is given"),
        field(
            "optimise",
            Table,
            Any,
            Some("none"),
            "the decisions, goal and constraints of `chancap optimise` when no --vary is given",
        ),
    ],
};

/// `[scenario]`.
pub const SCENARIO: Section = Section {
    name: "scenario",
    fields: &[
        field("name", Text, Any, None, "shown in reports"),
        field("periods", Whole, Positive, Some("12"), "length of the horizon, 1–520 periods"),
        field("period", Choice(&["month", "quarter", "week"]), Any, Some("month"), "period length"),
        field("currency", Text, Any, Some("EUR"), "label only"),
        field("iterations", Whole, Positive, Some("10000"), "simulated futures; --iterations overrides"),
        field("seed", Whole, NonNegative, Some("1"), "seed of every random stream; --seed overrides"),
        field("market_growth", Uncertain, Growth, Some("0"), "scales every opportunity rate by (1 + g)")
            .at_most(Factor),
        field(
            "seasonality",
            List,
            NonNegative,
            Some("flat"),
            "demand profile: one number per period or per period of a year",
        ),
    ],
};

/// `[targets]`.
pub const TARGETS: Section = Section {
    name: "targets",
    fields: &[
        field("revenue", Number, NonNegative, Some("none"), "revenue target over the horizon, in currency")
            .at_most(Total),
        field("contribution", Number, NonNegative, Some("none"), "contribution target over the horizon, in currency")
            .at_most(Total),
    ],
};

/// `[capacity]`.
pub const CAPACITY: Section = Section {
    name: "capacity",
    fields: &[field(
        "enforce",
        Bool,
        Any,
        Some("true"),
        "demand beyond capacity is lost; with false all demand is served and the gap reported",
    )],
};

/// `[[segments]]`.
pub const SEGMENT: Section = Section {
    name: "segments",
    fields: &[
        field("name", Name, Any, None, "identifier, used in coverage rows"),
        field("label", Text, Any, Some("the name"), "for tables and charts"),
        field("accounts", Whole, NonNegative, None, "accounts in the segment"),
        field("opportunities_per_account", Uncertain, NonNegative, None, "opportunities per account per year")
            .at_most(PerYear),
        field("deal_size", PerItem, NonNegative, None, "currency per won deal, drawn per deal").at_most(Money),
        field("gross_margin", Uncertain, Rate, Some("0"), "product margin on revenue before channel cost"),
        field("seasonality", List, NonNegative, Some("the scenario's"), "overrides the scenario's profile"),
    ],
};

/// The names of the channel kinds, in the order of [`ChannelKind::ALL`].
const KIND_NAMES: [&str; ChannelKind::ALL.len()] = {
    let mut names = [""; ChannelKind::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = ChannelKind::ALL[i].as_str();
        i += 1;
    }
    names
};

/// The `kind` of a channel: the first field of every kind's section.
const KIND: Field = field("kind", Choice(&KIND_NAMES), Any, None, "direct, telesales, reseller or online");

/// The display `label` of a channel, shared by every kind's section.
const CHANNEL_LABEL: Field = field("label", Text, Any, Some("the name"), "for tables and charts");

/// `[channels.NAME]` of kind direct or telesales.
pub const PEOPLE: Section = Section {
    name: "channels.NAME (direct, telesales)",
    fields: &[
        KIND,
        CHANNEL_LABEL,
        field("headcount", Whole, NonNegative, None, "people employed from period 1, fully productive"),
        field("hours_per_fte", Number, Positive, None, "productive selling hours per FTE per year").at_most(YearHours),
        field("cost_per_fte", Number, NonNegative, None, "fully loaded cost per FTE per year").at_most(Money),
        field("attrition", Uncertain, Rate, Some("0"), "probability per year that a person leaves"),
        field("backfill", Bool, Any, Some("false"), "leavers are replaced"),
        field("hiring_lag", Whole, NonNegative, Some("0"), "periods between a leave and the replacement's start"),
        field("ramp", Whole, NonNegative, Some("0"), "periods until a new hire is fully productive"),
        field("hires", Additions, NonNegative, Some("none"), "planned extra hires: { period, headcount }"),
        field("cost_per_opportunity", Number, NonNegative, Some("0"), "variable cost per served opportunity")
            .at_most(Money),
    ],
};

/// `[channels.NAME]` of kind reseller.
pub const RESELLER: Section = Section {
    name: "channels.NAME (reseller)",
    fields: &[
        KIND,
        CHANNEL_LABEL,
        field("partners", Whole, NonNegative, None, "partners active at period 1"),
        field(
            "opportunities_per_partner",
            Uncertain,
            NonNegative,
            None,
            "opportunities an active partner works per year",
        )
        .at_most(PerYear),
        field("partner_margin", Uncertain, Rate, Some("0"), "share of revenue the partner keeps"),
        field("incentives", Uncertain, Rate, Some("0"), "rebates, MDF, SPIFs as a share of revenue"),
        field("partner_churn", Uncertain, Rate, Some("0"), "probability per year that an active partner leaves"),
        field("onboarding", Whole, NonNegative, Some("0"), "periods before a recruit is active"),
        field("recruits", Additions, NonNegative, Some("none"), "planned recruiting: { period, partners }"),
        field("recruit_cost", Number, NonNegative, Some("0"), "one-off cost per recruit, in its recruit period")
            .at_most(Money),
        field("program_cost", Number, NonNegative, Some("0"), "fixed programme cost per year").at_most(Money),
    ],
};

/// `[channels.NAME]` of kind online.
pub const ONLINE: Section = Section {
    name: "channels.NAME (online)",
    fields: &[
        KIND,
        CHANNEL_LABEL,
        field("fee", Uncertain, Rate, Some("0"), "payment and platform fees as a share of revenue"),
        field("cost_per_order", Number, NonNegative, Some("0"), "fulfilment cost per kept order").at_most(Money),
        field("platform_cost", Number, NonNegative, Some("0"), "fixed platform cost per year").at_most(Money),
        field(
            "orders_capacity",
            Number,
            NonNegative,
            Some("unlimited"),
            "orders per year it can fulfil; 0 is unlimited",
        )
        .at_most(PerYear),
    ],
};

/// `[[coverage]]`.
pub const COVERAGE: Section = Section {
    name: "coverage",
    fields: &[
        field("segment", Reference, Any, None, "the segment served"),
        field("channel", Reference, Any, None, "the channel serving it"),
        field("share", Number, Rate, None, "share of the segment's opportunities routed here"),
        field("hit_rate", Uncertain, Rate, None, "won ÷ served"),
        field(
            "hours_per_opportunity",
            Number,
            NonNegative,
            Some("0"),
            "people channels: selling hours per opportunity",
        )
        .at_most(Hours),
        field(
            "contacts_per_account",
            Number,
            NonNegative,
            Some("0"),
            "people channels: contacts per covered account per year",
        )
        .at_most(PerYear),
        field("hours_per_contact", Number, NonNegative, Some("0"), "people channels: hours per contact").at_most(Hours),
        field("deal_size_factor", Uncertain, NonNegative, Some("1"), "channel effect on deal size").at_most(Factor),
        field("gross_margin", Uncertain, Rate, Some("the segment's"), "overrides the segment's margin for this cell"),
    ],
};

/// The coverage fields that only people channels take.
pub const COVERAGE_PEOPLE_ONLY: &[&str] = &["hours_per_opportunity", "contacts_per_account", "hours_per_contact"];

/// `[[campaigns]]`.
pub const CAMPAIGN: Section = Section {
    name: "campaigns",
    fields: &[
        field("name", Name, Any, None, "identifier"),
        field("segment", Reference, Any, None, "the segment called"),
        field("channel", Reference, Any, None, "the direct or telesales channel calling"),
        field("periods", List, NonNegative, None, "the campaign's periods, within the horizon, each once"),
        field("reach", Uncertain, Rate, None, "share of the segment's accounts called over the campaign"),
        field("hours_per_call", Number, NonNegative, None, "hours per call").at_most(Hours),
        field("response", Uncertain, Rate, None, "share of calls that become an opportunity"),
        field("hit_rate", Uncertain, Rate, Some("the coverage row's"), "won ÷ served"),
        field(
            "hours_per_opportunity",
            Number,
            NonNegative,
            Some("the coverage row's"),
            "selling hours per opportunity",
        )
        .at_most(Hours),
    ],
};

/// The sections whose fields parameter paths name (`scenario.…`,
/// `segments.NAME.…`, `channels.NAME.…`, `coverage.…`, `campaigns.NAME.…`).
const PATH_SECTIONS: [Section; 7] = [SCENARIO, SEGMENT, PEOPLE, RESELLER, ONLINE, COVERAGE, CAMPAIGN];

/// The fields of any section called `key`: what the last key of a parameter
/// path may be (`hit_rate`, `headcount`), to show its values as the field's
/// kind asks.
pub fn fields_named(key: &str) -> impl Iterator<Item = &'static Field> + '_ {
    PATH_SECTIONS.iter().filter_map(move |s| s.field(key))
}

/// `[[correlations]]`.
pub const CORRELATION: Section = Section {
    name: "correlations",
    fields: &[
        field("between", List, Any, None, "the paths of two uncertain fields"),
        field("rank", Number, Any, None, "Spearman's rank correlation, in [−1, 1]"),
    ],
};

// A new kind fails to compile here until it is added to `ChannelKind::ALL` too.
const _: () = match ChannelKind::Direct {
    ChannelKind::Direct | ChannelKind::Telesales | ChannelKind::Reseller | ChannelKind::Online => (),
};

// Likewise a new family and `Family::ALL`.
const _: () = match Family::Fixed {
    Family::Fixed
    | Family::Uniform
    | Family::Triangular
    | Family::Pert
    | Family::Normal
    | Family::LogNormal
    | Family::Beta
    | Family::Gamma
    | Family::Discrete => (),
};

impl ChannelKind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [ChannelKind; 4] =
        [ChannelKind::Direct, ChannelKind::Telesales, ChannelKind::Reseller, ChannelKind::Online];

    /// The kind a file names, if it is one.
    pub fn parse(name: &str) -> Option<ChannelKind> {
        ChannelKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The fields a channel of this kind takes.
    pub fn section(self) -> &'static Section {
        match self {
            ChannelKind::Direct | ChannelKind::Telesales => &PEOPLE,
            ChannelKind::Reseller => &RESELLER,
            ChannelKind::Online => &ONLINE,
        }
    }
}

/// The distribution families a `dist = "…"` table names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A number known for certain.
    Fixed,
    /// Uniform on [min, max].
    Uniform,
    /// Triangular.
    Triangular,
    /// Beta-PERT.
    Pert,
    /// Normal, optionally truncated.
    Normal,
    /// Lognormal, by median and P90 or by mean and sd.
    LogNormal,
    /// Beta, by mean and sd.
    Beta,
    /// Gamma, by mean and sd.
    Gamma,
    /// Values with weights.
    Discrete,
}

impl Family {
    /// Every family, in the order the documentation lists them.
    pub const ALL: [Family; 9] = [
        Family::Fixed,
        Family::Uniform,
        Family::Triangular,
        Family::Pert,
        Family::Normal,
        Family::LogNormal,
        Family::Beta,
        Family::Gamma,
        Family::Discrete,
    ];

    /// The name as written in the file.
    pub fn name(self) -> &'static str {
        match self {
            Family::Fixed => "fixed",
            Family::Uniform => "uniform",
            Family::Triangular => "triangular",
            Family::Pert => "pert",
            Family::Normal => "normal",
            Family::LogNormal => "lognormal",
            Family::Beta => "beta",
            Family::Gamma => "gamma",
            Family::Discrete => "discrete",
        }
    }

    /// The family a file names, if it is one.
    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The keys its table accepts (with `dist`).
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Family::Fixed => &["dist", "value"],
            Family::Uniform => &["dist", "min", "max"],
            Family::Triangular | Family::Pert => &["dist", "min", "mode", "max"],
            Family::Normal => &["dist", "mean", "sd", "min", "max"],
            Family::LogNormal => &["dist", "median", "p90", "mean", "sd"],
            Family::Beta | Family::Gamma => &["dist", "mean", "sd"],
            Family::Discrete => &["dist", "values", "weights"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_nothing_else_does() {
        for k in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(k.as_str()), Some(k));
            assert_eq!(k.section().fields[0].key, "kind");
        }
        for f in Family::ALL {
            assert_eq!(Family::parse(f.name()), Some(f));
        }
        assert_eq!(ChannelKind::parse("people"), None);
        assert_eq!(Family::parse("poisson"), None);
    }

    #[test]
    fn keys_are_unique_within_a_section() {
        for s in [ROOT, SCENARIO, TARGETS, CAPACITY, SEGMENT, PEOPLE, RESELLER, ONLINE, COVERAGE, CAMPAIGN, CORRELATION]
        {
            let mut keys = s.keys();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), s.fields.len(), "{}", s.name);
        }
        for key in COVERAGE_PEOPLE_ONLY {
            assert!(COVERAGE.field(key).is_some());
        }
    }
}
