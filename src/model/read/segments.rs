//! `[[segments]]`: the layers of the customer pyramid.

use super::{Reader, Tbl};
use crate::model::schema;
use crate::model::{Campaign, ParamId, Segment};
use std::collections::HashMap;
use std::ops::Range;

/// Largest number of accounts in a segment.
const MAX_ACCOUNTS: u64 = 1_000_000_000;
/// Largest expected number of routed opportunities per iteration: every won deal is
/// drawn, so a larger scenario would run for hours per iteration.
const MAX_OPPORTUNITIES: f64 = 50_000_000.0;

impl Reader {
    /// The segments; each with its name when that is valid, even if other fields
    /// are not, so that references to it do not cascade into more errors.
    pub(super) fn segments(
        &mut self,
        root: &Tbl<'_, '_>,
        season: Option<&[f64]>,
    ) -> Vec<(Option<String>, Option<Segment>)> {
        let tables = self.table_array(root, "segments");
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for t in &tables {
            self.check_keys(t, &schema::SEGMENT.keys());
            let name = self.string(t, "name", true);
            let name_ok = name.as_ref().is_some_and(|n| self.identifier(n, t.field("name")));
            if let (Some(n), true) = (&name, name_ok) {
                if let Some(first) = seen.get(n.get_ref()) {
                    let first = *first;
                    self.error(
                        Some(n.span()),
                        t.field("name"),
                        format!("duplicate segment name \"{}\"", n.get_ref()),
                    )
                    .help = Some(format!("segments[{first}] has that name already; each segment needs its own"));
                } else {
                    seen.insert(n.get_ref().clone(), out.len() + 1);
                }
            }
            let key = name
                .as_ref()
                .filter(|_| name_ok)
                .map_or_else(|| t.path.clone(), |n| format!("segments.{}", n.get_ref()));
            let label = self.string(t, "label", false);
            let accounts = self.integer(t, "accounts", true, 0, MAX_ACCOUNTS);
            let opa = self.uncertain(t, schema::SEGMENT.get("opportunities_per_account"), &key, None);
            let deal_size = match t.get("deal_size") {
                None => {
                    self.missing(t, "deal_size", "a number or a distribution table, drawn per won deal");
                    None
                }
                Some(v) => self.dist(v, t.field("deal_size"), schema::SEGMENT.get("deal_size")),
            };
            let gross_margin = self.uncertain(t, schema::SEGMENT.get("gross_margin"), &key, Some(0.0));
            let own_season = self.seasonality(t);
            let profile =
                own_season.or_else(|| season.map(<[f64]>::to_vec)).or_else(|| self.periods.map(|p| vec![1.0; p]));
            let valid_name = name.as_ref().filter(|_| name_ok).map(|n| n.get_ref().clone());
            out.push((
                valid_name,
                (|| {
                    let name = name?.into_inner();
                    Some(Segment {
                        label: label.map_or_else(|| name.clone(), |l| l.into_inner()),
                        name,
                        accounts: accounts?,
                        opportunities_per_account: opa?,
                        deal_size: deal_size?,
                        gross_margin: gross_margin?,
                        season: profile?,
                    })
                })(),
            ));
        }
        out
    }

    /// Refuses scenarios whose expected demand would take hours per iteration:
    /// the segments' opportunities and the campaigns' (calls × response), since
    /// every one of them may become a deal that is drawn.
    pub(super) fn size_check(
        &mut self,
        segments: &[Segment],
        campaigns: &[Campaign],
        growth: ParamId,
        periods: usize,
        span: Range<usize>,
    ) {
        let mean = |id: ParamId| self.params[id.0].dist.mean();
        let g = 1.0 + mean(growth);
        let years = periods as f64 / self.ppy as f64;
        let demand: f64 =
            segments.iter().map(|s| s.accounts as f64 * mean(s.opportunities_per_account) * g * years).sum();
        let calls: f64 =
            campaigns.iter().map(|c| mean(c.reach) * segments[c.segment].accounts as f64 * mean(c.response)).sum();
        let total = demand + calls;
        if total > MAX_OPPORTUNITIES {
            let whose = if calls > 0.0 { "the segments and campaigns" } else { "the segments" };
            self.error(
                Some(span.start..span.start),
                "segments",
                format!(
                    "{whose} expect about {} opportunities per iteration; chancap draws every deal and is limited to {}",
                    crate::model::text::count(total),
                    crate::model::text::count(MAX_OPPORTUNITIES)
                ),
            )
            .help = Some("model accounts in thousands, or a shorter horizon".into());
        }
    }
}
