//! Every assumption of a scenario as the file states it, as tables whose column
//! headings are the file's own keys, with distributions written the way a person
//! reads them ("triangular 10 – 12 – 15").

use super::format::plain;
use super::table::Section;
use crate::model::{Addition, ChannelModel, ParamId, Scenario};

fn section(title: &str, header: &[&str]) -> Section {
    Section {
        title: title.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        numeric_from: 1,
        empty: String::new(),
    }
}

fn dist(s: &Scenario, id: ParamId) -> String {
    s.param(id).dist.to_string()
}

fn additions(list: &[Addition], word: &str) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter().map(|a| format!("{} in {word} {}", a.count, a.period)).collect::<Vec<_>>().join(", ")
}

fn season(factors: &[f64]) -> String {
    if factors.iter().all(|f| (f - 1.0).abs() < 1e-12) {
        "flat".into()
    } else {
        factors.iter().map(|f| format!("{f:.2}")).collect::<Vec<_>>().join(" ")
    }
}

/// The scenario's assumptions, one table per kind of thing in the file.
pub fn sections(s: &Scenario) -> Vec<Section> {
    let mut out = vec![scenario(s), segments(s)];
    out.extend(channels(s));
    out.push(coverage(s));
    out.extend(correlations(s));
    out.extend(campaigns(s));
    out
}

/// The `[scenario]` table and the targets.
fn scenario(s: &Scenario) -> Section {
    let word = s.period.as_str();
    let mut t = section("Scenario", &["key", "value"]);
    t.rows.push(vec!["periods".into(), format!("{} {word}s", s.periods)]);
    t.rows.push(vec!["currency".into(), s.currency.clone()]);
    t.rows.push(vec!["market_growth".into(), dist(s, s.market_growth)]);
    for target in &s.targets {
        t.rows.push(vec![format!("targets.{}", target.metric.as_str()), plain(target.value)]);
    }
    t.rows.push(vec![
        "capacity.enforce".into(),
        if s.enforce_capacity { "true (demand beyond capacity is lost)" } else { "false (reported only)" }.into(),
    ]);
    t
}

/// The segments of the pyramid.
fn segments(s: &Scenario) -> Section {
    let mut t = section(
        "Segments",
        &["segment", "label", "accounts", "opportunities_per_account", "deal_size", "gross_margin", "seasonality"],
    );
    t.numeric_from = 2;
    for seg in &s.segments {
        t.rows.push(vec![
            seg.name.clone(),
            seg.label.clone(),
            plain(seg.accounts as f64),
            dist(s, seg.opportunities_per_account),
            seg.deal_size.to_string(),
            dist(s, seg.gross_margin),
            season(&seg.season),
        ]);
    }
    t
}

/// The channels, one table per kind that the file has.
fn channels(s: &Scenario) -> Vec<Section> {
    let word = s.period.as_str();
    let mut people = section(
        "People channels",
        &[
            "channel",
            "kind",
            "headcount",
            "hours_per_fte",
            "cost_per_fte",
            "attrition",
            "backfill",
            "hiring_lag",
            "ramp",
            "hires",
            "cost_per_opportunity",
        ],
    );
    let mut resellers = section(
        "Reseller channels",
        &[
            "channel",
            "partners",
            "opportunities_per_partner",
            "partner_margin",
            "incentives",
            "partner_churn",
            "onboarding",
            "recruits",
            "recruit_cost",
            "program_cost",
        ],
    );
    let mut online =
        section("Online channels", &["channel", "fee", "cost_per_order", "platform_cost", "orders_capacity"]);
    for ch in &s.channels {
        match &ch.model {
            ChannelModel::People(p) => people.rows.push(vec![
                ch.name.clone(),
                ch.kind.as_str().into(),
                plain(p.headcount as f64),
                plain(p.hours_per_fte),
                plain(p.cost_per_fte),
                dist(s, p.attrition),
                p.backfill.to_string(),
                plain(p.hiring_lag as f64),
                plain(p.ramp as f64),
                additions(&p.hires, word),
                plain(p.cost_per_opportunity),
            ]),
            ChannelModel::Reseller(r) => resellers.rows.push(vec![
                ch.name.clone(),
                plain(r.partners as f64),
                dist(s, r.opportunities_per_partner),
                dist(s, r.partner_margin),
                dist(s, r.incentives),
                dist(s, r.partner_churn),
                plain(r.onboarding as f64),
                additions(&r.recruits, word),
                plain(r.recruit_cost),
                plain(r.program_cost),
            ]),
            ChannelModel::Online(o) => online.rows.push(vec![
                ch.name.clone(),
                dist(s, o.fee),
                plain(o.cost_per_order),
                plain(o.platform_cost),
                o.orders_capacity.map_or("unlimited".into(), plain),
            ]),
        }
    }
    [people, resellers, online].into_iter().filter(|t| !t.rows.is_empty()).collect()
}

/// The coverage rows: the service concept.
fn coverage(s: &Scenario) -> Section {
    let mut t = section(
        "Coverage (the service concept)",
        &[
            "segment",
            "channel",
            "share",
            "hit_rate",
            "hours_per_opportunity",
            "contacts_per_account",
            "hours_per_contact",
            "deal_size_factor",
            "gross_margin",
        ],
    );
    t.numeric_from = 2;
    for row in &s.coverage {
        t.rows.push(vec![
            s.segments[row.segment].name.clone(),
            s.channels[row.channel].name.clone(),
            plain(row.share),
            dist(s, row.hit_rate),
            plain(row.hours_per_opportunity),
            plain(row.contacts_per_account),
            plain(row.hours_per_contact),
            dist(s, row.deal_size_factor),
            row.gross_margin.map_or("segment's".into(), |id| dist(s, id)),
        ]);
    }
    t
}

/// The `[[correlations]]`, if any.
fn correlations(s: &Scenario) -> Option<Section> {
    if s.correlations.is_empty() {
        return None;
    }
    let mut t = section("Correlations (rank, Spearman)", &["between", "and", "rank"]);
    t.numeric_from = 2;
    for c in &s.correlations {
        t.rows.push(vec![s.param(c.a).path.clone(), s.param(c.b).path.clone(), format!("{:.3}", c.rank)]);
    }
    Some(t)
}

/// The `[[campaigns]]`, if any.
fn campaigns(s: &Scenario) -> Option<Section> {
    if s.campaigns.is_empty() {
        return None;
    }
    let mut t = section(
        "Campaigns",
        &[
            "campaign",
            "segment",
            "channel",
            "periods",
            "reach",
            "hours_per_call",
            "response",
            "hit_rate",
            "hours_per_opportunity",
        ],
    );
    t.numeric_from = 3;
    for c in &s.campaigns {
        t.rows.push(vec![
            c.name.clone(),
            s.segments[c.segment].name.clone(),
            s.channels[c.channel].name.clone(),
            c.periods.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
            dist(s, c.reach),
            plain(c.hours_per_call),
            dist(s, c.response),
            c.hit_rate.map_or("coverage row's".into(), |id| dist(s, id)),
            c.hours_per_opportunity.map_or("coverage row's".into(), plain),
        ]);
    }
    Some(t)
}
