//! What every channel kind's capacity is made of: the capacity and fixed cost per
//! period, the per-period rate of a yearly one, and the ramp of a new hire. The
//! capacity processes themselves live with their kind in [`super::channels`].

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
