//! `chancap check`: validate scenario files and describe them.

use crate::cli::args::CheckArgs;
use crate::cli::common::{Context, print_warnings, stdout};
use crate::cli::error::Failure;
use chancap::model::{ChannelModel, Scenario, read_bounded};
use chancap::report::format::{count, money, pct_plain, plain};
use chancap::report::table::wrap;
use std::path::Path;

/// `chancap check FILE…`: every file is checked; each problem is printed as it is
/// found, so the failure returned carries only the count.
pub(crate) fn check(ctx: &Context, opts: &CheckArgs) -> Result<(), Failure> {
    let mut invalid = 0;
    for path in &opts.files {
        match ctx.load(path) {
            Ok(s) => {
                if !opts.quiet {
                    let text = format!("{}: valid.\n{}", path.display(), describe(&s, path));
                    stdout(format!("{}\n", wrap(&text, ctx.width)).as_bytes())?;
                }
                print_warnings(&s);
            }
            Err(f) => {
                f.report();
                invalid += 1;
            }
        }
    }
    match invalid {
        0 => Ok(()),
        _ if opts.files.len() == 1 => Err(Failure::Invalid(String::new())),
        n => Err(Failure::Invalid(format!("{n} of {} files are invalid", opts.files.len()))),
    }
}

/// A channel by its label, with its name (which paths use) when they differ:
/// `Field sales [field]`.
fn named(c: &chancap::model::Channel) -> String {
    if c.label == c.name { c.name.clone() } else { format!("{} [{}]", c.label, c.name) }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n as f64), if n == 1 { one } else { many })
}

/// What a valid scenario holds, a line per part, indented by two: horizon and
/// defaults, segments, channels, coverage, campaigns, correlations, targets,
/// capacity, and the file's `[sweep]` and `[optimise]` tables if it has them.
fn describe(s: &Scenario, path: &Path) -> String {
    let mut lines = vec![format!(
        "\"{}\": {} {}s in {}; {} iterations, seed {} by default",
        s.name,
        s.periods,
        s.period.as_str(),
        s.currency,
        count(s.iterations as f64),
        s.seed
    )];
    let accounts: u64 = s.segments.iter().map(|g| g.accounts).sum();
    let segments: Vec<String> =
        s.segments.iter().map(|g| format!("{}: {}", g.label, count(g.accounts as f64))).collect();
    lines.push(format!(
        "{}, {}: {}",
        plural(s.segments.len(), "segment", "segments"),
        plural(accounts as usize, "account", "accounts"),
        segments.join(", ")
    ));
    let channels: Vec<String> = s
        .channels
        .iter()
        .map(|c| match &c.model {
            ChannelModel::People(p) => {
                format!("{} ({}, {})", named(c), c.kind.as_str(), plural(p.headcount as usize, "person", "people"))
            }
            ChannelModel::Reseller(r) => {
                format!("{} (reseller, {})", named(c), plural(r.partners as usize, "partner", "partners"))
            }
            ChannelModel::Online(o) => match o.orders_capacity {
                Some(cap) => format!("{} (online, at most {} orders a year)", named(c), count(cap)),
                None => format!("{} (online, unlimited)", named(c)),
            },
        })
        .collect();
    lines.push(format!("{}: {}", plural(s.channels.len(), "channel", "channels"), channels.join(", ")));
    let mut coverage: Vec<String> = Vec::new();
    for (i, g) in s.segments.iter().enumerate() {
        let rows: Vec<String> = s
            .coverage
            .iter()
            .filter(|c| c.segment == i)
            .map(|c| format!("{} {}", s.channels[c.channel].label, pct_plain(c.share)))
            .collect();
        let routed: f64 = s.coverage.iter().filter(|c| c.segment == i).map(|c| c.share).sum();
        let uncovered =
            if routed < 1.0 - 1e-9 { format!(", {} uncovered", pct_plain(1.0 - routed)) } else { String::new() };
        coverage.push(format!(
            "{} → {}{uncovered}",
            g.label,
            if rows.is_empty() { "none".into() } else { rows.join(", ") }
        ));
    }
    lines.push(format!("{}: {}", plural(s.coverage.len(), "coverage row", "coverage rows"), coverage.join("; ")));
    if s.campaigns.is_empty() {
        lines.push("No campaigns".into());
    } else {
        let campaigns: Vec<String> = s
            .campaigns
            .iter()
            .map(|c| {
                let periods: Vec<String> = c.periods.iter().map(|p| p.to_string()).collect();
                format!(
                    "{} ({} via {}, {} {})",
                    c.name,
                    s.segments[c.segment].label,
                    s.channels[c.channel].label,
                    if c.periods.len() == 1 {
                        s.period.as_str().to_string()
                    } else {
                        format!("{}s", s.period.as_str())
                    },
                    periods.join(", ")
                )
            })
            .collect();
        lines.push(format!("{}: {}", plural(s.campaigns.len(), "campaign", "campaigns"), campaigns.join(", ")));
    }
    let uncertain = s.params.iter().filter(|p| p.dist.as_fixed().is_none()).count();
    lines.push(format!("{uncertain} of {} inputs uncertain (given as distributions)", s.params.len()));
    if s.correlations.is_empty() {
        lines.push("No correlations".into());
    } else {
        let pairs: Vec<String> = s
            .correlations
            .iter()
            .map(|c| {
                let labels = chancap::report::labels::Labels::of_scenario(s);
                format!(
                    "{} – {} ({})",
                    labels.parameter(&s.param(c.a).path),
                    labels.parameter(&s.param(c.b).path),
                    plain(c.rank)
                )
            })
            .collect();
        lines.push(format!(
            "{} (rank): {}",
            plural(s.correlations.len(), "correlation", "correlations"),
            pairs.join(", ")
        ));
    }
    let targets: Vec<String> =
        s.targets.iter().map(|t| format!("{} ≥ {}", t.metric.as_str(), money(t.value, &s.currency))).collect();
    lines.push(if targets.is_empty() { "No targets".to_string() } else { format!("Targets: {}", targets.join(", ")) });
    lines.push(format!(
        "Capacity: {}",
        if s.enforce_capacity { "enforced (demand beyond it is lost)" } else { "reported only" }
    ));
    lines.extend(tables(path));
    lines.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// The file's `[sweep]` and `[optimise]` tables, a line each when present.
fn tables(path: &Path) -> Vec<String> {
    let Ok(bytes) = read_bounded(path, chancap::model::MAX_FILE_BYTES) else { return Vec::new() };
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Vec::new();
    let set = |(p, v): &(String, String)| format!("{p} = {}", v.replace(',', ", "));
    match chancap::analysis::sweep::from_file(&text) {
        Ok((sets, zip)) if !sets.is_empty() => out.push(format!(
            "[sweep]: {}{}",
            sets.iter().map(set).collect::<Vec<_>>().join("; "),
            if zip { " (zipped)" } else { "" }
        )),
        Ok(_) => {}
        Err(e) => out.push(format!("[sweep]: cannot be read: {e}")),
    }
    match chancap::analysis::optimise::from_file(&text) {
        Ok(def) if !def.vary.is_empty() || def.maximise.is_some() || def.minimise.is_some() => {
            let goal = match (&def.maximise, &def.minimise) {
                (Some(m), _) => format!("maximise {m}"),
                (None, Some(m)) => format!("minimise {m}"),
                (None, None) => "no goal".into(),
            };
            let mut line =
                format!("[optimise]: {goal} over {}", def.vary.iter().map(set).collect::<Vec<_>>().join("; "));
            if !def.constraints.is_empty() {
                line.push_str(&format!(", subject to {}", def.constraints.join(" and ")));
            }
            out.push(line);
        }
        Ok(_) => {}
        Err(e) => out.push(format!("[optimise]: cannot be read: {e}")),
    }
    out
}
