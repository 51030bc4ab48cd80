//! Available capacity of one channel over the horizon: people with ramp, attrition
//! and backfill; partners with onboarding and churn; an online order limit.

use crate::model::{Online, People, Reseller};
use crate::random::sample::binomial;
use rand::Rng;

/// Per-period probability of leaving, from a yearly probability:
/// `q = 1 − (1 − p)^(1/ppy)`.
#[inline]
pub fn per_period(p_year: f64, ppy: usize) -> f64 {
    if p_year >= 1.0 { 1.0 } else { 1.0 - (1.0 - p_year).powf(1.0 / ppy as f64) }
}

/// Productivity of a person in their k-th period of service (k = 1, 2, …):
/// `min(1, k / (ramp + 1))`.
#[inline]
pub fn productivity(k: usize, ramp: usize) -> f64 {
    (k as f64 / (ramp as f64 + 1.0)).min(1.0)
}

/// What a channel can do in each period and what it pays regardless of demand.
#[derive(Debug, Clone, Default)]
pub struct ChannelCapacity {
    /// Available capacity per period (hours, opportunities or orders; `inf` for
    /// unlimited online).
    pub available: Vec<f64>,
    /// Fixed cost per period (staff, programme + recruiting, platform).
    pub fixed_cost: Vec<f64>,
}

/// People channel: cohorts by start period; attrition at the end of each period.
pub fn people<R: Rng + ?Sized>(
    rng: &mut R,
    p: &People,
    attrition: f64,
    periods: usize,
    ppy: usize,
    out: &mut ChannelCapacity,
) {
    let q = per_period(attrition, ppy);
    let hours = p.hours_per_fte / ppy as f64;
    let cost = p.cost_per_fte / ppy as f64;
    // (start period, count); the starting team is fully productive from period 1.
    let mut cohorts: Vec<(Option<usize>, u64)> = Vec::with_capacity(periods + 1);
    cohorts.push((None, p.headcount));
    let mut joining = vec![0u64; periods];
    for h in &p.hires {
        joining[h.period - 1] += h.count;
    }
    out.available.clear();
    out.fixed_cost.clear();
    for t in 0..periods {
        if joining[t] > 0 {
            cohorts.push((Some(t), joining[t]));
        }
        let mut productive = 0.0;
        let mut employed = 0u64;
        for &(start, n) in &cohorts {
            let k = start.map_or(usize::MAX, |s| t - s + 1);
            productive += n as f64 * if k == usize::MAX { 1.0 } else { productivity(k, p.ramp) };
            employed += n;
        }
        out.available.push(productive * hours);
        out.fixed_cost.push(employed as f64 * cost);
        if q > 0.0 && t + 1 < periods {
            let mut leavers = 0;
            for cohort in cohorts.iter_mut() {
                let gone = binomial(rng, cohort.1, q);
                cohort.1 -= gone;
                leavers += gone;
            }
            cohorts.retain(|c| c.1 > 0);
            let rejoin = t + 1 + p.hiring_lag;
            if p.backfill && leavers > 0 && rejoin < periods {
                joining[rejoin] += leavers;
            }
        }
    }
}

/// Reseller channel: active partners × opportunities per partner.
#[allow(clippy::too_many_arguments)]
pub fn reseller<R: Rng + ?Sized>(
    rng: &mut R,
    r: &Reseller,
    opportunities_per_partner: f64,
    churn: f64,
    periods: usize,
    ppy: usize,
    out: &mut ChannelCapacity,
) {
    let q = per_period(churn, ppy);
    let mut activating = vec![0u64; periods];
    let mut recruiting_cost = vec![0.0; periods];
    for rec in &r.recruits {
        let t = rec.period - 1;
        recruiting_cost[t] += r.recruit_cost * rec.count as f64;
        if t + r.onboarding < periods {
            activating[t + r.onboarding] += rec.count;
        }
    }
    out.available.clear();
    out.fixed_cost.clear();
    let mut active = r.partners;
    for t in 0..periods {
        active += activating[t];
        out.available.push(active as f64 * opportunities_per_partner / ppy as f64);
        out.fixed_cost.push(r.program_cost / ppy as f64 + recruiting_cost[t]);
        if q > 0.0 && t + 1 < periods {
            active -= binomial(rng, active, q);
        }
    }
}

/// Online channel: a flat order limit, or unlimited.
pub fn online(o: &Online, periods: usize, ppy: usize, out: &mut ChannelCapacity) {
    out.available.clear();
    out.fixed_cost.clear();
    let cap = o.orders_capacity.map_or(f64::INFINITY, |c| c / ppy as f64);
    out.available.resize(periods, cap);
    out.fixed_cost.resize(periods, o.platform_cost / ppy as f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_steps_as_specified() {
        let steps: Vec<f64> = (1..=5).map(|k| productivity(k, 3)).collect();
        assert_eq!(steps, vec![0.25, 0.5, 0.75, 1.0, 1.0]);
        assert_eq!(productivity(1, 0), 1.0);
    }

    #[test]
    fn per_period_rate_compounds_to_the_yearly_rate() {
        let q = per_period(0.3, 12);
        assert!(((1.0 - q).powi(12) - 0.7).abs() < 1e-12);
        assert_eq!(per_period(1.0, 4), 1.0);
        assert_eq!(per_period(0.0, 52), 0.0);
    }
}
