//! The walk of the whole file: the `[scenario]` table, `[targets]`, `[capacity]`,
//! then each section in turn; and the seasonality profiles of the scenario and its
//! segments.

use super::{MAX_PERIODS, Reader, Tbl};
use crate::model::diag::nearest;
use crate::model::schema;
use crate::model::{
    Campaign, Channel, Coverage, ParamId, PeriodKind, Sampling, Scenario, Segment, Target, TargetMetric,
};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Largest iteration count a file may ask for.
const MAX_ITERATIONS: u64 = 100_000_000;

/// The `[scenario]` table as far as it could be read.
struct Head {
    name: Option<Spanned<String>>,
    periods: Option<u64>,
    period: Option<PeriodKind>,
    currency: String,
    iterations: u64,
    seed: u64,
    market_growth: Option<ParamId>,
    /// The scenario-wide seasonality profile, the default of every segment.
    season: Option<Vec<f64>>,
}

impl Reader {
    /// The whole file: its sections in turn, then the checks that need all of
    /// them (demand size, unserved segments and unused channels, correlations).
    pub(super) fn scenario(&mut self, root: &Tbl<'_, '_>) -> Option<Scenario> {
        self.check_keys(root, &schema::ROOT.keys());
        let head = self.head(root);
        let targets = self.targets(root);
        let enforce_capacity = self.capacity(root);

        let segments = self.segments(root, head.season.as_deref());
        let channels = self.channels(root);
        let segment_names: Vec<&str> = segments.iter().map(|s| s.0.as_deref().unwrap_or("")).collect();
        let coverage = self.coverage(root, &segment_names, &channels);
        let campaigns = self.campaigns(root, &segment_names, &channels);
        self.missing_sections(
            root,
            segments.is_empty(),
            channels.is_empty(),
            coverage.is_empty() && campaigns.is_empty(),
        );

        // Everything below needs a fully valid file.
        if self.has_errors() {
            return None;
        }
        let segments: Vec<Segment> = segments.into_iter().map(|s| s.1.expect("checked: no errors")).collect();
        let channels: Vec<Channel> = channels.into_iter().map(|c| c.channel.expect("checked: no errors")).collect();
        let coverage: Vec<Coverage> = coverage.into_iter().map(|c| c.expect("checked: no errors")).collect();
        let campaigns: Vec<Campaign> = campaigns.into_iter().map(|c| c.expect("checked: no errors")).collect();
        self.size_check(&segments, &campaigns, head.market_growth?, head.periods? as usize, root.span.clone());
        if self.has_errors() {
            return None;
        }
        self.coverage_warnings(&segments, &channels, &coverage, &campaigns);
        let (correlations, copula) = self.correlations(root);
        if self.has_errors() {
            return None;
        }
        Some(Scenario {
            origin: String::new(),
            name: head.name?.into_inner(),
            periods: head.periods? as usize,
            period: head.period?,
            currency: head.currency,
            iterations: head.iterations,
            seed: head.seed,
            market_growth: head.market_growth?,
            targets,
            enforce_capacity,
            segments,
            channels,
            coverage,
            campaigns,
            params: std::mem::take(&mut self.params),
            correlations,
            copula,
            sampling: Sampling::MonteCarlo,
            warnings: Vec::new(),
        })
    }

    /// `[scenario]`; sets the horizon and the periods per year the other sections
    /// are checked against.
    fn head(&mut self, root: &Tbl<'_, '_>) -> Head {
        let head = match root.get("scenario") {
            Some(v) => self.table(v, "scenario".into()),
            // A misspelt [scenarios] has its one message already ("did you mean").
            None if self.misspelt(root, "scenario") => None,
            None => {
                self.error(Some(0..0), "scenario", "missing the [scenario] table").help =
                    Some("start the file with [scenario] and name = \"…\"".into());
                None
            }
        };
        let empty = DeTable::default();
        let head = head.unwrap_or(Tbl { map: &empty, span: 0..0, path: "scenario".into() });
        self.check_keys(&head, &schema::SCENARIO.keys());
        let name = if root.get("scenario").is_some() { self.string(&head, "name", true) } else { None };
        let periods =
            self.integer(&head, "periods", false, 1, MAX_PERIODS).or(head.get("periods").map_or(Some(12), |_| None));
        let period = self.period_kind(&head);
        self.periods = periods.map(|p| p as usize);
        self.ppy = period.unwrap_or(PeriodKind::Month).per_year();
        if period.is_none() {
            self.periods = None;
        }
        let currency = self.string(&head, "currency", false).map_or_else(|| "EUR".to_string(), |s| s.into_inner());
        let iterations = self.integer(&head, "iterations", false, 1, MAX_ITERATIONS).unwrap_or(10_000);
        let seed = self.integer(&head, "seed", false, 0, i64::MAX as u64).unwrap_or(1);
        let market_growth = self.uncertain(&head, schema::SCENARIO.get("market_growth"), "scenario", Some(0.0));
        let season = self.seasonality(&head);
        Head { name, periods, period, currency, iterations, seed, market_growth, season }
    }

    /// `scenario.period`: month (the default), quarter or week.
    fn period_kind(&mut self, head: &Tbl<'_, '_>) -> Option<PeriodKind> {
        match self.string(head, "period", false) {
            None => Some(PeriodKind::Month),
            Some(p) => match p.get_ref().as_str() {
                "month" => Some(PeriodKind::Month),
                "quarter" => Some(PeriodKind::Quarter),
                "week" => Some(PeriodKind::Week),
                other => {
                    let help = match nearest(other, ["month", "quarter", "week"]) {
                        Some(n) => format!("did you mean \"{n}\"?"),
                        None => "one of: month, quarter, week".into(),
                    };
                    self.error(Some(p.span()), "scenario.period", format!("unknown period length \"{other}\"")).help =
                        Some(help);
                    None
                }
            },
        }
    }

    /// `[targets]`: revenue and contribution thresholds, in that order.
    fn targets(&mut self, root: &Tbl<'_, '_>) -> Vec<Target> {
        let mut targets = Vec::new();
        if let Some(v) = root.get("targets")
            && let Some(t) = self.table(v, "targets".into())
        {
            self.check_keys(&t, &schema::TARGETS.keys());
            for (key, metric) in [("revenue", TargetMetric::Revenue), ("contribution", TargetMetric::Contribution)] {
                if let Some(value) = self.number(&t, schema::TARGETS.get(key)) {
                    targets.push(Target { metric, value });
                }
            }
        }
        targets
    }

    /// `[capacity]`: whether demand beyond capacity is lost (the default).
    fn capacity(&mut self, root: &Tbl<'_, '_>) -> bool {
        let mut enforce_capacity = true;
        if let Some(v) = root.get("capacity")
            && let Some(t) = self.table(v, "capacity".into())
        {
            self.check_keys(&t, &schema::CAPACITY.keys());
            enforce_capacity = self.boolean(&t, "enforce", true);
        }
        enforce_capacity
    }

    /// Errors for a file without segments, channels, or coverage rows and
    /// campaigns (`no_…` says the section was read empty).
    fn missing_sections(&mut self, root: &Tbl<'_, '_>, no_segments: bool, no_channels: bool, no_rows: bool) {
        if no_segments && root.get("segments").is_none() {
            self.error(
                Some(root.span.start..root.span.start),
                "segments",
                "no [[segments]]: the pyramid needs at least one segment",
            );
        }
        if no_channels && root.get("channels").is_none() {
            self.error(
                Some(root.span.start..root.span.start),
                "channels",
                "no [channels.NAME]: at least one channel is needed",
            );
        }
        if no_rows && root.get("coverage").is_none() && root.get("campaigns").is_none() {
            self.error(
                Some(root.span.start..root.span.start),
                "coverage",
                "no [[coverage]] rows: no channel serves any segment",
            );
        }
    }

    /// A seasonality profile: `periods` or `ppy` non-negative numbers, normalised.
    pub(super) fn seasonality(&mut self, t: &Tbl<'_, '_>) -> Option<Vec<f64>> {
        let v = t.get("seasonality")?;
        let raw = self.number_list(t, "seasonality")?;
        let path = t.field("seasonality");
        let DeValue::Array(items) = v.get_ref() else { return None };
        let mut ok = true;
        for (i, (x, item)) in raw.iter().zip(items.iter()).enumerate() {
            if *x < 0.0 {
                self.error(Some(item.span()), format!("{path}[{}]", i + 1), format!("must be ≥ 0, found {x}"));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let periods = self.periods?;
        match normalize_season(&raw, periods, self.ppy) {
            Ok(profile) => Some(profile),
            Err(message) => {
                self.error(Some(v.span()), path, message);
                None
            }
        }
    }
}

/// Normalises a seasonality profile to mean 1 over the horizon.
///
/// A profile of `periods` numbers is divided by its mean. A profile of `ppy`
/// numbers (one year) is divided by its mean over the year, then repeated or cut to
/// the horizon. Values must be non-negative and not all zero.
pub fn normalize_season(raw: &[f64], periods: usize, ppy: usize) -> Result<Vec<f64>, String> {
    if raw.len() != periods && raw.len() != ppy {
        return Err(if periods == ppy {
            format!("expected {periods} values (one per period), found {}", raw.len())
        } else {
            format!("expected {periods} values (one per period) or {ppy} (one year, repeated), found {}", raw.len())
        });
    }
    let largest = raw.iter().copied().fold(0.0, f64::max);
    if largest.is_nan() || largest <= 0.0 {
        return Err("a seasonality profile must not be all zero".into());
    }
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    if mean.is_finite() && mean.is_normal() {
        return Ok((0..periods).map(|t| raw[t % raw.len()] / mean).collect());
    }
    // Numbers so large their sum overflows, or so small their mean is not a
    // normal float: scaled by the largest first.
    let mean = raw.iter().map(|x| x / largest).sum::<f64>() / raw.len() as f64;
    Ok((0..periods).map(|t| raw[t % raw.len()] / largest / mean).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn season_of_horizon_length_has_mean_one() {
        let p = normalize_season(&[1.0, 2.0, 3.0], 3, 12).unwrap();
        assert_eq!(p, vec![0.5, 1.0, 1.5]);
    }

    #[test]
    fn yearly_season_is_normalised_over_the_year_then_repeated_or_cut() {
        let year = [2.0, 2.0, 4.0, 0.0];
        // 6 quarters: the year repeated and cut.
        let p = normalize_season(&year, 6, 4).unwrap();
        assert_eq!(p, vec![1.0, 1.0, 2.0, 0.0, 1.0, 1.0]);
        // 2 quarters: cut; the mean over the horizon is not forced to 1.
        let p = normalize_season(&year, 2, 4).unwrap();
        assert_eq!(p, vec![1.0, 1.0]);
    }

    #[test]
    fn season_of_wrong_length_or_all_zero_is_refused() {
        assert!(normalize_season(&[1.0; 5], 12, 12).unwrap_err().contains("expected 12 values"));
        assert!(normalize_season(&[1.0; 5], 6, 12).unwrap_err().contains("or 12"));
        assert!(normalize_season(&[0.0; 4], 4, 4).unwrap_err().contains("all zero"));
    }

    /// Issue 15, item 1: a profile of huge or tiny numbers is normalised like
    /// any other (its sum used to overflow to infinity, every factor to 0).
    #[test]
    fn extreme_profiles_normalise_to_finite_factors() {
        assert_eq!(
            normalize_season(&[1e308, 1e308, 0.0, 1e308], 4, 4).unwrap(),
            vec![4.0 / 3.0, 4.0 / 3.0, 0.0, 4.0 / 3.0]
        );
        assert_eq!(normalize_season(&[5e-324, 0.0], 2, 2).unwrap(), vec![2.0, 0.0]);
    }
}
