//! The key figures of a run: what the tables of `compare`, `sweep` (and the
//! files behind them) show of it, read off its [`Results`].

use super::{Results, Stat};
use serde::{Deserialize, Serialize};

/// A distribution reduced to what a comparison or sweep table shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl From<&Stat> for Band {
    fn from(s: &Stat) -> Band {
        Band { mean: s.mean, p10: s.p10, p50: s.p50, p90: s.p90 }
    }
}

/// A target's probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetFigure {
    /// `revenue` or `contribution`.
    pub metric: String,
    /// P(metric ≥ target).
    pub probability: f64,
}

/// A channel's capacity figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelFigures {
    /// Channel name.
    pub channel: String,
    /// Required / available over the horizon.
    #[serde(default)]
    pub utilization: Option<Band>,
    /// Σ max(0, required − available), in the channel's unit.
    #[serde(default)]
    pub shortfall: Option<Band>,
    /// Required FTE (people channels).
    #[serde(default)]
    pub required_fte: Option<Band>,
    /// P(shortfall in at least one period).
    #[serde(default)]
    pub p_shortfall: Option<f64>,
}

/// The key figures of one run: what compare and sweep tables show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyFigures {
    /// Revenue over the horizon.
    pub revenue: Band,
    /// Contribution over the horizon.
    pub contribution: Band,
    /// P(target) per target.
    #[serde(default)]
    pub targets: Vec<TargetFigure>,
    /// Per channel.
    #[serde(default)]
    pub channels: Vec<ChannelFigures>,
}

impl KeyFigures {
    /// The key figures of a run.
    pub fn of(r: &Results) -> KeyFigures {
        KeyFigures {
            revenue: (&r.totals.revenue).into(),
            contribution: (&r.totals.contribution).into(),
            targets: r
                .targets
                .iter()
                .map(|t| TargetFigure { metric: t.metric.clone(), probability: t.probability })
                .collect(),
            channels: r
                .channels
                .iter()
                .map(|c| {
                    let cap = c.capacity.as_ref();
                    ChannelFigures {
                        channel: c.channel.clone(),
                        utilization: cap.and_then(|k| k.utilization.as_ref()).map(Band::from),
                        shortfall: cap.map(|k| Band::from(&k.shortfall)),
                        required_fte: cap.and_then(|k| k.required_fte.as_ref()).map(Band::from),
                        p_shortfall: cap.map(|k| k.p_shortfall),
                    }
                })
                .collect(),
        }
    }

    /// Column names and values, flat, for CSV: `revenue_mean`, …,
    /// `p_target_revenue`, `CHANNEL_utilization_p50`, …, `CHANNEL_p_shortfall`.
    pub fn columns(&self) -> Vec<(String, Option<f64>)> {
        let mut out = Vec::new();
        let band = |out: &mut Vec<(String, Option<f64>)>, name: &str, b: Option<&Band>| {
            for (stat, v) in [
                ("mean", b.map(|b| b.mean)),
                ("p10", b.map(|b| b.p10)),
                ("p50", b.map(|b| b.p50)),
                ("p90", b.map(|b| b.p90)),
            ] {
                out.push((format!("{name}_{stat}"), v));
            }
        };
        band(&mut out, "revenue", Some(&self.revenue));
        band(&mut out, "contribution", Some(&self.contribution));
        for t in &self.targets {
            out.push((format!("p_target_{}", t.metric), Some(t.probability)));
        }
        for c in &self.channels {
            band(&mut out, &format!("{}_utilization", c.channel), c.utilization.as_ref());
            band(&mut out, &format!("{}_shortfall", c.channel), c.shortfall.as_ref());
            band(&mut out, &format!("{}_required_fte", c.channel), c.required_fte.as_ref());
            out.push((format!("{}_p_shortfall", c.channel), c.p_shortfall));
        }
        out
    }
}
