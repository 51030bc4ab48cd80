//! What people read instead of identifiers: segment and channel labels, and
//! parameter paths in words ("Key accounts · direct · hit rate" for
//! `coverage.key.direct.hit_rate`). Every table, chart and the report name
//! things through here.

use crate::results::Results;
use std::collections::HashMap;

/// The separator between the parts of a described path.
const DOT: &str = " · ";

/// The display labels of a run's segments and channels.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    segments: HashMap<String, String>,
    channels: HashMap<String, String>,
}

impl Labels {
    /// The labels of `results`' segments and channels. A channel of a file
    /// written before channels had labels reads as its name.
    pub fn of(results: &Results) -> Labels {
        Labels {
            segments: results.segments.iter().map(|s| (s.segment.clone(), pick(&s.segment, &s.label))).collect(),
            channels: results.channels.iter().map(|c| (c.channel.clone(), pick(&c.channel, &c.label))).collect(),
        }
    }

    /// The labels of a scenario's segments and channels, for what is drawn
    /// without a run of it (a tornado, a sweep).
    pub fn of_scenario(s: &crate::model::Scenario) -> Labels {
        Labels {
            segments: s.segments.iter().map(|x| (x.name.clone(), pick(&x.name, &x.label))).collect(),
            channels: s.channels.iter().map(|x| (x.name.clone(), pick(&x.name, &x.label))).collect(),
        }
    }

    /// The labels a sweep recorded of its scenario.
    pub fn of_sweep(sweep: &crate::analysis::sweep::SweepOutput) -> Labels {
        let pick = |(name, label): (&String, &String)| (name.clone(), pick(name, label));
        Labels {
            segments: sweep.labels.segments.iter().map(pick).collect(),
            channels: sweep.labels.channels.iter().map(pick).collect(),
        }
    }

    /// A segment's label; an unknown name reads as itself.
    pub fn segment<'a>(&'a self, name: &'a str) -> &'a str {
        self.segments.get(name).map_or(name, String::as_str)
    }

    /// A channel's label; an unknown name reads as itself.
    pub fn channel<'a>(&'a self, name: &'a str) -> &'a str {
        self.channels.get(name).map_or(name, String::as_str)
    }

    /// A metric name of `sensitivity --metric` in words, for the middle of a
    /// sentence: `contribution` → "contribution", `direct.required_fte` →
    /// "direct · required FTE", `partners.shortfall` → "Certified partners ·
    /// shortfall".
    pub fn metric(&self, name: &str) -> String {
        match name.split_once('.') {
            Some((channel, figure)) => {
                format!("{}{DOT}{}", self.channel(channel), words(figure).replace("fte", "FTE"))
            }
            None => words(name),
        }
    }

    /// A parameter path in words: `coverage.key.direct.hit_rate` →
    /// "Key accounts · direct · hit rate", `channels.telesales.headcount.mean`
    /// → "Telesales · headcount (mean)". A path of a shape this does not know
    /// comes back with its underscores as spaces, never lost.
    pub fn parameter(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        let (named, rest): (Vec<String>, &[&str]) = match parts.as_slice() {
            ["coverage", seg, ch, rest @ ..] if !rest.is_empty() => {
                (vec![self.segment(seg).to_string(), self.channel(ch).to_string()], rest)
            }
            ["segments", seg, rest @ ..] if !rest.is_empty() => (vec![self.segment(seg).to_string()], rest),
            ["channels", ch, rest @ ..] if !rest.is_empty() => (vec![self.channel(ch).to_string()], rest),
            ["campaigns", name, rest @ ..] if !rest.is_empty() => (vec![format!("campaign {name}")], rest),
            ["targets", metric] => return format!("{} target", capitalised(&words(metric))),
            ["scenario", rest @ ..] if !rest.is_empty() => (Vec::new(), rest),
            _ => return words(path),
        };
        let mut field = words(rest[0]);
        let mut params = rest[1..].iter().map(|p| words(p)).collect::<Vec<_>>().join(", ");
        // `hires[2].headcount`: the index belongs to the field, the key after it too.
        if rest[0].contains('[') && !params.is_empty() {
            field = format!("{field} {params}");
            params = String::new();
        }
        let mut out = named;
        out.push(field);
        let mut text = out.join(DOT);
        if !params.is_empty() {
            text.push_str(&format!(" ({params})"));
        }
        capitalised(&text)
    }
}

/// The label shown for `name`: its `label`, or the name where it has none
/// (files written before channels had labels).
fn pick(name: &str, label: &str) -> String {
    if label.is_empty() { name.to_string() } else { label.to_string() }
}

/// A key in words: underscores as spaces, `[2]` as " 2".
fn words(key: &str) -> String {
    key.replace(['_', '['], " ").replace(']', "")
}

/// The first letter upper-case, the rest as given.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        Labels {
            segments: [("key".to_string(), "Key accounts".to_string())].into(),
            channels: [("direct".to_string(), "direct".to_string()), ("web".to_string(), "Web shop".to_string())]
                .into(),
        }
    }

    #[test]
    fn paths_read_as_words_with_labels() {
        let l = labels();
        assert_eq!(l.parameter("coverage.key.direct.hit_rate"), "Key accounts · direct · hit rate");
        assert_eq!(l.parameter("coverage.key.web.hit_rate.mean"), "Key accounts · Web shop · hit rate (mean)");
        assert_eq!(l.parameter("segments.key.opportunities_per_account"), "Key accounts · opportunities per account");
        assert_eq!(l.parameter("channels.direct.headcount"), "Direct · headcount");
        assert_eq!(l.parameter("channels.direct.hires[2].headcount"), "Direct · hires 2 headcount");
        assert_eq!(l.parameter("scenario.market_growth"), "Market growth");
        assert_eq!(l.parameter("targets.revenue"), "Revenue target");
        assert_eq!(l.parameter("campaigns.spring-call.reach"), "Campaign spring-call · reach");
        assert_eq!(l.parameter("something_else"), "something else");
    }

    #[test]
    fn metrics_read_as_words_with_labels() {
        let l = labels();
        assert_eq!(l.metric("contribution"), "contribution");
        assert_eq!(l.metric("web.shortfall"), "Web shop · shortfall");
        assert_eq!(l.metric("direct.required_fte"), "direct · required FTE");
    }

    #[test]
    fn unknown_names_read_as_themselves() {
        let l = labels();
        assert_eq!(l.segment("key"), "Key accounts");
        assert_eq!(l.segment("other"), "other");
        assert_eq!(l.channel("web"), "Web shop");
        assert_eq!(l.parameter("coverage.small.tele.share"), "Small · tele · share");
    }
}
