//! `[[coverage]]`: which channel serves which segment, and how.

use super::channels::ChannelEntry;
use super::{Reader, Tbl};
use crate::model::schema;
use crate::model::{Campaign, Channel, ChannelKind, Coverage, Segment};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// A share routed from a segment: its value, its span and the row's path.
type Share = (f64, Range<usize>, String);

impl Reader {
    /// Coverage rows; checks pairs given twice and shares of a segment above 1.
    pub(super) fn coverage(
        &mut self,
        root: &Tbl<'_, '_>,
        segment_names: &[&str],
        channels: &[ChannelEntry],
    ) -> Vec<Option<Coverage>> {
        let tables = self.table_array(root, "coverage");
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_deref().unwrap_or("")).collect();
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        let mut shares: Vec<Vec<Share>> = vec![Vec::new(); segment_names.len()];
        let mut out = Vec::new();
        for t in &tables {
            self.check_keys(t, &schema::COVERAGE.keys());
            let seg_name = self.string(t, "segment", true);
            let ch_name = self.string(t, "channel", true);
            let segment =
                seg_name.as_ref().and_then(|n| self.reference(n, t.field("segment"), "segment", segment_names));
            let channel =
                ch_name.as_ref().and_then(|n| self.reference(n, t.field("channel"), "channel", &channel_names));
            let key = match (&seg_name, &ch_name) {
                (Some(s), Some(c)) => format!("coverage.{}.{}", s.get_ref(), c.get_ref()),
                _ => t.path.clone(),
            };
            if let (Some(s), Some(c)) = (segment, channel) {
                self.covered_pairs.push((s, c));
                if let Some(first) = seen.get(&(s, c)) {
                    self.error(
                        ch_name.as_ref().map(Spanned::span),
                        t.path.clone(),
                        format!(
                            "segment \"{}\" and channel \"{}\" are paired twice",
                            segment_names[s], channel_names[c]
                        ),
                    )
                    .help = Some(format!("merge this row with coverage[{first}]"));
                } else {
                    seen.insert((s, c), out.len() + 1);
                }
            }
            let kind = channel.and_then(|c| channels[c].kind);
            let people = kind.is_none_or(ChannelKind::is_people);
            if !people {
                self.people_fields(t, channel_names[channel.unwrap_or(0)], kind);
            }
            let share = match t.get("share") {
                None => {
                    self.missing(t, "share", "the share of the segment's opportunities routed here, 0 to 1");
                    None
                }
                Some(_) => self.number(t, schema::COVERAGE.get("share")),
            };
            if let (Some(s), Some(x)) = (segment, share) {
                let span = t.get("share").map_or(t.span.clone(), Spanned::span);
                shares[s].push((x, span, t.path.clone()));
            }
            let hit_rate = self.uncertain(t, schema::COVERAGE.get("hit_rate"), &key, None);
            let hpo =
                if people { self.number_or(t, schema::COVERAGE.get("hours_per_opportunity"), 0.0) } else { Some(0.0) };
            let cpa =
                if people { self.number_or(t, schema::COVERAGE.get("contacts_per_account"), 0.0) } else { Some(0.0) };
            let hpc =
                if people { self.number_or(t, schema::COVERAGE.get("hours_per_contact"), 0.0) } else { Some(0.0) };
            let dsf = self.uncertain(t, schema::COVERAGE.get("deal_size_factor"), &key, Some(1.0));
            let gm = match t.get("gross_margin") {
                None => Some(None),
                Some(_) => self.uncertain(t, schema::COVERAGE.get("gross_margin"), &key, None).map(Some),
            };
            out.push((|| {
                Some(Coverage {
                    segment: segment?,
                    channel: channel?,
                    share: share?,
                    hit_rate: hit_rate?,
                    hours_per_opportunity: hpo?,
                    contacts_per_account: cpa?,
                    hours_per_contact: hpc?,
                    deal_size_factor: dsf?,
                    gross_margin: gm?,
                })
            })());
        }
        self.share_totals(&shares, segment_names);
        out
    }

    /// Errors for the fields of people channels in a row of a reseller or online
    /// channel (`channel`, of `kind`).
    fn people_fields(&mut self, t: &Tbl<'_, '_>, channel: &str, kind: Option<ChannelKind>) {
        for field in schema::COVERAGE_PEOPLE_ONLY {
            if let Some((k, _)) = t.map.get_key_value(*field) {
                self.error(
                    Some(k.span()),
                    t.field(field),
                    format!(
                        "`{field}` applies to direct and telesales channels; \"{channel}\" is kind = \"{}\"",
                        kind.map_or("?", ChannelKind::as_str)
                    ),
                )
                .help = Some(
                    "reseller capacity is in opportunities per partner; online capacity is orders_capacity".into(),
                );
            }
        }
    }

    /// Errors for segments whose shares (`shares[s]` for segment `s`, in row order)
    /// add up to more than 1.
    fn share_totals(&mut self, shares: &[Vec<Share>], segment_names: &[&str]) {
        for (s, rows) in shares.iter().enumerate() {
            let total: f64 = rows.iter().map(|r| r.0).sum();
            if total > 1.0 + 1e-9 {
                let parts: Vec<String> = rows.iter().map(|(x, _, p)| format!("{p}: {x}")).collect();
                let span = rows.last().map(|r| r.1.clone());
                self.error(
                    span,
                    format!("segments.{}", segment_names[s]),
                    format!(
                        "the shares of segment \"{}\" add up to {}, more than 1",
                        segment_names[s],
                        crate::model::text::plain(total)
                    ),
                )
                .help = Some(format!(
                    "{}; lower them so they sum to at most 1 (the rest is uncovered demand)",
                    parts.join(", ")
                ));
            }
        }
    }

    pub(super) fn coverage_warnings(
        &mut self,
        segments: &[Segment],
        channels: &[Channel],
        coverage: &[Coverage],
        campaigns: &[Campaign],
    ) {
        for (i, s) in segments.iter().enumerate() {
            let served =
                coverage.iter().any(|c| c.segment == i && c.share > 0.0) || campaigns.iter().any(|c| c.segment == i);
            if !served {
                self.warn(
                    None,
                    format!("segments.{}", s.name),
                    format!("segment \"{}\" is served by no channel: all its demand is uncovered", s.name),
                );
            }
        }
        for (i, c) in channels.iter().enumerate() {
            let used = coverage.iter().any(|r| r.channel == i) || campaigns.iter().any(|r| r.channel == i);
            if !used {
                self.warn(
                    None,
                    format!("channels.{}", c.name),
                    format!("channel \"{}\" serves no segment; its fixed costs still count", c.name),
                );
            }
        }
    }
}
