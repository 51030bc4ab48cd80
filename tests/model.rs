//! The model of spec §5 against closed forms. Every run has a fixed seed; every
//! tolerance is a multiple of the standard error of the compared mean.

use super::{reference, run, within_se};

/// One segment, one online channel with no capacity limit: routed opportunities
/// are Poisson(accounts × rate × share), uncovered the rest, wins a thinned Poisson.
#[test]
fn poisson_thinning_of_routed_uncovered_and_won_opportunities() {
    let r = run(
        r#"
        [scenario]
        name = "thinning"
        [[segments]]
        name = "all"
        accounts = 1000
        opportunities_per_account = 12
        deal_size = 100
        [channels.web]
        kind = "online"
        [[coverage]]
        segment = "all"
        channel = "web"
        share = 0.6
        hit_rate = 0.25
        "#,
        4000,
    );
    let n = 4000f64;
    let t = &r.totals;
    // Poisson: variance = mean, so se = sqrt(mean / n).
    within_se("routed", t.opportunities.mean, 7200.0, (7200.0 / n).sqrt(), 4.0);
    within_se("uncovered", t.uncovered.mean, 4800.0, (4800.0 / n).sqrt(), 4.0);
    within_se("wins", t.wins.mean, 1800.0, (1800.0 / n).sqrt(), 4.0);
    // A thinned Poisson is Poisson: its sd is sqrt(mean). The sd of a sample sd
    // is about sd / sqrt(2n).
    let sd = 1800f64.sqrt();
    within_se("sd of wins", t.wins.sd, sd, sd / (2.0 * n).sqrt(), 4.0);
    // Revenue = wins × fixed deal size, exactly.
    assert!((t.revenue.mean - 100.0 * t.wins.mean).abs() < 1e-6);
    assert_eq!(t.lost_to_capacity.max, 0.0);
    let hit = r.cells[0].metrics.hit_rate.unwrap();
    within_se("hit rate", hit.mean, 0.25, hit.se, 4.0);
}

/// Account-management hours: share × accounts × contacts × hours, spread evenly.
#[test]
fn workload_build_up_sizes_account_management() {
    let r = run(
        r#"
        [scenario]
        name = "workload"
        [[segments]]
        name = "large"
        accounts = 200
        opportunities_per_account = 0
        deal_size = 1000
        [channels.field]
        kind = "direct"
        headcount = 2
        hours_per_fte = 1400
        cost_per_fte = 84000
        [[coverage]]
        segment = "large"
        channel = "field"
        share = 0.5
        hit_rate = 0.3
        contacts_per_account = 6
        hours_per_contact = 2.5
        "#,
        50,
    );
    let cap = r.channels[0].capacity.as_ref().unwrap();
    // 0.5 × 200 × 6 × 2.5 = 1,500 hours a year, 125 a month.
    assert!((cap.required.mean - 1500.0).abs() < 1e-9);
    assert!((cap.periods[4].required.p50 - 125.0).abs() < 1e-9);
    assert!((cap.required_fte.unwrap().p50 - 1500.0 / 1400.0).abs() < 1e-9);
    assert!((cap.available_fte.unwrap().p50 - 2.0).abs() < 1e-9);
    assert_eq!(cap.p_shortfall, 0.0);
    // All staff cost goes to the only cell: 2 × 84,000.
    assert!((r.cells[0].metrics.channel_cost.mean - 168_000.0).abs() < 1e-6);
    assert_eq!(r.channels[0].unallocated_cost.max, 0.0);
}

fn people_scenario(channel: &str) -> String {
    format!(
        r#"
        [scenario]
        name = "people"
        [[segments]]
        name = "s"
        accounts = 10
        opportunities_per_account = 0
        deal_size = 1
        [channels.team]
        kind = "direct"
        hours_per_fte = 1200
        cost_per_fte = 120000
        {channel}
        [[coverage]]
        segment = "s"
        channel = "team"
        share = 1
        hit_rate = 0.5
        "#
    )
}

fn available_by_period(r: &chancap::results::Results) -> Vec<f64> {
    r.channels[0].capacity.as_ref().unwrap().periods.iter().map(|p| p.available.p50).collect()
}

/// A planned hire ramps 25 %, 50 %, 75 %, 100 % with ramp = 3 and is paid from
/// the start of employment.
#[test]
fn planned_hires_ramp_up() {
    let r = run(&people_scenario("headcount = 0\nramp = 3\nhires = [{ period = 3, headcount = 2 }]"), 20);
    // 100 hours per FTE per month.
    assert_eq!(
        available_by_period(&r),
        vec![0.0, 0.0, 50.0, 100.0, 150.0, 200.0, 200.0, 200.0, 200.0, 200.0, 200.0, 200.0]
    );
    // Paid for 10 months × 2 people × 10,000 per month; nothing to allocate it to.
    assert!((r.channels[0].metrics.channel_cost.mean - 200_000.0).abs() < 1e-6);
    assert!((r.channels[0].unallocated_cost.mean - 200_000.0).abs() < 1e-6);
}

/// With attrition 1 everyone leaves at the end of each period; a backfill joins
/// `hiring_lag` empty periods later and ramps like any hire.
#[test]
fn attrition_and_backfill_timing() {
    let r = run(&people_scenario("headcount = 1\nattrition = 1.0\nbackfill = true\nhiring_lag = 2\nramp = 3"), 20);
    assert_eq!(available_by_period(&r), vec![100.0, 0.0, 0.0, 25.0, 0.0, 0.0, 25.0, 0.0, 0.0, 25.0, 0.0, 0.0]);
    // Employed (and paid) in periods 1, 4, 7, 10.
    assert!((r.channels[0].metrics.channel_cost.mean - 40_000.0).abs() < 1e-6);
    // Without backfill the team is gone after period 1.
    let r = run(&people_scenario("headcount = 1\nattrition = 1.0\nramp = 3"), 20);
    assert_eq!(available_by_period(&r)[..3], [100.0, 0.0, 0.0]);
}

/// Yearly attrition compounds per period: the expected headcount at period t is
/// h·(1 − q)^(t−1) with q = 1 − (1 − a)^(1/12).
#[test]
fn attrition_matches_its_yearly_rate() {
    let n = 4000;
    let r = run(&people_scenario("headcount = 100\nattrition = 0.3"), n);
    let cap = r.channels[0].capacity.as_ref().unwrap();
    let last = &cap.periods[11].available;
    // Survivors after 11 period ends: Binomial(100, 0.7^(11/12)).
    let p = 0.7f64.powf(11.0 / 12.0);
    let expected = 100.0 * p * 100.0;
    let se = 100.0 * (100.0 * p * (1.0 - p) / n as f64).sqrt();
    within_se("hours in period 12", last.mean, expected, se, 4.0);
}

/// Recruits of period p are active from p + onboarding; their cost falls in p.
#[test]
fn partner_onboarding_and_recruit_cost() {
    let r = run(
        r#"
        [scenario]
        name = "partners"
        [[segments]]
        name = "s"
        accounts = 10
        opportunities_per_account = 0
        deal_size = 1
        [channels.resellers]
        kind = "reseller"
        partners = 10
        opportunities_per_partner = 120
        onboarding = 3
        recruits = [{ period = 4, partners = 5 }, { period = 11, partners = 9 }]
        recruit_cost = 1000
        program_cost = 12000
        [[coverage]]
        segment = "s"
        channel = "resellers"
        share = 1
        hit_rate = 0.5
        "#,
        20,
    );
    let avail = available_by_period(&r);
    assert_eq!(avail, vec![100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 150.0, 150.0, 150.0, 150.0, 150.0, 150.0]);
    // Programme 12,000 + 14 recruits × 1,000, all unallocated (no revenue).
    assert!((r.channels[0].metrics.channel_cost.mean - 26_000.0).abs() < 1e-6);
}

/// Cells add up to channels, segments and totals; contribution = margin − cost.
#[test]
fn cost_allocation_identities_hold() {
    let r = run(&reference(), 1000);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()));
    let mut total_cost = 0.0;
    for ch in &r.channels {
        let cells: f64 = r.cells.iter().filter(|c| c.channel == ch.channel).map(|c| c.metrics.channel_cost.mean).sum();
        assert!(close(cells + ch.unallocated_cost.mean, ch.metrics.channel_cost.mean), "{}", ch.channel);
        assert!(close(ch.metrics.gross_margin.mean - ch.metrics.channel_cost.mean, ch.metrics.contribution.mean));
        total_cost += ch.metrics.channel_cost.mean;
    }
    assert!(close(total_cost, r.totals.channel_cost.mean));
    let seg_revenue: f64 = r.segments.iter().map(|s| s.metrics.revenue.mean).sum();
    assert!(close(seg_revenue, r.totals.revenue.mean));
    let seg_uncovered: f64 = r.segments.iter().map(|s| s.uncovered.mean).sum();
    assert!(close(seg_uncovered, r.totals.uncovered.mean));
    assert!(close(r.totals.gross_margin.mean - r.totals.channel_cost.mean, r.totals.contribution.mean));
    // Served + lost = routed, in every cell.
    for c in &r.cells {
        let m = &c.metrics;
        assert!(close(m.served.mean + m.lost_to_capacity.mean, m.opportunities.mean), "{}/{}", c.segment, c.channel);
    }
    // Fixed staff cost is fully allocated where there is work: direct's cost is its
    // people plus 150 per served opportunity.
    let direct = r.channels.iter().find(|c| c.channel == "direct").unwrap();
    assert_eq!(direct.unallocated_cost.max, 0.0);
}

/// A seasonality profile of one year is normalised to mean 1 and repeated.
#[test]
fn seasonality_shapes_demand() {
    let n = 3000;
    let r = run(
        r#"
        [scenario]
        name = "season"
        periods = 8
        period = "quarter"
        seasonality = [1, 1, 1, 5]
        [capacity]
        enforce = false
        [[segments]]
        name = "s"
        accounts = 100
        opportunities_per_account = 8
        deal_size = 1
        [channels.resellers]
        kind = "reseller"
        partners = 1
        opportunities_per_partner = 1
        [[coverage]]
        segment = "s"
        channel = "resellers"
        share = 1
        hit_rate = 0.5
        "#,
        n,
    );
    let cap = r.channels[0].capacity.as_ref().unwrap();
    // 100 × 8 / 4 = 200 per quarter on average; the profile [0.5, 0.5, 0.5, 2.5].
    for p in &cap.periods {
        let expected = 200.0 * if p.period % 4 == 0 { 2.5 } else { 0.5 };
        within_se(&format!("quarter {}", p.period), p.required.mean, expected, (expected / n as f64).sqrt(), 4.0);
    }
    // Not enforced: nothing lost although demand far exceeds capacity.
    assert_eq!(r.totals.lost_to_capacity.max, 0.0);
    assert_eq!(cap.p_shortfall, 1.0);
}

/// Campaign calls: round(reach × accounts / listed periods) in each listed period.
#[test]
fn campaign_call_counts_and_hours() {
    let n = 2000;
    let r = run(
        r#"
        [scenario]
        name = "campaign"
        [[segments]]
        name = "prospects"
        accounts = 1001
        opportunities_per_account = 0
        deal_size = 1
        [channels.phone]
        kind = "telesales"
        headcount = 1
        hours_per_fte = 1200
        cost_per_fte = 0
        [[campaigns]]
        name = "spring"
        segment = "prospects"
        channel = "phone"
        periods = [4, 3]
        reach = 0.25
        hours_per_call = 0.2
        response = 0.1
        hit_rate = 0.5
        "#,
        n,
    );
    let cap = r.channels[0].capacity.as_ref().unwrap();
    // round(0.25 × 1001 / 2) = round(125.125) = 125 calls, 25 hours.
    for p in &cap.periods {
        let expected = if p.period == 3 || p.period == 4 { 25.0 } else { 0.0 };
        assert!((p.required.max - expected).abs() < 1e-9 && (p.required.min - expected).abs() < 1e-9);
    }
    // Opportunities: 2 × Binomial(125, 0.1).
    let se = (2.0 * 125.0 * 0.1 * 0.9 / n as f64).sqrt();
    within_se("campaign opportunities", r.totals.opportunities.mean, 25.0, se, 4.0);
    assert_eq!(r.cells.len(), 1, "the campaign creates its (segment, channel) cell");
}

/// With capacity enforced, a channel short by half serves about half.
#[test]
fn rationing_serves_the_available_fraction() {
    let text = |enforce: bool| {
        format!(
            r#"
            [scenario]
            name = "rationing"
            [capacity]
            enforce = {enforce}
            [[segments]]
            name = "s"
            accounts = 240
            opportunities_per_account = 1
            deal_size = 1
            [channels.resellers]
            kind = "reseller"
            partners = 1
            opportunities_per_partner = 120
            [[coverage]]
            segment = "s"
            channel = "resellers"
            share = 1
            hit_rate = 1
            "#
        )
    };
    let r = run(&text(true), 2000);
    // Demand Poisson(20) a month against 10 a month of capacity: served is at most
    // the capacity in expectation, and never more than routed.
    let t = &r.totals;
    assert!(t.served.mean < 121.0 && t.served.mean > 110.0, "served {}", t.served.mean);
    assert!(t.lost_to_capacity.mean > 100.0);
    let r = run(&text(false), 200);
    assert_eq!(r.totals.lost_to_capacity.max, 0.0);
}

/// Market growth scales every opportunity rate by (1 + g).
#[test]
fn market_growth_scales_demand() {
    let n = 2000;
    let r = run(
        r#"
        [scenario]
        name = "growth"
        market_growth = 0.5
        [[segments]]
        name = "s"
        accounts = 100
        opportunities_per_account = 10
        deal_size = 1
        [channels.web]
        kind = "online"
        [[coverage]]
        segment = "s"
        channel = "web"
        share = 1
        hit_rate = 0.1
        "#,
        n,
    );
    within_se("routed", r.totals.opportunities.mean, 1500.0, (1500.0 / n as f64).sqrt(), 4.0);
}

/// Online orders beyond the order limit are lost after winning.
#[test]
fn online_order_limit_caps_wins() {
    let r = run(
        r#"
        [scenario]
        name = "online cap"
        [[segments]]
        name = "s"
        accounts = 1200
        opportunities_per_account = 1
        deal_size = 10
        [channels.web]
        kind = "online"
        orders_capacity = 60
        [[coverage]]
        segment = "s"
        channel = "web"
        share = 1
        hit_rate = 0.5
        "#,
        1000,
    );
    let t = &r.totals;
    // About 50 wins a month against 5 orders a month: kept ~ Binomial(W, 5 / W),
    // 5 a month in expectation, 60 a year.
    super::within_se("kept orders", t.wins.mean, 60.0, t.wins.se, 4.0);
    assert!(t.lost_to_capacity.mean > 500.0);
    let cap = r.channels[0].capacity.as_ref().unwrap();
    assert_eq!(cap.unit, "orders");
    assert!((t.served.mean + t.lost_to_capacity.mean - t.opportunities.mean).abs() < 1e-6);
}

/// Results depend only on (scenario, seed, iterations), not on the thread count.
#[test]
fn same_results_on_one_and_two_threads() {
    let s = super::scenario(&reference());
    let opts = chancap::sim::RunOptions { iterations: 1500, seed: 9 };
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let a = one.install(|| chancap::run(&s, &opts, &|_| {}));
    let b = two.install(|| chancap::run(&s, &opts, &|_| {}));
    assert_eq!(chancap::report::json::summary(&a), chancap::report::json::summary(&b));
    let c = two.install(|| chancap::run(&s, &chancap::sim::RunOptions { seed: 10, ..opts }, &|_| {}));
    assert_ne!(a.totals.revenue.mean, c.totals.revenue.mean, "another seed gives other draws");
}

/// Targets: P(metric ≥ value) is the share of iterations reaching it.
#[test]
fn target_probabilities_are_shares_of_iterations() {
    let mut text = reference();
    text = text.replace("revenue = 26_000_000", "revenue = 0");
    let r = run(&text, 300);
    assert_eq!(r.targets[0].metric, "revenue");
    assert_eq!(r.targets[0].probability, 1.0);
    let p = r.targets[1].probability;
    assert!(p > 0.0 && p < 1.0);
}

mod batched {
    use chancap::sim::RunOptions;

    /// Share of `values` strictly below and at most `v`.
    fn share_below(sorted: &[f64], v: f64) -> (f64, f64) {
        let n = sorted.len() as f64;
        (sorted.partition_point(|x| *x < v) as f64 / n, sorted.partition_point(|x| *x <= v) as f64 / n)
    }

    #[test]
    #[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
    fn a_run_summarised_in_batches_matches_the_exact_summary() {
        let s = crate::scenario(&crate::reference());
        let opts = RunOptions { iterations: 12_000, seed: 21 };
        let exact = chancap::run(&s, &opts, &|_| {});
        let (batched, rank_error) = chancap::summary::run_batched(&s, &opts, 1_000, &|_| {});
        assert!(rank_error > 0.0 && rank_error <= 0.001, "stated rank error {rank_error}");
        // Counts, means and extremes are exact.
        assert_eq!(batched.targets, exact.targets);
        for (a, b) in batched.channels.iter().zip(&exact.channels) {
            let (Some(a), Some(b)) = (&a.capacity, &b.capacity) else { continue };
            assert_eq!(a.p_shortfall, b.p_shortfall);
            for (pa, pb) in a.periods.iter().zip(&b.periods) {
                assert_eq!(pa.p_shortfall, pb.p_shortfall);
            }
        }
        let (t, e) = (&batched.totals.revenue, &exact.totals.revenue);
        assert!((t.mean - e.mean).abs() <= 1e-9 * e.mean.abs(), "{} vs {}", t.mean, e.mean);
        assert!((t.sd - e.sd).abs() <= 1e-9 * e.sd, "{} vs {}", t.sd, e.sd);
        assert_eq!((t.min, t.max), (e.min, e.max));
        // Histograms from the summary: same bins, counts within the rank error.
        let (hb, he) = (&batched.distributions.revenue, &exact.distributions.revenue);
        assert_eq!((hb.lo, hb.hi, hb.counts.len()), (he.lo, he.hi, he.counts.len()));
        assert_eq!(hb.counts.iter().sum::<u64>(), 12_000);
        let mut cum = (0i64, 0i64);
        for (a, b) in hb.counts.iter().zip(&he.counts) {
            cum = (cum.0 + *a as i64, cum.1 + *b as i64);
            assert!((cum.0 - cum.1).abs() as f64 <= 2.0 * rank_error * 12_000.0 + 2.0, "cumulative counts {cum:?}");
        }
        assert_eq!(batched.distributions.revenue_values, exact.distributions.revenue_values, "values kept in order");
        // Percentiles: the share of iterations below each is within the stated
        // error of its nominal share.
        for (values, stat) in [
            (&exact.distributions.revenue_values, &batched.totals.revenue),
            (&exact.distributions.contribution_values, &batched.totals.contribution),
        ] {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for (p, v) in [(0.05, stat.p5), (0.10, stat.p10), (0.50, stat.p50), (0.90, stat.p90), (0.95, stat.p95)] {
                let (below, upto) = share_below(&sorted, v);
                let off = if p < below {
                    below - p
                } else if p > upto {
                    p - upto
                } else {
                    0.0
                };
                assert!(off <= rank_error + 1.0 / sorted.len() as f64, "p {p}: {off} off, bound {rank_error}");
            }
        }
    }

    #[test]
    fn a_batched_run_does_not_depend_on_the_thread_count() {
        let s = crate::scenario(&crate::reference());
        let opts = RunOptions { iterations: 3_000, seed: 2 };
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| chancap::summary::run_batched(&s, &opts, 700, &|_| {}).0)
        };
        assert_eq!(chancap::report::json::summary(&run(1)), chancap::report::json::summary(&run(2)));
    }
}

/// A channel's `label` reaches the results and the words of its parameter
/// paths; without one the channel reads as its name.
#[test]
fn channel_labels_reach_results_and_paths() {
    use chancap::report::labels::Labels;
    let r = run(&people_scenario("headcount = 1\nlabel = \"Field sales (north)\""), 20);
    assert_eq!(r.channels[0].label, "Field sales (north)");
    let labels = Labels::of(&r);
    assert_eq!(labels.channel("team"), "Field sales (north)");
    assert_eq!(labels.parameter("coverage.s.team.hit_rate"), "S · Field sales (north) · hit rate");
    let plain = run(&people_scenario("headcount = 1"), 20);
    assert_eq!(plain.channels[0].label, "team");
}

/// The value of the opportunities lost to capacity, channel kind by kind, in
/// every iteration: lost × hit rate × mean deal size is the lost revenue; less
/// product cost, revenue-based channel cost and the variable cost per lost
/// opportunity (people) or order (online), the lost contribution. With a
/// fixed hit rate (0.5), deal size (100) and margin (0.4) both are exact
/// multiples of the lost count, so their mean, sd and P50 are too.
#[test]
fn lost_revenue_and_contribution_price_the_lost_opportunities() {
    let r = run(
        r#"
        [scenario]
        name = "lost value"
        [[segments]]
        name = "s"
        accounts = 600
        opportunities_per_account = 1
        deal_size = 100
        gross_margin = 0.4
        [channels.team]
        kind = "direct"
        headcount = 1
        hours_per_fte = 600
        cost_per_fte = 1
        cost_per_opportunity = 3
        [channels.partners]
        kind = "reseller"
        partners = 1
        opportunities_per_partner = 100
        partner_margin = 0.1
        incentives = 0.05
        [channels.web]
        kind = "online"
        fee = 0.02
        cost_per_order = 4
        orders_capacity = 40
        [[coverage]]
        segment = "s"
        channel = "team"
        share = 0.3
        hit_rate = 0.5
        hours_per_opportunity = 5
        [[coverage]]
        segment = "s"
        channel = "partners"
        share = 0.3
        hit_rate = 0.5
        [[coverage]]
        segment = "s"
        channel = "web"
        share = 0.4
        hit_rate = 0.5
        "#,
        2000,
    );
    let close = |what: &str, a: f64, b: f64| assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{what}: {a} vs {b}");
    // (lost revenue, lost contribution) per lost opportunity or order.
    for (channel, revenue, contribution) in [("team", 50.0, 17.0), ("partners", 50.0, 12.5), ("web", 100.0, 34.0)] {
        let ch = r.channels.iter().find(|c| c.channel == channel).unwrap();
        let m = &ch.metrics;
        assert!(m.lost_to_capacity.mean > 10.0, "{channel} is short: {}", m.lost_to_capacity.mean);
        let (lr, lc) = (m.lost_revenue.unwrap(), m.lost_contribution.unwrap());
        for (stat, per) in [(lr, revenue), (lc, contribution)] {
            close(channel, stat.mean, per * m.lost_to_capacity.mean);
            close(channel, stat.sd, per * m.lost_to_capacity.sd);
            close(channel, stat.p50, per * m.lost_to_capacity.p50);
        }
    }
    let t = &r.totals;
    let sum: f64 = r.channels.iter().map(|c| c.metrics.lost_revenue.unwrap().mean).sum();
    close("total", t.lost_revenue.unwrap().mean, sum);
    let cells: f64 = r.cells.iter().map(|c| c.metrics.lost_contribution.unwrap().mean).sum();
    close("cells", t.lost_contribution.unwrap().mean, cells);
}

/// What capacity loses is what serving everyone would add: with uncertain hit
/// rate, deal size and channel factor, the mean revenue without enforcement
/// less the mean revenue with it equals the mean lost revenue, within the
/// standard error of the difference of two independent means.
#[test]
fn lost_revenue_is_what_unlimited_capacity_would_add() {
    let text = |enforce: bool| {
        format!(
            r#"
            [scenario]
            name = "lost vs unlimited"
            [capacity]
            enforce = {enforce}
            [[segments]]
            name = "s"
            accounts = 400
            opportunities_per_account = {{ dist = "uniform", min = 0.8, max = 1.2 }}
            deal_size = {{ dist = "lognormal", median = 1000, p90 = 2500 }}
            [channels.team]
            kind = "direct"
            headcount = 1
            hours_per_fte = 1200
            cost_per_fte = 1
            [[coverage]]
            segment = "s"
            channel = "team"
            share = 1
            hit_rate = {{ dist = "beta", mean = 0.3, sd = 0.05 }}
            deal_size_factor = {{ dist = "uniform", min = 0.9, max = 1.3 }}
            hours_per_opportunity = 6
            "#
        )
    };
    let short = run(&text(true), 4000);
    let all = run(&text(false), 4000);
    let lost = short.totals.lost_revenue.unwrap();
    assert!(lost.mean > 0.3 * all.totals.revenue.mean, "about half the demand is lost: {}", lost.mean);
    let gap = all.totals.revenue.mean - short.totals.revenue.mean;
    let se = (all.totals.revenue.se.powi(2) + short.totals.revenue.se.powi(2) + lost.se.powi(2)).sqrt();
    within_se("lost revenue", lost.mean, gap, se, 4.0);
}
