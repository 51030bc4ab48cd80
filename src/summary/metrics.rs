//! Per-iteration metrics read from a run's records, shared by the precision loop
//! and the sensitivity analysis.

use crate::model::{ChannelModel, Scenario};
use crate::sim::{Samples, plan::Plan};

/// What the sensitivity is measured on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// Total revenue.
    Revenue,
    /// Total contribution.
    Contribution,
    /// A channel's shortfall over the horizon (its capacity unit).
    Shortfall(usize),
    /// A people channel's required FTE, averaged over the horizon.
    RequiredFte(usize),
}

impl Metric {
    /// Reads `revenue`, `contribution`, `CHANNEL.shortfall` or `CHANNEL.required_fte`.
    pub fn parse(s: &Scenario, text: &str) -> Result<Metric, String> {
        match text {
            "revenue" => return Ok(Metric::Revenue),
            "contribution" => return Ok(Metric::Contribution),
            _ => {}
        }
        let valid = || {
            let mut v = vec!["revenue".to_string(), "contribution".to_string()];
            for ch in &s.channels {
                if !ch.model.unlimited() {
                    v.push(format!("{}.shortfall", ch.name));
                }
                if ch.kind.is_people() {
                    v.push(format!("{}.required_fte", ch.name));
                }
            }
            v
        };
        let found = text.split_once('.').and_then(|(name, what)| {
            let c = s.channels.iter().position(|ch| ch.name == name)?;
            match what {
                "shortfall" if valid().contains(&text.to_string()) => Some(Metric::Shortfall(c)),
                "required_fte" if s.channels[c].kind.is_people() => Some(Metric::RequiredFte(c)),
                _ => None,
            }
        });
        found.ok_or_else(|| format!("unknown metric `{text}`; choose one of: {}", valid().join(", ")))
    }

    /// How the metric is named in output.
    pub fn name(&self, s: &Scenario) -> String {
        match self {
            Metric::Revenue => "revenue".into(),
            Metric::Contribution => "contribution".into(),
            Metric::Shortfall(c) => format!("{}.shortfall", s.channels[*c].name),
            Metric::RequiredFte(c) => format!("{}.required_fte", s.channels[*c].name),
        }
    }

    /// Its unit.
    pub fn unit(&self, s: &Scenario) -> String {
        match self {
            Metric::Revenue | Metric::Contribution => s.currency.clone(),
            Metric::Shortfall(c) => s.channels[*c].kind.capacity_unit().to_string(),
            Metric::RequiredFte(_) => "FTE".into(),
        }
    }

    /// The metric in each iteration of a run's records.
    pub fn values(&self, s: &Scenario, plan: &Plan, samples: &Samples) -> Vec<f64> {
        let layout = &plan.layout;
        match self {
            Metric::Revenue => samples.derive(|b, out| layout.revenue(b, out)),
            Metric::Contribution => samples.derive(|b, out| layout.contribution(b, out)),
            Metric::Shortfall(c) => samples.derive(|b, out| {
                for t in 0..s.periods {
                    let (r, a) = (b.field(layout.required(*c, t)), b.field(layout.available(*c, t)));
                    for ((o, r), a) in out.iter_mut().zip(r).zip(a) {
                        *o += (r - a).max(0.0);
                    }
                }
            }),
            Metric::RequiredFte(c) => {
                let hours_per_fte = match &s.channels[*c].model {
                    ChannelModel::People(p) => p.hours_per_fte,
                    ChannelModel::Reseller(_) | ChannelModel::Online(_) => f64::NAN,
                };
                let fields: Vec<usize> = (0..s.periods).map(|t| layout.required(*c, t)).collect();
                let mut hours = samples.sum_of_fields(&fields);
                for h in &mut hours {
                    *h = *h * s.ppy() as f64 / hours_per_fte / s.periods as f64;
                }
                hours
            }
        }
    }
}
