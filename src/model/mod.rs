//! The validated scenario: the only thing the engine accepts.
//!
//! A [`Scenario`] is made from TOML text by [`Scenario::from_toml_str`], which
//! reports every problem of the file at once as [`Diagnostics`]. Once made, a
//! scenario is consistent: names resolve, shares of a segment add up to at most 1,
//! rates stay within [0, 1] over their whole distribution, periods are in range. The
//! engine therefore never checks its input again.
//!
//! Every uncertain field is registered as a [`Param`] with a stable, name-based
//! path (`coverage.key.direct.hit_rate`); the engine draws all of them once per
//! iteration, each from its own random stream named by that path.

mod copula;
pub mod diag;
pub mod dist;
pub mod paths;
mod read;
pub mod schema;
pub mod text;

use std::fmt;
use std::path::Path;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use dist::Dist;

/// Largest file chancap reads; scenario files are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Largest results or shard file chancap reads back (a large sweep's shard holds
/// many points).
pub const MAX_DATA_BYTES: u64 = 1024 * 1024 * 1024;

/// Reads a regular file of at most `limit` bytes. A named pipe, a socket, a
/// device or a directory is refused at once: reading one could block forever
/// (a FIFO) or never end (`/dev/zero`). Whatever the file claims its size is, no
/// more than `limit + 1` bytes are read.
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let not_regular = |meta: &std::fs::Metadata| -> Option<&'static str> {
        let t = meta.file_type();
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return Some("it is a named pipe (FIFO), not a regular file");
            }
            if t.is_socket() {
                return Some("it is a socket, not a regular file");
            }
            if t.is_char_device() || t.is_block_device() {
                return Some("it is a device, not a regular file");
            }
        }
        if t.is_dir() {
            Some("it is a directory, not a file")
        } else if !t.is_file() {
            Some("it is not a regular file")
        } else {
            None
        }
    };
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    if let Some(why) = not_regular(&std::fs::metadata(path)?) {
        return Err(Error::other(why));
    }
    let file = std::fs::File::open(path)?;
    // And again on what was opened, in case the name was swapped in between.
    if let Some(why) = not_regular(&file.metadata()?) {
        return Err(Error::other(why));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::new(ErrorKind::InvalidData, format!("it is larger than the limit of {limit} bytes")));
    }
    Ok(bytes)
}

/// Length of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    /// 12 periods per year.
    Month,
    /// 4 periods per year.
    Quarter,
    /// 52 periods per year.
    Week,
}

impl PeriodKind {
    /// Periods per year.
    pub fn per_year(self) -> usize {
        match self {
            PeriodKind::Month => 12,
            PeriodKind::Quarter => 4,
            PeriodKind::Week => 52,
        }
    }

    /// The name as written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Week => "week",
        }
    }
}

/// Index of an uncertain input in [`Scenario::params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamId(pub usize);

/// An uncertain input, drawn once per iteration.
#[derive(Debug, Clone)]
pub struct Param {
    /// Stable name-based path, e.g. `segments.key.opportunities_per_account`.
    pub path: String,
    /// Its distribution (a fixed number is a distribution too).
    pub dist: Dist,
}

/// A metric a target is set on, over the whole horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetMetric {
    /// Total revenue.
    Revenue,
    /// Total contribution.
    Contribution,
}

impl TargetMetric {
    /// The name as written in the file and the output.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetMetric::Revenue => "revenue",
            TargetMetric::Contribution => "contribution",
        }
    }
}

/// A target: the run reports P(metric ≥ value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// What is measured.
    pub metric: TargetMetric,
    /// The threshold, in currency.
    pub value: f64,
}

/// A layer of the customer pyramid.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Identifier used in coverage rows.
    pub name: String,
    /// Display name (the name if the file gives none).
    pub label: String,
    /// Number of accounts.
    pub accounts: u64,
    /// Opportunities per account per year (uncertain).
    pub opportunities_per_account: ParamId,
    /// Size of one won deal, drawn per deal, in currency.
    pub deal_size: Dist,
    /// Product margin on revenue (uncertain).
    pub gross_margin: ParamId,
    /// Demand profile over the horizon, mean 1 (one factor per period).
    pub season: Vec<f64>,
}

/// The four kinds of channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// Field sales.
    Direct,
    /// Inside sales.
    Telesales,
    /// Partners.
    Reseller,
    /// Web shop / self-service.
    Online,
}

impl ChannelKind {
    /// The name as written in the file.
    pub const fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Direct => "direct",
            ChannelKind::Telesales => "telesales",
            ChannelKind::Reseller => "reseller",
            ChannelKind::Online => "online",
        }
    }

    /// Direct and telesales are staffed by people.
    pub fn is_people(self) -> bool {
        match self {
            ChannelKind::Direct | ChannelKind::Telesales => true,
            ChannelKind::Reseller | ChannelKind::Online => false,
        }
    }

    /// The unit capacity is measured in.
    pub fn capacity_unit(self) -> &'static str {
        match self {
            ChannelKind::Direct | ChannelKind::Telesales => "hours",
            ChannelKind::Reseller => "opportunities",
            ChannelKind::Online => "orders",
        }
    }
}

/// A planned change in headcount or partner count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addition {
    /// Period (1-based) in which they join or are recruited.
    pub period: usize,
    /// How many.
    pub count: u64,
}

/// A channel staffed by people (direct or telesales).
#[derive(Debug, Clone)]
pub struct People {
    /// Headcount at period 1, fully productive.
    pub headcount: u64,
    /// Productive selling hours per FTE per year.
    pub hours_per_fte: f64,
    /// Fully loaded cost per FTE per year.
    pub cost_per_fte: f64,
    /// Probability per year that a person leaves (uncertain).
    pub attrition: ParamId,
    /// Leavers are replaced.
    pub backfill: bool,
    /// Periods between a leave and the replacement's start.
    pub hiring_lag: usize,
    /// Periods until a new hire is fully productive.
    pub ramp: usize,
    /// Planned extra hires.
    pub hires: Vec<Addition>,
    /// Variable cost per served opportunity.
    pub cost_per_opportunity: f64,
}

/// A reseller (partner) channel.
#[derive(Debug, Clone)]
pub struct Reseller {
    /// Active partners at period 1.
    pub partners: u64,
    /// Opportunities one active partner can work per year (uncertain).
    pub opportunities_per_partner: ParamId,
    /// Share of revenue the partner keeps (uncertain).
    pub partner_margin: ParamId,
    /// Rebates, MDF, SPIFs as a share of revenue (uncertain).
    pub incentives: ParamId,
    /// Probability per year that an active partner leaves (uncertain).
    pub partner_churn: ParamId,
    /// Periods before a recruit is active.
    pub onboarding: usize,
    /// Planned recruits.
    pub recruits: Vec<Addition>,
    /// One-off cost per recruit, in its recruit period.
    pub recruit_cost: f64,
    /// Fixed programme cost per year.
    pub program_cost: f64,
}

/// An online (web shop) channel.
#[derive(Debug, Clone)]
pub struct Online {
    /// Payment/platform fees as a share of revenue (uncertain).
    pub fee: ParamId,
    /// Fulfilment cost per order.
    pub cost_per_order: f64,
    /// Fixed platform cost per year.
    pub platform_cost: f64,
    /// Orders per year it can fulfil; `None` is unlimited.
    pub orders_capacity: Option<f64>,
}

/// What drives a channel's capacity and cost.
#[derive(Debug, Clone)]
pub enum ChannelModel {
    /// Direct or telesales.
    People(People),
    /// Partners.
    Reseller(Reseller),
    /// Web shop.
    Online(Online),
}

impl ChannelModel {
    /// Whether the channel's capacity is unlimited: an online channel without an
    /// order limit.
    pub fn unlimited(&self) -> bool {
        match self {
            ChannelModel::Online(o) => o.orders_capacity.is_none(),
            ChannelModel::People(_) | ChannelModel::Reseller(_) => false,
        }
    }

    /// Whether the channel wins every opportunity at its hit rate with no
    /// rationing, so its wins can be drawn with its demand: an online channel that
    /// is unlimited or whose limit is not enforced.
    pub fn never_rations(&self, enforce_capacity: bool) -> bool {
        match self {
            ChannelModel::Online(o) => o.orders_capacity.is_none() || !enforce_capacity,
            ChannelModel::People(_) | ChannelModel::Reseller(_) => false,
        }
    }
}

/// A sales channel.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Identifier (the `NAME` of `[channels.NAME]`).
    pub name: String,
    /// Display label (the name when the file gives none).
    pub label: String,
    /// Its kind.
    pub kind: ChannelKind,
    /// Its capacity and cost model.
    pub model: ChannelModel,
}

/// A coverage row: channel `channel` serves a share of segment `segment`.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Index into [`Scenario::segments`].
    pub segment: usize,
    /// Index into [`Scenario::channels`].
    pub channel: usize,
    /// Share of the segment's opportunities routed here.
    pub share: f64,
    /// Won / served (uncertain).
    pub hit_rate: ParamId,
    /// Selling hours per served opportunity (people channels).
    pub hours_per_opportunity: f64,
    /// Account-management contacts per covered account per year.
    pub contacts_per_account: f64,
    /// Hours per contact.
    pub hours_per_contact: f64,
    /// Channel effect on deal size (uncertain).
    pub deal_size_factor: ParamId,
    /// Overrides the segment's gross margin (uncertain).
    pub gross_margin: Option<ParamId>,
}

/// A time-boxed outbound campaign.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// Identifier.
    pub name: String,
    /// Index into [`Scenario::segments`].
    pub segment: usize,
    /// Index into [`Scenario::channels`] (a people channel).
    pub channel: usize,
    /// Periods (1-based, ascending) in which it calls.
    pub periods: Vec<usize>,
    /// Share of the segment's accounts called (uncertain).
    pub reach: ParamId,
    /// Hours per call.
    pub hours_per_call: f64,
    /// Share of calls that become an opportunity (uncertain).
    pub response: ParamId,
    /// Hit rate of campaign opportunities; `None` uses the coverage row's.
    pub hit_rate: Option<ParamId>,
    /// Hours per campaign opportunity; `None` uses the coverage row's, else 0.
    pub hours_per_opportunity: Option<f64>,
}

/// A rank correlation between two uncertain fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correlation {
    /// One field.
    pub a: ParamId,
    /// The other.
    pub b: ParamId,
    /// Spearman's rank correlation (after repair, if it was repaired).
    pub rank: f64,
}

/// The Gaussian copula of the correlated fields: draw one standard normal per
/// field (each from its own stream), multiply by `factor`, map each result through
/// Φ and the field's own inverse distribution function. Marginals stay exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Copula {
    /// The fields, in matrix order.
    pub params: Vec<ParamId>,
    /// n × n, row-major: correlated normals x = factor · z.
    pub factor: Vec<f64>,
}

/// How the per-iteration uncertain inputs are sampled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sampling {
    /// Independent draws (plain Monte Carlo).
    #[default]
    MonteCarlo,
    /// Latin hypercube: each input's N draws fall one in each of N equally
    /// likely strata, in a random order.
    LatinHypercube,
}

impl Sampling {
    /// `mc` or `lhs`, as `--sampling` takes it and `summary.json` records it.
    pub fn as_str(self) -> &'static str {
        match self {
            Sampling::MonteCarlo => "mc",
            Sampling::LatinHypercube => "lhs",
        }
    }
}

/// How to load a scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Replace an inconsistent correlation matrix by the nearest valid one (with a
    /// warning listing how each pair moved) instead of refusing the file.
    pub repair_correlations: bool,
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Where it was read from (path or `<string>`).
    pub origin: String,
    /// Its name.
    pub name: String,
    /// Number of periods in the horizon.
    pub periods: usize,
    /// Length of a period.
    pub period: PeriodKind,
    /// Currency label.
    pub currency: String,
    /// Default iteration count.
    pub iterations: u64,
    /// Default seed.
    pub seed: u64,
    /// Market growth, scales every opportunity rate by (1 + g) (uncertain).
    pub market_growth: ParamId,
    /// Targets over the horizon.
    pub targets: Vec<Target>,
    /// Demand beyond capacity is lost (true) or served and only reported (false).
    pub enforce_capacity: bool,
    /// The pyramid, top first.
    pub segments: Vec<Segment>,
    /// The channels, in file order.
    pub channels: Vec<Channel>,
    /// The service concept.
    pub coverage: Vec<Coverage>,
    /// Outbound campaigns.
    pub campaigns: Vec<Campaign>,
    /// Every uncertain input.
    pub params: Vec<Param>,
    /// Rank correlations between uncertain inputs, as given (or repaired).
    pub correlations: Vec<Correlation>,
    /// Their Gaussian copula; `None` without correlations.
    pub copula: Option<Copula>,
    /// How the uncertain inputs are sampled (`run --sampling`).
    pub sampling: Sampling,
    /// Findings that did not stop validation.
    pub warnings: Vec<Diagnostic>,
}

/// Failure to load a scenario file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid scenario.
    #[error("{0}")]
    Invalid(Box<Diagnostics>),
}

impl Scenario {
    /// Parses and validates a scenario from TOML text. `origin` names the text in
    /// messages (usually the file path).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Scenario, Box<Diagnostics>> {
        Scenario::from_toml_str_with(text, origin, LoadOptions::default())
    }

    /// [`Scenario::from_toml_str`] with options.
    pub fn from_toml_str_with(text: &str, origin: &str, opts: LoadOptions) -> Result<Scenario, Box<Diagnostics>> {
        let (scenario, items) = read::read(text, origin, opts.repair_correlations);
        let diags = Diagnostics { origin: origin.to_string(), source: text.to_string(), items };
        match scenario {
            Some(mut s) if diags.error_count() == 0 => {
                s.origin = origin.to_string();
                s.warnings = diags.items;
                Ok(s)
            }
            _ => Err(Box::new(diags)),
        }
    }

    /// Reads a file and validates it. Refuses files over [`MAX_FILE_BYTES`] and
    /// files that are not UTF-8 text.
    pub fn from_path(path: &Path) -> Result<Scenario, LoadError> {
        Scenario::from_path_with(path, LoadOptions::default())
    }

    /// [`Scenario::from_path`] with options.
    pub fn from_path_with(path: &Path, opts: LoadOptions) -> Result<Scenario, LoadError> {
        let origin = path.display().to_string();
        let io = |source| LoadError::Io { path: origin.clone(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(io(std::io::Error::other("it is a directory, not a scenario file")));
        }
        let too_large = |size: String| {
            invalid(&origin, format!("the file is {size} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes"))
        };
        if meta.is_file() && meta.len() > MAX_FILE_BYTES {
            return Err(too_large(meta.len().to_string()));
        }
        let bytes = read_bounded(path, MAX_FILE_BYTES).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => too_large(format!("more than {MAX_FILE_BYTES}")),
            _ => io(e),
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                return Err(invalid(
                    &origin,
                    format!("not a text file: invalid UTF-8 at byte {at}; a scenario is a UTF-8 TOML text file"),
                ));
            }
        };
        if text.contains('\0') {
            return Err(invalid(&origin, "not a text file: it contains NUL bytes; a scenario is a TOML text file"));
        }
        Scenario::from_toml_str_with(&text, &origin, opts).map_err(LoadError::Invalid)
    }

    /// A fingerprint of the scenario's validated content: the same for the same
    /// model however the file is laid out or commented, different when any
    /// modelled number, name or structure differs. The run options a command
    /// may override (iterations, seed, sampling) and the file's path are left
    /// out. `summary.json` records it, and `report --from` refuses results whose
    /// fingerprint is not the scenario's.
    pub fn content_hash(&self) -> String {
        let mut model = self.clone();
        model.origin.clear();
        model.warnings.clear();
        (model.iterations, model.seed, model.sampling) = (0, 0, Sampling::default());
        format!("{:016x}", crate::random::rng::stream_id(&format!("{model:?}")))
    }

    /// The parameter behind an id.
    pub fn param(&self, id: ParamId) -> &Param {
        &self.params[id.0]
    }

    /// Periods per year.
    pub fn ppy(&self) -> usize {
        self.period.per_year()
    }
}

fn invalid(origin: &str, message: impl Into<String>) -> LoadError {
    LoadError::Invalid(Box::new(Diagnostics {
        origin: origin.to_string(),
        source: String::new(),
        items: vec![Diagnostic::error(None, "", message)],
    }))
}

/// A one-paragraph description of what a scenario holds, for `chancap check`.
impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let accounts: u64 = self.segments.iter().map(|s| s.accounts).sum();
        let uncertain = self.params.iter().filter(|p| p.dist.as_fixed().is_none()).count();
        let people: u64 = self
            .channels
            .iter()
            .map(|c| match &c.model {
                ChannelModel::People(p) => p.headcount,
                ChannelModel::Reseller(_) | ChannelModel::Online(_) => 0,
            })
            .sum();
        let kinds: Vec<String> = self.channels.iter().map(|c| format!("{} ({})", c.name, c.kind.as_str())).collect();
        write!(
            f,
            "\"{}\": {} {}s in {}; {} segment{} with {} accounts in all; {} channel{} [{}] with {} people at the start; \
             {} coverage row{}, {} campaign{}; {} uncertain input{} of {} in all; {} target{}; capacity {}; \
             {} iterations with seed {} by default.",
            self.name,
            self.periods,
            self.period.as_str(),
            self.currency,
            self.segments.len(),
            plural(self.segments.len()),
            crate::model::text::count(accounts as f64),
            self.channels.len(),
            plural(self.channels.len()),
            kinds.join(", "),
            crate::model::text::count(people as f64),
            self.coverage.len(),
            plural(self.coverage.len()),
            self.campaigns.len(),
            plural(self.campaigns.len()),
            uncertain,
            plural(uncertain),
            self.params.len(),
            self.targets.len(),
            plural(self.targets.len()),
            if self.enforce_capacity { "enforced (demand beyond it is lost)" } else { "reported only" },
            crate::model::text::count(self.iterations as f64),
            self.seed,
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
