//! `[[campaigns]]`: outbound calls by a people channel in given periods.

use super::channels::ChannelEntry;
use super::{Reader, Tbl, type_name};
use crate::model::Campaign;
use crate::model::schema;
use std::collections::HashMap;
use toml::de::DeValue;

impl Reader {
    pub(super) fn campaigns(
        &mut self,
        root: &Tbl<'_, '_>,
        segment_names: &[&str],
        channels: &[ChannelEntry],
    ) -> Vec<Option<Campaign>> {
        let tables = self.table_array(root, "campaigns");
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_deref().unwrap_or("")).collect();
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut out = Vec::new();
        for t in &tables {
            self.check_keys(t, &schema::CAMPAIGN.keys());
            let name = self.string(t, "name", true);
            let name_ok = name.as_ref().is_some_and(|n| self.identifier(n, t.field("name")));
            if let (Some(n), true) = (&name, name_ok)
                && seen.insert(n.get_ref().clone(), ()).is_some()
            {
                self.error(Some(n.span()), t.field("name"), format!("duplicate campaign name \"{}\"", n.get_ref()));
            }
            let key = name
                .as_ref()
                .filter(|_| name_ok)
                .map_or_else(|| t.path.clone(), |n| format!("campaigns.{}", n.get_ref()));
            let seg_name = self.string(t, "segment", true);
            let ch_name = self.string(t, "channel", true);
            let segment =
                seg_name.as_ref().and_then(|n| self.reference(n, t.field("segment"), "segment", segment_names));
            let mut channel =
                ch_name.as_ref().and_then(|n| self.reference(n, t.field("channel"), "channel", &channel_names));
            if let (Some(c), Some(n)) = (channel, &ch_name)
                && let Some(kind) = channels[c].kind.filter(|k| !k.is_people())
            {
                self.error(
                    Some(n.span()),
                    t.field("channel"),
                    format!(
                        "campaigns run on direct or telesales channels; \"{}\" is kind = \"{}\"",
                        n.get_ref(),
                        kind.as_str()
                    ),
                );
                channel = None;
            }
            let periods = self.campaign_periods(t);
            let reach = self.uncertain(t, schema::CAMPAIGN.get("reach"), &key, None);
            let hours_per_call = match t.get("hours_per_call") {
                None => {
                    self.missing(t, "hours_per_call", "hours per call");
                    None
                }
                Some(_) => self.number(t, schema::CAMPAIGN.get("hours_per_call")),
            };
            let response = self.uncertain(t, schema::CAMPAIGN.get("response"), &key, None);
            let covered = match (segment, channel) {
                (Some(s), Some(c)) => self.covered_pairs.contains(&(s, c)),
                _ => true,
            };
            let hit_rate = match t.get("hit_rate") {
                Some(_) => self.uncertain(t, schema::CAMPAIGN.get("hit_rate"), &key, None).map(Some),
                None if !covered => {
                    self.error(
                        Some(t.span.clone()),
                        t.field("hit_rate"),
                        format!(
                            "missing `hit_rate`: no coverage row pairs segment \"{}\" with channel \"{}\" to take it from",
                            segment_names[segment.unwrap_or(0)],
                            channel_names[channel.unwrap_or(0)]
                        ),
                    )
                    .help = Some("give the campaign its own hit_rate".into());
                    None
                }
                None => Some(None),
            };
            let hpo = match t.get("hours_per_opportunity") {
                None => Some(None),
                Some(_) => self.number(t, schema::CAMPAIGN.get("hours_per_opportunity")).map(Some),
            };
            out.push((|| {
                Some(Campaign {
                    name: name?.into_inner(),
                    segment: segment?,
                    channel: channel?,
                    periods: periods?,
                    reach: reach?,
                    hours_per_call: hours_per_call?,
                    response: response?,
                    hit_rate: hit_rate?,
                    hours_per_opportunity: hpo?,
                })
            })());
        }
        out
    }

    fn campaign_periods(&mut self, t: &Tbl<'_, '_>) -> Option<Vec<usize>> {
        let Some(v) = t.get("periods") else {
            self.missing(t, "periods", "the periods it calls in, e.g. [3, 4]");
            return None;
        };
        let DeValue::Array(items) = v.get_ref() else {
            let found = type_name(v.get_ref());
            self.error(
                Some(v.span()),
                t.field("periods"),
                format!("expected an array of period numbers like [3, 4], found {found}"),
            );
            return None;
        };
        if items.is_empty() {
            self.error(Some(v.span()), t.field("periods"), "a campaign needs at least one period");
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.period(item, format!("{}[{}]", t.field("periods"), i + 1)) {
                Some(p) if out.contains(&p) => {
                    self.error(
                        Some(item.span()),
                        format!("{}[{}]", t.field("periods"), i + 1),
                        format!("period {p} is listed twice"),
                    );
                    ok = false;
                }
                Some(p) => out.push(p),
                None => ok = false,
            }
        }
        out.sort_unstable();
        ok.then_some(out)
    }
}
