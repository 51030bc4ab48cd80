//! Every assumption of a scenario as the file states it, as tables whose column
//! headings are the file's own keys, with distributions written the way a person
//! reads them ("triangular 10 – 12 – 15").

use super::format::plain;
use super::table::Section;
use crate::model::schema::{self, Section as Fields};
use crate::model::{Addition, ChannelModel, ParamId, Scenario};

/// A table whose columns are `first` (the item's name) and then the keys of a
/// section of the file, less those in `skip`.
fn section(title: &str, first: Option<&str>, fields: &Fields, skip: &[&str]) -> Section {
    let keys = fields.fields.iter().map(|f| f.key).filter(|k| !skip.contains(k));
    let header: Vec<&str> = first.into_iter().chain(keys).collect();
    Section::new(title, &header, 1)
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
    let mut t = Section::new("Scenario", &["key", "value"], 1);
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
    let mut t = section("Segments", Some("segment"), &schema::SEGMENT, &["name"]);
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
    let mut people = section("People channels", Some("channel"), &schema::PEOPLE, &[]);
    let mut resellers = section("Reseller channels", Some("channel"), &schema::RESELLER, &["kind"]);
    let mut online = section("Online channels", Some("channel"), &schema::ONLINE, &["kind"]);
    people.numeric_from = 3;
    resellers.numeric_from = 2;
    online.numeric_from = 2;
    for ch in &s.channels {
        match &ch.model {
            ChannelModel::People(p) => people.rows.push(vec![
                ch.name.clone(),
                ch.kind.as_str().into(),
                ch.label.clone(),
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
                ch.label.clone(),
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
                ch.label.clone(),
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
    let mut t = section("Coverage (the service concept)", None, &schema::COVERAGE, &[]);
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
    let mut t = Section::new("Correlations (rank, Spearman)", &["between", "and", "rank"], 1);
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
    let mut t = section("Campaigns", Some("campaign"), &schema::CAMPAIGN, &["name"]);
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
