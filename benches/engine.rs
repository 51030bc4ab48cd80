//! Engine benchmarks: the reference scenario end to end (iterations per second),
//! the samplers one by one (time per draw), the summary step, the charts and
//! report drawn from a 10,000-iteration run, and a small sweep.
//!
//! Run with `cargo bench --bench engine`; see benches/README.md.

use chancap::model::{Dist, Scenario};
use chancap::results::Results;
use chancap::sim::{self, RunOptions, plan::Plan};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

fn reference() -> Scenario {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml")).unwrap();
    Scenario::from_toml_str(&text, "reference.toml").unwrap()
}

fn engine_bench(c: &mut Criterion) {
    let s = reference();
    let mut g = c.benchmark_group("reference");
    g.sample_size(20);
    for iterations in [2_000u64, 10_000] {
        g.throughput(Throughput::Elements(iterations));
        let opts = RunOptions { iterations, seed: 2027 };
        g.bench_with_input(BenchmarkId::new("run", iterations), &opts, |b, opts| {
            b.iter(|| chancap::run(black_box(&s), opts, &|_| {}))
        });
    }
    let plan = Plan::new(&s);
    let opts = RunOptions { iterations: 10_000, seed: 2027 };
    let samples = sim::simulate(&s, &plan, &opts, &|_| {});
    g.bench_function("summarize/10000", |b| {
        b.iter(|| Results::summarize(&s, &plan, &opts, black_box(&samples), &chancap::summary::accumulate::Sink::Exact))
    });
    g.finish();
}

fn sampler_bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("draw");
    g.throughput(Throughput::Elements(1000));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let dists = [
        ("lognormal", Dist::lognormal_median_p90(40_000.0, 120_000.0).unwrap()),
        ("beta", Dist::beta(0.45, 0.05).unwrap()),
        ("triangular", Dist::triangular(10.0, 12.0, 15.0).unwrap()),
        ("truncated-normal", Dist::normal(0.03, 0.04, Some(-0.2), Some(0.3)).unwrap()),
    ];
    for (name, d) in &dists {
        g.bench_function(*name, |b| b.iter(|| (0..1000).map(|_| d.sample(&mut rng)).sum::<f64>()));
    }
    let deal = Dist::lognormal_median_p90(40_000.0, 120_000.0).unwrap();
    let mut deals = chancap::random::lanes::LaneRng::new(1);
    let mut sum = [0.0];
    g.bench_function("lognormal-sum-of-1000", |b| {
        b.iter(|| {
            deal.sums_of(&mut deals, black_box(&[1000]), &mut sum);
            sum[0]
        })
    });
    // A reseller cell's year: twelve periods of about 70 wins, priced in one call.
    let periods = [75u64, 60, 80, 70, 66, 50, 40, 45, 90, 85, 88, 92];
    let mut sums = [0.0; 12];
    g.throughput(Throughput::Elements(periods.iter().sum()));
    g.bench_function("lognormal-sums-12-periods", |b| {
        b.iter(|| {
            deal.sums_of(&mut deals, black_box(&periods), &mut sums);
            sums[0]
        })
    });
    // A cell's demand over twelve periods (rates 24 to 60), PTRS side by side.
    let rates: Vec<f64> = (0..12).map(|t| 40.0 * (0.6 + 0.08 * t as f64)).collect();
    let mut counts = [0u64; 12];
    g.throughput(Throughput::Elements(12));
    g.bench_function("poissons-12-periods", |b| {
        b.iter(|| {
            chancap::random::sample::poissons(&mut deals, black_box(&rates), &mut counts);
            counts[0]
        })
    });
    g.throughput(Throughput::Elements(1000));
    g.bench_function("poisson(3)", |b| {
        b.iter(|| (0..1000).map(|_| chancap::random::sample::poisson(&mut rng, black_box(3.0))).sum::<u64>())
    });
    g.bench_function("poisson(20)", |b| {
        b.iter(|| (0..1000).map(|_| chancap::random::sample::poisson(&mut rng, black_box(20.0))).sum::<u64>())
    });
    g.bench_function("poisson(300)", |b| {
        b.iter(|| (0..1000).map(|_| chancap::random::sample::poisson(&mut rng, black_box(300.0))).sum::<u64>())
    });
    g.bench_function("binomial(5,0.1)", |b| {
        b.iter(|| (0..1000).map(|_| chancap::random::sample::binomial(&mut rng, black_box(5), 0.1)).sum::<u64>())
    });
    g.bench_function("binomial(50,0.3)", |b| {
        b.iter(|| (0..1000).map(|_| chancap::random::sample::binomial(&mut rng, black_box(50), 0.3)).sum::<u64>())
    });
    g.bench_function("binomial(5000,0.02)", |b| {
        b.iter(|| (0..1000).map(|_| chancap::random::sample::binomial(&mut rng, black_box(5000), 0.02)).sum::<u64>())
    });
    g.finish();
}

fn chart_bench(c: &mut Criterion) {
    let s = reference();
    let results = chancap::run(&s, &RunOptions { iterations: 10_000, seed: 2027 }, &|_| {});
    let mut g = c.benchmark_group("export");
    g.sample_size(10);
    g.bench_function("charts/all", |b| b.iter(|| chancap::report::charts::all(black_box(&results)).unwrap()));
    let charts = chancap::report::charts::all(&results).unwrap();
    g.bench_function("report/html", |b| {
        b.iter(|| {
            chancap::report::html::html(&chancap::report::html::Report {
                scenario: &s,
                results: black_box(&results),
                charts: &charts,
                date: "2026-11-23",
                sensitivity: None,
            })
        })
    });
    g.finish();
}

/// A small sweep: 10 points of the reference scenario at 1,000 iterations each,
/// run in parallel across points and iterations.
fn sweep_bench(c: &mut Criterion) {
    use chancap::analysis::sweep::{Sweep, run_points};
    use chancap::model::paths::Document;
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml")).unwrap();
    let doc = Document::parse(&text, "reference.toml").unwrap();
    let sets = vec![("channels.telesales.headcount".to_string(), "5..14:1".to_string())];
    let sweep = Sweep::new(&doc, &sets, false, 100).unwrap();
    let indices: Vec<usize> = (0..sweep.len()).collect();
    let opts = RunOptions { iterations: 1_000, seed: 2027 };
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(indices.len() as u64 * opts.iterations));
    g.bench_function("10-points-x-1000", |b| {
        b.iter(|| run_points(&sweep, &doc, &indices, &opts, &|_| {}, &|_| {}).unwrap())
    });
    g.bench_function("point-set-up", |b| b.iter(|| sweep.scenario(&doc, black_box(indices[0])).unwrap()));
    g.finish();
}

criterion_group!(benches, engine_bench, sampler_bench, chart_bench, sweep_bench);
criterion_main!(benches);
